package dev.signet.server.signing;

/** The signing API's limits on untrusted input, in one place. */
public final class SigningLimits {
  private SigningLimits() {}

  /** Issuers in the configuration. */
  public static final int MAX_ISSUERS = 64;

  /** Any one value in the {@code issuers} section. */
  public static final int MAX_CONFIG_VALUE_CHARS = 2048;

  /** A request body of a signing route (a pipeline or an attestation payload, base64). */
  public static final long MAX_SIGN_BODY_BYTES = 1024 * 1024;

  /** A message to sign (EdDSA and other non-prehashed signatures). */
  public static final int MAX_MESSAGE_BYTES = 64 * 1024;

  /** An admin request body. */
  public static final long MAX_ADMIN_BODY_BYTES = 16 * 1024;

  /** A session exchange body ({@code {"ttlSeconds":N,"maxUses":N}}). */
  public static final long MAX_SESSION_BODY_BYTES = 1024;

  /** The optional caller-supplied label of what is signed. */
  public static final int MAX_NAME_CHARS = 256;

  /** An Authorization header. */
  public static final int MAX_AUTHORIZATION_CHARS = 16 * 1024;

  /** Principal names and role names. */
  public static final int MAX_PRINCIPAL_CHARS = 64;

  /** Roles of one principal. */
  public static final int MAX_ROLES = 32;

  /** The longest project token lifetime an admin may ask for. */
  public static final int MAX_TOKEN_LIFETIME_DAYS = 366;

  /** How long a principal token created through the admin API lasts. */
  public static final java.time.Duration PRINCIPAL_TOKEN_LIFETIME = java.time.Duration.ofDays(365);

  /** Votes' comments. */
  public static final int MAX_COMMENT_CHARS = 1024;

  /** How often one process runs the housekeeping (request expiry, session cleanup). */
  public static final java.time.Duration HOUSEKEEPING_EVERY = java.time.Duration.ofSeconds(5);

  /** Expired pending requests one sweep statement reads. */
  static final int EXPIRY_SWEEP_BATCH = 100;

  /** Sweep batches one housekeeping round runs at most; the rest waits for the next round. */
  static final int EXPIRY_SWEEP_MAX_BATCHES = 20;
}
