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

  /**
   * The JWS signer for a key from any backend: EdDSA and PS* signatures are used as they are,
   * ECDSA's DER is converted to the raw R‖S JWS requires (RFC 7518 §3.4).
   */
  static Signer of(SigningKey key) {
    return new Signer() {
      @Override
      public Algorithm algorithm() {
        return key.algorithm();
      }

      @Override
      public @Nullable String keyId() {
        return key.keyId();
      }

      @Override
      public byte[] sign(byte[] signingInput) throws KeyException {
        byte[] native_ = key.signMessage(signingInput);
        return key.algorithm().keyType() == Algorithm.KeyType.EC
            ? EcdsaSignatures.derToP1363(native_, key.algorithm())
            : native_;
      }

      @Override
      public String toString() {
        return "Signer[" + key.reference() + "]";
      }
    };
  }
}
