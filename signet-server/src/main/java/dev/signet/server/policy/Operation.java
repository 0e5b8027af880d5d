package dev.signet.server.policy;

import java.util.Locale;
import java.util.Optional;

/** What a signing request asks for; policies allow operations per project and rule. */
public enum Operation {
  /** Signing a pipeline's steps (Buildkite-compatible). */
  PIPELINE,
  /** Signing a digest or blob. */
  DIGEST,
  /** Signing a container image. */
  IMAGE,
  /** Signing a DSSE/in-toto attestation. */
  ATTESTATION;

  /** The name used in policies, project tokens and audit entries. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Operation> of(String id) {
    for (Operation o : values()) {
      if (o.id().equals(id)) {
        return Optional.of(o);
      }
    }
    return Optional.empty();
  }
}
