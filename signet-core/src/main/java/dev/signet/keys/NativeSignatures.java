package dev.signet.keys;

import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Arrays;

/**
 * Verifies signatures in the native encoding a {@link SigningKey} returns — DER for ECDSA, 64 raw
 * bytes for Ed25519, the RSA-PSS octet string — against a JDK public key. Backends use it for the
 * pairwise-consistency check at open (a token or KMS key whose private and public halves disagree
 * is refused then, not at an agent); artifact verification uses it for cosign-style signatures.
 *
 * <h3>Security guarantees</h3>
 *
 * Answers true only for a signature over {@code message} by the private half of {@code key} with
 * {@code alg}, in the one strict encoding (DER without slack; Ed25519 exactly 64 bytes). Never
 * throws for malformed input: a signature that cannot be parsed is simply not valid.
 */
public final class NativeSignatures {
  private NativeSignatures() {}

  // SEQUENCE { SEQUENCE { OID 1.3.101.112 } BIT STRING (32 bytes) } (RFC 8410 §4).
  private static final byte[] ED25519_SPKI_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  public static boolean verify(Algorithm alg, PublicKey key, byte[] message, byte[] signature) {
    switch (alg.keyType()) {
      case OKP -> {
        byte[] spki = key.getEncoded();
        if (spki == null
            || spki.length != ED25519_SPKI_PREFIX.length + 32
            || !MessageDigest.isEqual(
                Arrays.copyOf(spki, ED25519_SPKI_PREFIX.length), ED25519_SPKI_PREFIX)) {
          return false;
        }
        var point =
            Primitives.ed25519Point(
                Arrays.copyOfRange(spki, ED25519_SPKI_PREFIX.length, spki.length));
        return point != null && Primitives.ed25519Verify(point, message, signature);
      }
      case EC -> {
        byte[] raw;
        try {
          raw = EcdsaSignatures.derToP1363(signature, alg);
        } catch (KeyException e) {
          return false;
        }
        return Primitives.jcaVerify(alg, key, message, raw);
      }
      case RSA -> {
        return Primitives.jcaVerify(alg, key, message, signature);
      }
      default -> {
        return false;
      }
    }
  }
}
