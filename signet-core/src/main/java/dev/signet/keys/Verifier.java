package dev.signet.keys;

import org.jspecify.annotations.Nullable;

/**
 * One public (or, for HS*, shared) key able to check JWS signatures of exactly one algorithm.
 *
 * <h3>Security guarantees</h3>
 *
 * {@link #verify} answers true only for a signature made over {@code signingInput} by the private
 * key of this verifier with {@link #algorithm()}. Encodings are checked strictly: ECDSA signatures
 * must be raw R‖S of the curve's exact length.
 */
public interface Verifier {
  Algorithm algorithm();

  @Nullable String keyId();

  boolean verify(byte[] signingInput, byte[] signature);
}
