package dev.signet.server.policy;

import dev.signet.server.origin.Origin;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Decides what may be signed, under the current policy snapshot. Thread-safe: {@link #reload} swaps
 * the snapshot atomically and each decision reads it once, so it is wholly made under the version
 * it names.
 *
 * <p>Rate limits are token buckets per project, in this process's memory: with several server
 * processes behind a load balancer, each allows the configured rate, so the effective limit is the
 * rate times the number of processes. A shared limit would need the database (or a shared cache) on
 * every decision; the per-process bound is the deliberate trade-off, documented in docs/policy.md.
 * Only requests that a rule admits take from the bucket, so callers outside the project cannot
 * exhaust it.
 */
public final class PolicyEngine {
  private final AtomicReference<PolicySnapshot> current;
  private final PolicyHistory history;
  private final InstantSource clock;
  private final ConcurrentHashMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();

  /** Starts with {@code initial}, recorded in {@code history} as loaded from {@code source}. */
  public PolicyEngine(
      PolicySet initial, String source, PolicyHistory history, InstantSource clock) {
    this.history = history;
    this.clock = clock;
    PolicySnapshot snapshot = new PolicySnapshot(initial);
    history.record(snapshot, source, clock.instant());
    this.current = new AtomicReference<>(snapshot);
  }

  public PolicySnapshot snapshot() {
    return current.get();
  }

  /**
   * Makes {@code next} the policy for every decision that starts from now on. The version is in the
   * history before any decision can name it.
   */
  public PolicySnapshot reload(PolicySet next, String source) {
    PolicySnapshot snapshot = new PolicySnapshot(next);
    history.record(snapshot, source, clock.instant());
    current.set(snapshot);
    Set<String> live = new HashSet<>();
    for (ProjectPolicy p : next.projects().values()) {
      if (p.rateLimit() != null) {
        live.add(bucketKey(p));
      }
    }
    buckets.keySet().retainAll(live);
    return snapshot;
  }

  /**
   * Whether any rule of {@code project} could allow {@code origin} (some operation and key of the
   * rule); spends no rate limit. A session exchange asks this; each request is still decided in
   * full by {@link #decide}.
   */
  public Decision admits(String project, Origin origin) {
    return Evaluator.admits(current.get(), project, origin);
  }

  public Decision decide(
      String project,
      Operation operation,
      String key,
      Origin origin,
      RequestAttributes attributes) {
    PolicySnapshot snapshot = current.get();
    Decision decision = Evaluator.evaluate(snapshot, project, operation, key, origin, attributes);
    if (decision instanceof Decision.Deny) {
      return decision;
    }
    ProjectPolicy policy = snapshot.policies().projects().get(project);
    if (policy != null && policy.rateLimit() != null) {
      Conditions.RateLimit limit = policy.rateLimit();
      TokenBucket bucket =
          buckets.computeIfAbsent(bucketKey(policy), k -> new TokenBucket(limit, clock.instant()));
      if (!bucket.tryTake(clock.instant())) {
        return new Decision.Deny(
            java.util.List.of(
                new Decision.Failure(
                    null,
                    Reason.RATE_LIMITED,
                    "project "
                        + Policies.quote(project)
                        + ": rate limit of "
                        + limit.spec()
                        + " exceeded")),
            snapshot.version());
      }
    }
    return decision;
  }

  /** A reload that keeps a project's limit keeps its bucket; a changed limit starts a new one. */
  private static String bucketKey(ProjectPolicy p) {
    return p.name() + "\u0000" + (p.rateLimit() == null ? "" : p.rateLimit().spec());
  }

  /** Refills continuously at count per unit, holding at most count. */
  static final class TokenBucket {
    private final double capacity;
    private final double perNano;
    private double tokens;
    private Instant last;

    TokenBucket(Conditions.RateLimit limit, Instant now) {
      this.capacity = limit.count();
      this.perNano = limit.count() / (double) limit.unit().getDuration().toNanos();
      this.tokens = capacity;
      this.last = now;
    }

    synchronized boolean tryTake(Instant now) {
      if (now.isAfter(last)) {
        long nanos = java.time.Duration.between(last, now).toNanos();
        tokens = Math.min(capacity, tokens + nanos * perNano);
        last = now;
      }
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      return false;
    }
  }
}
