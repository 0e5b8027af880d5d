package dev.signet.pipeline;

import java.util.List;
import java.util.Objects;

/**
 * The {@code signature} object of a signed command step (spec §2.12).
 *
 * @param algorithm the JWA name, e.g. {@code EdDSA}
 * @param signedFields field names, sorted byte-wise
 * @param value compact JWS with detached payload: {@code <b64u header>..<b64u signature>}
 */
public record StepSignature(String algorithm, List<String> signedFields, String value) {
  public StepSignature {
    Objects.requireNonNull(algorithm, "algorithm");
    signedFields = List.copyOf(signedFields);
    Objects.requireNonNull(value, "value");
  }
}
