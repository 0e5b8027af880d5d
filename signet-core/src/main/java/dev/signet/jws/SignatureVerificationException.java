package dev.signet.jws;

import dev.signet.SignetException;

/** A JWS did not verify. The reason is for {@code --explain}; users of Buildkite see one line. */
public final class SignatureVerificationException extends SignetException {
  private static final long serialVersionUID = 1L;

  /** Why verification failed. */
  public enum Reason {
    /** Not a compact JWS with a detached payload, bad base64url, bad header JSON. */
    MALFORMED,
    /** The header names an algorithm Signet does not accept ({@code none}, RS256, unknown). */
    UNSUPPORTED_ALGORITHM,
    /** The header has a {@code crit} or {@code b64} member Signet does not understand. */
    UNSUPPORTED_HEADER,
    /** No key ID in the header, or no key with that ID. */
    KEY_NOT_FOUND,
    /** The key's algorithm differs from the header's. */
    ALGORITHM_MISMATCH,
    /** The signature does not match the payload. */
    BAD_SIGNATURE
  }

  private final Reason reason;

  public SignatureVerificationException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
