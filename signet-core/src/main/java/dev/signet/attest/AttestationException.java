package dev.signet.attest;

import dev.signet.SignetException;

/**
 * An attestation cannot be made, read or accepted. The message is one line naming the envelope,
 * bundle or variable and the check that failed; it never contains key material.
 */
public final class AttestationException extends SignetException {
  private static final long serialVersionUID = 1L;

  /** Which check failed; {@link #isRefusal()} tells bad input from a refused attestation. */
  public enum Reason {
    /** Not a well-formed envelope, bundle or statement (bad JSON, base64, shape, size). */
    MALFORMED,
    /** No signature in the envelope verifies with the key. */
    BAD_SIGNATURE,
    /** The bundle's public-key hint names another key. */
    HINT_MISMATCH,
    /** The DSSE payloadType is not {@code application/vnd.in-toto+json}. */
    PAYLOAD_TYPE,
    /** The statement's {@code _type} is not in-toto Statement v1. */
    STATEMENT_TYPE,
    /** The predicate type is not the expected one (or unknown and none was named). */
    PREDICATE_TYPE,
    /** A subject file's digest is not among the statement's subjects. */
    SUBJECT_MISMATCH,
    /** The CI environment is incomplete or ambiguous, so provenance cannot be filled in. */
    ENVIRONMENT
  }

  private final Reason reason;

  public AttestationException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  /**
   * True when a signed attestation was checked and refused (wrong key, tampered, wrong subject or
   * predicate), false for input that could not be read or an environment that cannot be attested.
   */
  public boolean isRefusal() {
    return switch (reason) {
      case MALFORMED, ENVIRONMENT -> false;
      default -> true;
    };
  }
}
