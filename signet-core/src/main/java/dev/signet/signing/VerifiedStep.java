package dev.signet.signing;

import dev.signet.keys.Algorithm;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A step whose signature verified.
 *
 * @param algorithm the JWS algorithm
 * @param keyId the key that made the signature (null for KMS-style keys without a kid)
 * @param signedFields the fields the signature covers, as listed in the signature
 */
public record VerifiedStep(Algorithm algorithm, @Nullable String keyId, List<String> signedFields) {
  public VerifiedStep {
    signedFields = List.copyOf(signedFields);
  }
}
