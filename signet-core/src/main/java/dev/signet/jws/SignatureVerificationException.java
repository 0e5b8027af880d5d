package dev.signet.jws;

import dev.signet.SignetException;
import dev.signet.keys.Algorithm;
import org.jspecify.annotations.Nullable;

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
  private final @Nullable Algorithm headerAlgorithm;

  public SignatureVerificationException(Reason reason, String message) {
    this(reason, message, null);
  }

  /**
   * @param headerAlgorithm the algorithm the JWS header names, when the header could be read
   */
  public SignatureVerificationException(
      Reason reason, String message, @Nullable Algorithm headerAlgorithm) {
    super(message);
    this.reason = reason;
    this.headerAlgorithm = headerAlgorithm;
  }

  public Reason reason() {
    return reason;
  }

  /**
   * The algorithm the JWS header names; null when the value was refused before its header was read
   * ({@link Reason#MALFORMED}, {@link Reason#UNSUPPORTED_ALGORITHM}, {@link
   * Reason#UNSUPPORTED_HEADER}).
   */
  public @Nullable Algorithm headerAlgorithm() {
    return headerAlgorithm;
  }
}
