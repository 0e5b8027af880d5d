package dev.signet.server.session;

import java.time.Duration;

/** The bounds of session tokens, in one place. */
public final class SessionLimits {
  private SessionLimits() {}

  /** A session's lifetime when the exchange asks for none. */
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);

  /** The longest lifetime an exchange may ask for. */
  public static final Duration MAX_TTL = Duration.ofMinutes(15);

  /**
   * How far a session may outlive the OIDC token it was exchanged for: a job's token typically
   * lives 5 to 60 minutes, and a session must not turn it into a long-lived credential.
   */
  public static final Duration BEYOND_TOKEN_EXPIRY = Duration.ofMinutes(10);

  /** Signing requests of a session when the exchange asks for no number. */
  public static final int DEFAULT_MAX_USES = 1000;

  /** The most signing requests one session may allow. */
  public static final int MAX_MAX_USES = 100_000;

  /**
   * Uses one process reserves from the database at a time. A process that dies loses what it had
   * not used of its reservation: the session then allows fewer uses, never more.
   */
  public static final int RESERVATION_BATCH = 32;

  /**
   * The longest a process trusts its cached view of a session before reading the row again: the
   * bound on how long a session revoked by another process may still be used here.
   */
  public static final Duration RECHECK_INTERVAL = Duration.ofSeconds(2);

  /**
   * How long an expired session's row is kept before the cleanup deletes it: meanwhile a late use
   * is refused as expired rather than unknown, which is what an operator reading the log expects.
   */
  public static final Duration KEEP_EXPIRED = Duration.ofHours(1);

  /** Rows one cleanup statement deletes: short statements, never a long lock on the table. */
  public static final int CLEANUP_BATCH = 1000;

  /** Statements one cleanup round runs at most; the rest waits for the next round. */
  public static final int CLEANUP_MAX_BATCHES = 20;

  /** Sessions one process keeps validated in memory; beyond that, expired ones are dropped. */
  static final int MAX_CACHED = 50_000;

  /** A session token: {@code sgs_} + 16 + {@code _} + 64 characters; longer is refused unread. */
  static final int MAX_TOKEN_CHARS = 128;

  /** The stored origin of a session (its verified claims), as JSON. */
  static final int MAX_ORIGIN_JSON_CHARS = 256 * 1024;
}
