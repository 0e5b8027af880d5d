package dev.signet.server.policy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Every policy version the server has used, so that the version named in a decision or audit entry
 * can be shown later. Append-only.
 *
 * <p>Concurrency contract (a JDBC implementation must keep it): {@link #record} is an insert that
 * ignores an existing version ({@code INSERT … ON CONFLICT (version) DO NOTHING}); the first record
 * of a version wins and is never changed, and two processes loading the same file at once both
 * succeed.
 */
public interface PolicyHistory {

  /**
   * One recorded version.
   *
   * @param version primary key
   * @param canonicalJson the RFC 8785 JSON whose SHA-256 is the version
   * @param source where it was loaded from (a file name, {@code admin-api})
   */
  record Entry(PolicyVersion version, String canonicalJson, String source, Instant loadedAt) {}

  /** Records the snapshot's version; returns false when the version was already recorded. */
  boolean record(PolicySnapshot snapshot, String source, Instant loadedAt);

  Optional<Entry> find(PolicyVersion version);

  /** The most recent first, at most {@code limit}. */
  List<Entry> recent(int limit);

  /** In memory, for tests and single-process use. */
  static PolicyHistory inMemory() {
    return new InMemoryPolicyHistory();
  }
}
