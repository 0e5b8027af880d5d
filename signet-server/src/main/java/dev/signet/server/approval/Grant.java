package dev.signet.server.approval;

import dev.signet.server.policy.Operation;
import java.time.Instant;
import java.util.Set;
import java.util.SortedSet;
import org.jspecify.annotations.Nullable;

/**
 * Permission, given by an approval, to sign further requests that match the same unchanged rule
 * without waiting: bounded by {@code expiresAt} and {@code maxSignatures}, scoped to the rule's
 * project, keys and operations.
 *
 * @param ruleHash the rule's hash when approved: a changed rule no longer matches its grants
 * @param requestId the approved request that gave it
 * @param used signatures taken so far
 */
public record Grant(
    String id,
    String project,
    String rule,
    String ruleHash,
    SortedSet<String> keys,
    Set<Operation> operations,
    String requestId,
    Instant issuedAt,
    Instant expiresAt,
    int maxSignatures,
    int used,
    @Nullable Instant revokedAt) {
  public Grant {
    keys = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(keys));
    operations = Set.copyOf(operations);
  }

  public int remaining() {
    return maxSignatures - used;
  }

  /** Usable at {@code now} for {@code key} and {@code operation}, if uses remain. */
  public boolean usable(String key, Operation operation, Instant now) {
    return revokedAt == null
        && now.isBefore(expiresAt)
        && used < maxSignatures
        && keys.contains(key)
        && operations.contains(operation);
  }

  Grant withUsed(int used) {
    return new Grant(
        id,
        project,
        rule,
        ruleHash,
        keys,
        operations,
        requestId,
        issuedAt,
        expiresAt,
        maxSignatures,
        used,
        revokedAt);
  }

  Grant revoked(Instant at) {
    return new Grant(
        id,
        project,
        rule,
        ruleHash,
        keys,
        operations,
        requestId,
        issuedAt,
        expiresAt,
        maxSignatures,
        used,
        at);
  }
}
