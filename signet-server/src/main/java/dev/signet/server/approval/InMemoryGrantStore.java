package dev.signet.server.approval;

import dev.signet.server.policy.Operation;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

final class InMemoryGrantStore implements GrantStore {
  private final ConcurrentHashMap<String, Grant> grants = new ConcurrentHashMap<>();

  @Override
  public void insert(Grant grant) {
    if (grants.putIfAbsent(grant.id(), grant) != null) {
      throw new IllegalStateException("grant id already used");
    }
  }

  @Override
  public Optional<Grant> find(String id) {
    return Optional.ofNullable(grants.get(id));
  }

  @Override
  public List<Grant> usable(
      String project, String rule, String ruleHash, String key, Operation operation, Instant now) {
    return grants.values().stream()
        .filter(g ->
            g.project().equals(project)
                && g.rule().equals(rule)
                && g.ruleHash().equals(ruleHash)
                && g.usable(key, operation, now))
        .sorted(Comparator.comparing(Grant::expiresAt).thenComparing(Grant::id))
        .toList();
  }

  @Override
  public Optional<Grant> tryConsume(String id, Instant now) {
    Grant[] taken = {null};
    // computeIfPresent runs atomically per key: the check and the increment are one step.
    grants.computeIfPresent(
        id,
        (k, g) -> {
          if (g.revokedAt() == null
              && now.isBefore(g.expiresAt())
              && g.used() < g.maxSignatures()) {
            Grant next = g.withUsed(g.used() + 1);
            taken[0] = next;
            return next;
          }
          return g;
        });
    return Optional.ofNullable(taken[0]);
  }

  @Override
  public boolean revoke(String id, Instant at) {
    boolean[] done = {false};
    grants.computeIfPresent(
        id,
        (k, g) -> {
          if (g.revokedAt() == null) {
            done[0] = true;
            return g.revoked(at);
          }
          return g;
        });
    return done[0];
  }
}
