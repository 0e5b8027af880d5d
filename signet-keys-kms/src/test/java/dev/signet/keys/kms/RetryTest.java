package dev.signet.keys.kms;

import static dev.signet.keys.kms.KmsTesting.refused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.keys.KeyException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Back-off bounds, the attempt limit, the deadline, and that permanent errors are not retried. */
class RetryTest {
  private static final KmsOptions OPTIONS =
      new KmsOptions(
          Duration.ofSeconds(1),
          Duration.ofSeconds(1),
          Duration.ofSeconds(60),
          5,
          Duration.ofMillis(100),
          Duration.ofMillis(1000));

  @Test
  void backoffDoublesWithJitterUpToTheCap() {
    long[] ceilings = {100, 200, 400, 800, 1000, 1000, 1000};
    for (int attempt = 1; attempt <= ceilings.length; attempt++) {
      for (int i = 0; i < 200; i++) {
        long ms = Retry.backoff(OPTIONS, attempt).toMillis();
        assertThat(ms).isBetween(ceilings[attempt - 1] / 2, ceilings[attempt - 1]);
      }
    }
    assertThat(Retry.backoff(OPTIONS, 1000).toMillis()).isBetween(500L, 1000L);
  }

  @Test
  void transientFailuresAreRetriedUpToTheLimit() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    KmsOptions fast =
        new KmsOptions(
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            Duration.ofSeconds(60),
            4,
            Duration.ZERO,
            Duration.ZERO);
    assertThat(
            Retry.run(
                fast,
                "k: op",
                () -> {
                  if (calls.incrementAndGet() < 4) {
                    throw new Retry.Transient(Retry.Kind.SERVER, "HTTP 500");
                  }
                  return "ok";
                }))
        .isEqualTo("ok");
    calls.set(0);
    refused(
        () ->
            Retry.run(
                fast,
                "k: op",
                () -> {
                  calls.incrementAndGet();
                  throw new Retry.Transient(Retry.Kind.THROTTLED, "HTTP 429");
                }),
        KeyException.Reason.UNAVAILABLE,
        "k: op was throttled (HTTP 429); gave up after 4 attempts");
    assertThat(calls).hasValue(4);
  }

  /** The first back-off (200-400 ms) would overrun the 150 ms deadline, so no retry starts. */
  @Test
  void theDeadlineStopsRetriesEarly() throws Exception {
    KmsOptions slow =
        new KmsOptions(
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            Duration.ofMillis(150),
            10,
            Duration.ofMillis(400),
            Duration.ofMillis(400));
    AtomicInteger calls = new AtomicInteger();
    refused(
        () ->
            Retry.run(
                slow,
                "k: op",
                () -> {
                  calls.incrementAndGet();
                  throw new Retry.Transient(Retry.Kind.NETWORK, "connection refused");
                }),
        KeyException.Reason.UNAVAILABLE,
        "gave up after 1 attempt");
    assertThat(calls).hasValue(1);
  }

  @Test
  void permanentFailuresAreNotRetried() {
    AtomicInteger calls = new AtomicInteger();
    refused(
        () ->
            Retry.run(
                OPTIONS,
                "k: op",
                () -> {
                  calls.incrementAndGet();
                  throw new KeyException(KeyException.Reason.DENIED, "k: op refused: HTTP 403");
                }),
        KeyException.Reason.DENIED,
        "HTTP 403");
    assertThat(calls).hasValue(1);
  }

  @Test
  void integrityFailuresEndAsSigningFailed() {
    KmsOptions once =
        new KmsOptions(
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            1,
            Duration.ZERO,
            Duration.ZERO);
    refused(
        () ->
            Retry.run(
                once,
                "k: op",
                () -> {
                  throw new Retry.Transient(Retry.Kind.CORRUPTED, "bad CRC32C");
                }),
        KeyException.Reason.SIGNING_FAILED,
        "k: op got a response that failed its integrity check (bad CRC32C); gave up after 1"
            + " attempt");
  }
}
