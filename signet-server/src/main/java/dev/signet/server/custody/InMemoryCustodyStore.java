package dev.signet.server.custody;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@link CustodyStore} in memory, for tests and single-process use. One lock makes each commit
 * atomic; the compare-and-set semantics are exactly those a SQL store must have.
 */
public final class InMemoryCustodyStore implements CustodyStore {
  private record Id(String project, String name) {}

  private final Map<Id, KeyRecord> keys = new HashMap<>();
  private final Map<Id, TreeMap<Integer, VersionRecord>> versions = new HashMap<>();
  private final Map<Id, List<KeyEvent>> events = new HashMap<>();

  @Override
  public synchronized Optional<KeyRecord> key(String project, String name) {
    return Optional.ofNullable(keys.get(new Id(project, name)));
  }

  @Override
  public synchronized List<KeyRecord> keys(String project) {
    return keys.values().stream()
        .filter(k -> k.project().equals(project))
        .sorted(java.util.Comparator.comparing(KeyRecord::name))
        .toList();
  }

  @Override
  public synchronized List<VersionRecord> versions(String project, String name) {
    TreeMap<Integer, VersionRecord> v = versions.get(new Id(project, name));
    return v == null ? List.of() : List.copyOf(v.values());
  }

  @Override
  public synchronized Optional<VersionRecord> version(String project, String name, int version) {
    TreeMap<Integer, VersionRecord> v = versions.get(new Id(project, name));
    return v == null ? Optional.empty() : Optional.ofNullable(v.get(version));
  }

  @Override
  public synchronized boolean commit(Change change) {
    Id id = new Id(change.key().project(), change.key().name());
    KeyRecord current = keys.get(id);
    long revision = current == null ? 0 : current.revision();
    if (revision != change.expectedRevision()) {
      return false;
    }
    TreeMap<Integer, VersionRecord> v = versions.computeIfAbsent(id, _ -> new TreeMap<>());
    for (VersionRecord r : change.versions()) {
      VersionRecord old = v.get(r.version());
      // Key material is immutable: only state columns may change on an existing version.
      if (old != null
          && (!java.security.MessageDigest.isEqual(old.spki(), r.spki())
              || old.kind() != r.kind()
              || old.algorithm() != r.algorithm())) {
        throw new IllegalArgumentException("a version's key material never changes");
      }
    }
    keys.put(id, change.key());
    for (VersionRecord r : change.versions()) {
      v.put(r.version(), r);
    }
    events.computeIfAbsent(id, _ -> new ArrayList<>()).add(change.event());
    return true;
  }

  @Override
  public synchronized List<KeyEvent> events(String project, String name) {
    return List.copyOf(events.getOrDefault(new Id(project, name), List.of()));
  }
}
