package dev.signet.server.store;

import java.util.concurrent.TimeUnit;

/**
 * The usual gap between arrivals at a group commit (an exponentially weighted mean), and from it
 * how long to wait for one more before committing what is there. A fixed wait would hold back a
 * bounded set of callers (CI jobs waiting for their answers) that have all arrived already; waiting
 * twice the usual gap stops soon after arrivals stop. Not thread-safe: one committer uses it.
 */
public final class ArrivalGaps {
  private static final long MIN_PATIENCE_NANOS = TimeUnit.MICROSECONDS.toNanos(200);
  private long last = Long.MIN_VALUE;
  private double meanGap = TimeUnit.MILLISECONDS.toNanos(1);

  /**
   * Takes in one arrival's {@link System#nanoTime()}; arrivals may be seen slightly out of order.
   */
  public void observe(long arrivedNanos) {
    if (last != Long.MIN_VALUE && arrivedNanos >= last) {
      meanGap = 0.9 * meanGap + 0.1 * (arrivedNanos - last);
    }
    last = Math.max(last, arrivedNanos);
  }

  /** How long to wait for the next arrival before deciding that no more are coming. */
  public long patienceNanos() {
    return Math.max(MIN_PATIENCE_NANOS, (long) (2 * meanGap));
  }
}
