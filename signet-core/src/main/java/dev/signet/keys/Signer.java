package dev.signet.keys;

import org.jspecify.annotations.Nullable;

/**
 * A private key able to make JWS signatures. Implementations hold a file key, an HSM key, a KMS key
 * or a remote service; callers never see the key material.
 *
 * <p>Thread-safe: one signer may sign from many threads.
 */
public interface Signer {
  Algorithm algorithm();

  /** The key ID put into the JWS header, or null for keys without one (KMS keys). */
  @Nullable String keyId();

  /**
   * Signs the JWS signing input. Returns the JWS signature bytes: 64 bytes for EdDSA, raw R‖S for
   * ECDSA (never DER), the RSA-PSS signature for PS*.
   */
  byte[] sign(byte[] signingInput) throws KeyException;
}
