package dev.signet.server.custody;

import java.util.regex.Pattern;

/** Every limit of key custody, in one place. */
public final class CustodyLimits {
  private CustodyLimits() {}

  /**
   * Project and key names: lower-case letters, digits, {@code _} and {@code -}, starting with a
   * letter or digit. They appear in JWKS key IDs ({@code NAME-vN}), HSM labels and URLs, so nothing
   * there ever needs escaping, and {@code .} stays free as the HSM label separator.
   */
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  /** Versions per key: rotation beyond this is refused (rotating daily for 27 years). */
  public static final int MAX_VERSIONS = 10_000;

  /**
   * A sealed blob larger than this is refused before any decryption (RSA-3072 PKCS#8 ≈ 1.8 KiB).
   */
  public static final int MAX_SEALED_BYTES = 16 * 1024;

  /** Actor names recorded in key events. */
  public static final int MAX_ACTOR_CHARS = 256;
}
