package dev.signet.keys.kms;

import java.time.Duration;

/**
 * How patiently a KMS key talks to its service: per-call timeouts, and how often and how long a
 * throttled, failing or unreachable service is retried before the operation fails with {@link
 * dev.signet.keys.KeyException.Reason#UNAVAILABLE}.
 *
 * <p>Retries back off exponentially from {@code initialBackoff}, doubling up to {@code maxBackoff},
 * with jitter (half the delay is random) so that many CI jobs throttled together do not retry in
 * lock step. No retry starts once {@code deadline} has passed since the first attempt.
 *
 * @param connectTimeout time to establish a connection
 * @param callTimeout time for one request, from sending it to the last byte of the response
 * @param deadline time for an operation, all attempts and back-off included
 * @param maxAttempts attempts per operation, the first included (1 means no retries)
 */
public record KmsOptions(
    Duration connectTimeout,
    Duration callTimeout,
    Duration deadline,
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff) {

  /** 5 s to connect, 10 s per call, 5 attempts within 60 s, back-off 200 ms doubling to 5 s. */
  public static final KmsOptions DEFAULT =
      new KmsOptions(
          Duration.ofSeconds(5),
          Duration.ofSeconds(10),
          Duration.ofSeconds(60),
          5,
          Duration.ofMillis(200),
          Duration.ofSeconds(5));

  public KmsOptions {
    for (Duration d : new Duration[] {connectTimeout, callTimeout, deadline}) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("timeouts must be positive");
      }
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff");
    }
    if (maxAttempts < 1 || maxAttempts > 20) {
      throw new IllegalArgumentException("maxAttempts must be between 1 and 20");
    }
  }
}
