package dev.signet.server.audit;

import java.time.Duration;

/** Every limit of the audit log and its routes, in one place. */
final class AuditLimits {
  private AuditLimits() {}

  /** Entries per transaction and checkpoint, by default and at most. */
  static final int DEFAULT_BATCH = 256;

  static final int MAX_BATCH = 4096;

  /**
   * Committed tree nodes the sequencer keeps between batches (about 100 bytes each): the right edge
   * of the tree plus the subtrees of the last few thousand entries.
   */
  static final int CACHED_NODES = 16_384;

  /**
   * The longest the sequencer waits to fill a batch under load, by default; it stops sooner once
   * appends stop arriving ({@link dev.signet.server.store.ArrivalGaps}). Measured on H2 with 32
   * OIDC clients (ES256), together with the replay guard's equal wait: the server's CPU per
   * signature was 2.25 ms with a fixed 2 ms wait, 1.51 ms with a fixed 5 ms one (median latency at
   * half the peak rate 2 → 13 ms), and 1.11 ms with 5 ms that ends when arrivals stop (median 9 ms;
   * the fixed wait had held back callers that had all arrived). A lone append never waits.
   */
  static final Duration DEFAULT_LINGER = Duration.ofMillis(5);

  /** The longest a sequencer may wait to fill a batch. */
  static final Duration MAX_LINGER = Duration.ofMillis(250);

  /** Appends waiting for the sequencer before new ones are refused (back-pressure). */
  static final int MAX_QUEUED_APPENDS = 65_536;

  /** How long an append may wait for room in the queue. */
  static final Duration QUEUE_WAIT = Duration.ofSeconds(5);

  /** How long an append waits to be durable before the caller is refused. */
  static final Duration APPEND_TIMEOUT = Duration.ofSeconds(30);

  /** How often an idle sequencer looks whether the log was closed. */
  static final Duration SEQUENCER_POLL = Duration.ofMillis(200);

  /** Attempts of a batch whose transaction lost a lock race before it committed. */
  static final int MAX_ATTEMPTS = 5;

  /** Longest origin (first checkpoint line, key name). */
  static final int MAX_ORIGIN_CHARS = 255;

  /** Longest decimal query parameter (a uint63 has 19 digits). */
  static final int MAX_NUMBER_CHARS = 19;
}
