package dev.signet.server.policy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

final class InMemoryPolicyHistory implements PolicyHistory {
  private final LinkedHashMap<PolicyVersion, Entry> entries = new LinkedHashMap<>();

  @Override
  public synchronized boolean record(PolicySnapshot snapshot, String source, Instant loadedAt) {
    if (entries.containsKey(snapshot.version())) {
      return false;
    }
    entries.put(
        snapshot.version(),
        new Entry(snapshot.version(), snapshot.canonicalJson(), source, loadedAt));
    return true;
  }

  @Override
  public synchronized Optional<Entry> find(PolicyVersion version) {
    return Optional.ofNullable(entries.get(version));
  }

  @Override
  public synchronized List<Entry> recent(int limit) {
    List<Entry> all = new ArrayList<>(entries.values());
    java.util.Collections.reverse(all);
    return List.copyOf(all.subList(0, Math.min(limit, all.size())));
  }
}
