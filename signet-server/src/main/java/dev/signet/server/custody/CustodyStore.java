package dev.signet.server.custody;

import java.util.List;
import java.util.Optional;

/**
 * Where custody keys, their versions and their events live. Implementations: {@link
 * InMemoryCustodyStore}; a SQL one is wired in by the server (one transaction per {@link #commit}).
 *
 * <p>Concurrency contract: every change goes through {@link #commit}, a compare-and-set on the
 * key's {@link KeyRecord#revision()}. Two servers on one database that both read revision 4 and
 * both try to create version n+1 cannot both succeed: the first commit moves the revision to 5, the
 * second finds 5 ≠ 4 and changes nothing. In SQL:
 *
 * <pre>
 * BEGIN;
 * UPDATE custody_key SET revision = :new, current_version = :cur
 *   WHERE project = :p AND name = :n AND revision = :expected;   -- 0 rows: return false
 * INSERT INTO custody_version … / UPDATE custody_version … ;   -- (p, n, version) is the primary key
 * INSERT INTO custody_event … ;
 * COMMIT;
 * </pre>
 *
 * and for creation ({@code expectedRevision == 0}) an {@code INSERT} into {@code custody_key} whose
 * primary-key violation means false. Versions are inserted, never replaced, except for their state
 * columns; the primary key on (project, name, version) is a second guard against two version n+1.
 */
public interface CustodyStore {
  Optional<KeyRecord> key(String project, String name);

  /** The project's keys, by name. */
  List<KeyRecord> keys(String project);

  /** The key's versions, ascending. */
  List<VersionRecord> versions(String project, String name);

  Optional<VersionRecord> version(String project, String name, int version);

  /**
   * The row of the key's current version, or empty when the key or that row does not exist. A
   * database store answers in one statement: this is read on every signing request.
   */
  default Optional<VersionRecord> currentVersion(String project, String name) {
    return key(project, name).flatMap(k -> version(project, name, k.currentVersion()));
  }

  /**
   * Applies {@code change} atomically if the stored key's revision equals {@link
   * Change#expectedRevision()} (0: the key must not exist yet), and returns true; otherwise changes
   * nothing and returns false.
   */
  boolean commit(Change change);

  /** The key's events, oldest first. */
  List<KeyEvent> events(String project, String name);

  /**
   * One atomic change: the key's new record (revision = expected + 1), the versions it adds or
   * whose state it changes, and the event that records it.
   */
  record Change(
      long expectedRevision, KeyRecord key, List<VersionRecord> versions, KeyEvent event) {
    public Change {
      versions = List.copyOf(versions);
      if (key.revision() != expectedRevision + 1) {
        throw new IllegalArgumentException("the new revision must be expected + 1");
      }
      for (VersionRecord v : versions) {
        if (!v.project().equals(key.project()) || !v.name().equals(key.name())) {
          throw new IllegalArgumentException("a change touches one key only");
        }
      }
    }
  }
}
