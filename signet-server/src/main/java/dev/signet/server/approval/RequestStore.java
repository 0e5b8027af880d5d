package dev.signet.server.approval;

import java.util.Optional;

/**
 * Signing requests. Concurrency contract, which a JDBC implementation must keep:
 *
 * <ul>
 *   <li>{@link #insert} fails on an existing id (primary key);
 *   <li>{@link #compareAndSet} replaces a request only if the stored revision is still {@code
 *       expected.revision()} ({@code UPDATE … SET …, revision = ? WHERE id = ? AND revision = ?},
 *       one row updated or none); the caller re-reads and retries on false. This is what makes two
 *       approvers racing to be the quorum's last vote, or an approval racing expiry, end in exactly
 *       one state.
 * </ul>
 */
public interface RequestStore {

  /** Stores a new request; throws {@link IllegalStateException} if the id is taken. */
  void insert(SigningRequest request);

  Optional<SigningRequest> find(String id);

  /**
   * Replaces {@code expected} with {@code next} (whose revision is {@code expected.revision() + 1})
   * if nobody changed it since it was read; returns whether it did.
   */
  boolean compareAndSet(SigningRequest expected, SigningRequest next);

  /**
   * {@link #compareAndSet} and, if it succeeds, {@code grants.insert(grant)}, as one atomic step:
   * an approval never stands without the grant it gives, nor a grant without its approval. A JDBC
   * store runs both in one transaction, and so needs {@code grants} on the same database.
   */
  boolean compareAndSetIssuing(
      SigningRequest expected, SigningRequest next, Grant grant, GrantStore grants);

  /**
   * The ids of up to {@code limit} requests still PENDING whose expiry is at or before {@code now},
   * earliest first: the expiry sweeper's work list (it then expires each by compare-and-set).
   */
  java.util.List<String> duePending(java.time.Instant now, int limit);

  static RequestStore inMemory() {
    return new InMemoryRequestStore();
  }
}
