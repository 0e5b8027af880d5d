package dev.signet.server.approval;

import dev.signet.server.policy.Operation;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Grants. Concurrency contract, which a JDBC implementation must keep:
 *
 * <ul>
 *   <li>{@link #tryConsume} is one atomic conditional increment ({@code UPDATE grants SET used =
 *       used + 1 WHERE id = ? AND used < max_signatures AND expires_at > ? AND revoked_at IS NULL},
 *       success iff one row changed), so concurrent signers never exceed the count, across
 *       processes too;
 *   <li>{@link #revoke} sets {@code revoked_at} once ({@code … WHERE revoked_at IS NULL}); a
 *       consumption that committed before it stands, none succeeds after it.
 * </ul>
 */
public interface GrantStore {

  /** Stores a new grant; throws {@link IllegalStateException} if the id is taken. */
  void insert(Grant grant);

  Optional<Grant> find(String id);

  /** Grants of this exact rule version that are usable for key and operation at {@code now}. */
  List<Grant> usable(
      String project, String rule, String ruleHash, String key, Operation operation, Instant now);

  /**
   * Takes one use if the grant is still usable at {@code now}; the grant after the use, if taken.
   */
  Optional<Grant> tryConsume(String id, Instant now);

  /** Revokes at {@code at}; false if unknown or already revoked. */
  boolean revoke(String id, Instant at);

  static GrantStore inMemory() {
    return new InMemoryGrantStore();
  }
}
