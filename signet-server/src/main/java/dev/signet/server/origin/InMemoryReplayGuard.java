package dev.signet.server.origin;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * A bounded replay guard for one process. When it is full of unexpired entries it refuses new
 * tokens instead of forgetting old ones, because forgetting would let a remembered token be
 * replayed; only verified tokens reach it, so filling it takes that many genuine tokens.
 */
public final class InMemoryReplayGuard implements ReplayGuard {
  private record Key(String issuer, String jti) {}

  private record Entry(Key key, Instant until) {}

  private final int capacity;
  private final Clock clock;
  private final Map<Key, Instant> seen = new HashMap<>();
  private final PriorityQueue<Entry> byExpiry =
      new PriorityQueue<>((a, b) -> a.until().compareTo(b.until()));

  public InMemoryReplayGuard(int capacity, Clock clock) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.capacity = capacity;
    this.clock = clock;
  }

  public InMemoryReplayGuard(Clock clock) {
    this(OriginLimits.DEFAULT_REPLAY_CAPACITY, clock);
  }

  @Override
  public synchronized boolean firstUse(String issuer, String jti, Instant until)
      throws OriginException {
    Instant now = clock.instant();
    while (!byExpiry.isEmpty() && !byExpiry.peek().until().isAfter(now)) {
      Entry e = byExpiry.poll();
      seen.remove(e.key(), e.until());
    }
    Key key = new Key(issuer, jti);
    if (seen.containsKey(key)) {
      return false;
    }
    if (seen.size() >= capacity) {
      throw new OriginException(
          OriginException.Reason.REPLAY_GUARD_UNAVAILABLE,
          "the replay guard holds "
              + capacity
              + " unexpired token ids; refusing until some expire");
    }
    seen.put(key, until);
    byExpiry.add(new Entry(key, until));
    return true;
  }

  /** Unexpired entries held (for metrics and tests). */
  public synchronized int size() {
    return seen.size();
  }
}
