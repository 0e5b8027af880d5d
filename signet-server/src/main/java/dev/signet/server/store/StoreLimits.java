package dev.signet.server.store;

import java.time.Duration;

/** Bounds of the database layer, in one place. */
final class StoreLimits {
  private StoreLimits() {}

  /** Connections per server process; several processes share one PostgreSQL. */
  static final int MAX_POOL_SIZE = 10;

  /** Waiting for a pooled connection, and for the database at start-up. */
  static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);

  /** A connection's liveness check. */
  static final Duration VALIDATION_TIMEOUT = Duration.ofSeconds(2);

  /** A database URL as shown in messages and logs. */
  static final int MAX_DESCRIBED_URL_CHARS = 200;

  /** Expired replay-guard rows deleted per cleanup statement. */
  static final int REPLAY_CLEANUP_BATCH = 1000;

  /** Token uses recorded in one replay-guard transaction (group commit). */
  static final int REPLAY_GROUP_MAX = 256;

  /** How long a replay-guard transaction waits for more token uses under load. */
  static final Duration REPLAY_GROUP_LINGER = Duration.ofMillis(5);

  /** How often one process runs a replay-guard cleanup. */
  static final Duration REPLAY_CLEANUP_EVERY = Duration.ofMinutes(1);

  /** The most entries {@code PolicyHistory.recent} returns, whatever the caller asks. */
  static final int MAX_RECENT_POLICIES = 1000;
}
