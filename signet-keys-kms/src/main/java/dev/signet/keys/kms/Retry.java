package dev.signet.keys.kms;

import dev.signet.keys.KeyException;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * Bounded retries with exponential back-off and jitter, for the failures that a later attempt may
 * not meet: throttling, server errors, network trouble, a response that failed its integrity check.
 * Everything else (denied, not found, not allowed) fails at once.
 */
final class Retry {
  private Retry() {}

  // Jitter needs no secrecy, but one random source for the project keeps reviews simple.
  private static final SecureRandom JITTER = new SecureRandom();

  /** What kind of passing trouble an attempt met; decides the final error's wording and reason. */
  enum Kind {
    THROTTLED("was throttled", KeyException.Reason.UNAVAILABLE),
    SERVER("met a server error", KeyException.Reason.UNAVAILABLE),
    NETWORK("could not reach the service", KeyException.Reason.UNAVAILABLE),
    CORRUPTED("got a response that failed its integrity check", KeyException.Reason.SIGNING_FAILED);

    final String verb;
    final KeyException.Reason reason;

    Kind(String verb, KeyException.Reason reason) {
      this.verb = verb;
      this.reason = reason;
    }
  }

  /** A failure worth another attempt. {@code detail} is one line, already free of secrets. */
  static final class Transient extends Exception {
    private static final long serialVersionUID = 1L;
    final Kind kind;

    Transient(Kind kind, String detail) {
      super(detail, null, false, false);
      this.kind = kind;
    }
  }

  @FunctionalInterface
  interface Attempt<T> {
    T call() throws KeyException, Transient;
  }

  /**
   * Runs {@code attempt} until it succeeds, fails for good, or the attempts or the deadline are
   * used up.
   *
   * @param what names the key and operation, e.g. {@code awskms:///alias/release: Sign}
   */
  static <T> T run(KmsOptions options, String what, Attempt<T> attempt) throws KeyException {
    long start = System.nanoTime();
    long deadline = options.deadline().toNanos();
    int attempts = 0;
    while (true) {
      Transient last;
      attempts++;
      try {
        return attempt.call();
      } catch (Transient t) {
        last = t;
      }
      long sleep = backoff(options, attempts).toNanos();
      if (attempts >= options.maxAttempts() || System.nanoTime() - start + sleep > deadline) {
        throw new KeyException(
            last.kind.reason,
            what
                + " "
                + last.kind.verb
                + " ("
                + last.getMessage()
                + "); gave up after "
                + attempts
                + (attempts == 1 ? " attempt" : " attempts"));
      }
      try {
        Thread.sleep(Duration.ofNanos(sleep));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KeyException(KeyException.Reason.UNAVAILABLE, what + " was interrupted");
      }
    }
  }

  /** Equal jitter: half of the exponential delay is fixed, half is random. */
  static Duration backoff(KmsOptions options, int attempt) {
    long base = options.initialBackoff().toMillis();
    long cap = options.maxBackoff().toMillis();
    long exp = base << Math.min(attempt - 1, 20);
    long delay = Math.min(cap, exp < 0 ? cap : exp);
    long half = delay / 2;
    return Duration.ofMillis(half + JITTER.nextLong(half + 1));
  }
}
