package dev.signet.keys;

import java.security.PublicKey;
import org.jspecify.annotations.Nullable;

/**
 * The keys an agent trusts, and the rule for choosing one for a signature. For a JWKS the header
 * must carry a {@code kid}, the key is found by it, and its algorithm must equal the header's (spec
 * §5); this is what makes key rotation safe and algorithm confusion impossible.
 */
public interface VerificationKeys {
  /**
   * The verifier for a JWS header with {@code alg} and {@code kid}.
   *
   * @throws KeyException with {@link KeyException.Reason#NOT_FOUND} for a missing or unknown kid,
   *     {@link KeyException.Reason#NOT_ALLOWED} when the key's algorithm differs from {@code alg}
   */
  Verifier select(Algorithm alg, @Nullable String kid) throws KeyException;

  /** Where the keys came from, for messages. */
  String source();

  /**
   * Verification with a single public key, as an agent configured with a KMS key verifies (spec
   * §5): signatures need no {@code kid} (one in the header is ignored, since the key is fixed), and
   * the header's algorithm must equal {@code alg}.
   *
   * @param source names the key in messages, e.g. {@code awskms:///alias/release}
   * @throws KeyException {@link KeyException.Reason#NOT_ALLOWED} when {@code key} does not fit
   *     {@code alg} (wrong key type or curve, RSA below 2048 bits, an HMAC algorithm)
   */
  static VerificationKeys of(PublicKey key, Algorithm alg, String source) throws KeyException {
    return PublicKeyVerificationKeys.create(key, alg, source);
  }
}
