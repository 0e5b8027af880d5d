package dev.signet.server.origin;

import java.time.Duration;

/**
 * Every bound on what origin verification reads or keeps, in one place, so that docs/security.md
 * lists them from one file. The token length itself is core's {@code InputLimits.MAX_TOKEN_CHARS},
 * shared with the CLI.
 */
public final class OriginLimits {
  private OriginLimits() {}

  /** Largest clock-skew leeway an issuer config may set (spec §5.5: at most 60 s). */
  public static final Duration MAX_LEEWAY = Duration.ofSeconds(60);

  /** Leeway when the config names none. */
  public static final Duration DEFAULT_LEEWAY = Duration.ofSeconds(30);

  /** Largest {@code now − iat} accepted by default: GitLab tokens can live for a whole job. */
  public static final Duration DEFAULT_MAX_TOKEN_AGE = Duration.ofMinutes(10);

  /** Upper bound on a configured maximum token age. */
  public static final Duration MAX_MAX_TOKEN_AGE = Duration.ofHours(2);

  /** A discovery document: a few KiB in practice (GitHub's is under 1 KiB). */
  public static final int MAX_DISCOVERY_BYTES = 64 << 10;

  /** A JWKS response: a few KiB; core's key-file bound. */
  public static final int MAX_JWKS_BYTES = 1 << 20;

  /** Keys kept from one JWKS; issuers publish two or three during a rotation. */
  public static final int MAX_JWKS_KEYS = 100;

  /** Length of a {@code kid}, in characters. */
  public static final int MAX_KID_CHARS = 256;

  /** Connecting to an issuer. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** One discovery or JWKS request, from sending to the last byte. */
  public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /** Key-cache lifetime when the JWKS response has no usable {@code Cache-Control: max-age}. */
  public static final Duration DEFAULT_KEY_TTL = Duration.ofMinutes(10);

  /** Shortest key-cache lifetime, whatever {@code max-age} says (also for {@code no-cache}). */
  public static final Duration MIN_KEY_TTL = Duration.ofMinutes(1);

  /** Longest key-cache lifetime, whatever {@code max-age} says: rotations must land in a day. */
  public static final Duration MAX_KEY_TTL = Duration.ofHours(24);

  /**
   * Least time between two fetches for one issuer, caused by unknown {@code kid}s or failures: a
   * flood of tokens with bogus kids costs the issuer (and us) at most one fetch per interval.
   */
  public static final Duration MIN_REFETCH_INTERVAL = Duration.ofSeconds(30);

  /** How long cached keys keep verifying while the issuer cannot be reached. */
  public static final Duration MAX_STALE_KEYS = Duration.ofHours(24);

  /** Entries the in-memory replay guard keeps by default. */
  public static final int DEFAULT_REPLAY_CAPACITY = 100_000;

  /** Certificates in a presented client chain. */
  public static final int MAX_CHAIN_LENGTH = 8;

  /** A project token, in characters (the format is far shorter; this bounds what is hashed). */
  public static final int MAX_PROJECT_TOKEN_CHARS = 256;

  /** Characters of an untrusted value (claim, kid, DN) quoted in a message. */
  static final int MAX_SHOWN = 80;

  /** An untrusted value for a message: one line, quoted, cut at {@link #MAX_SHOWN}. */
  static String shown(String value) {
    return dev.signet.json.JsonWriter.quoteOneLine(value, MAX_SHOWN);
  }
}
