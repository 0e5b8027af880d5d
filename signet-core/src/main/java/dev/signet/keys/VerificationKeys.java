package dev.signet.keys;

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
}
