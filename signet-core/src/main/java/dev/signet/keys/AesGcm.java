package dev.signet.keys;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import org.jspecify.annotations.Nullable;

/**
 * AES-256-GCM with a 96-bit nonce and a 128-bit tag, for sealing private keys at rest (the signing
 * service's software custody). The cipher itself comes from {@link Primitives}, the one place that
 * chooses primitives.
 *
 * <p>Nonces are the caller's: {@link #newNonce} draws 96 random bits, which is safe for up to
 * 2<sup>32</sup> messages under one key (NIST SP 800-38D §8.3) — far beyond the number of keys a
 * service seals under one master key.
 */
public final class AesGcm {
  public static final int KEY_BYTES = 32;
  public static final int NONCE_BYTES = 12;
  public static final int TAG_BYTES = 16;

  private AesGcm() {}

  /** A fresh random 96-bit nonce. */
  public static byte[] newNonce(SecureRandom random) {
    byte[] n = new byte[NONCE_BYTES];
    random.nextBytes(n);
    return n;
  }

  /** {@code ciphertext ‖ tag}. */
  public static byte[] seal(byte[] key, byte[] nonce, byte[] aad, byte[] plaintext) {
    check(key, nonce);
    try {
      return Primitives.aesGcm(true, key, nonce, aad, plaintext);
    } catch (GeneralSecurityException e) {
      // AES-256-GCM is mandatory in every JDK; a failure here is a broken runtime, not input.
      throw new IllegalStateException("AES-GCM unavailable: " + e.getClass().getSimpleName(), e);
    }
  }

  /**
   * The plaintext, or null when {@code ciphertext ‖ tag} does not authenticate under this key,
   * nonce and AAD (wrong key, altered or truncated ciphertext, other AAD). Never partial plaintext.
   */
  public static byte @Nullable [] open(byte[] key, byte[] nonce, byte[] aad, byte[] sealed) {
    check(key, nonce);
    if (sealed.length < TAG_BYTES) {
      return null;
    }
    try {
      return Primitives.aesGcm(false, key, nonce, aad, sealed);
    } catch (GeneralSecurityException e) {
      return null;
    }
  }

  private static void check(byte[] key, byte[] nonce) {
    if (key.length != KEY_BYTES || nonce.length != NONCE_BYTES) {
      throw new IllegalArgumentException("AES-256-GCM needs a 32-byte key and a 12-byte nonce");
    }
  }
}
