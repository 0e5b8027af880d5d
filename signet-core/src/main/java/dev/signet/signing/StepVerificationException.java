package dev.signet.signing;

import dev.signet.SignetException;
import org.jspecify.annotations.Nullable;

/**
 * A step signature did not verify. {@link #reason()} and {@link #field()} say why, for {@code
 * --explain}; the message is one line and never contains env values, which may be secrets.
 */
public final class StepVerificationException extends SignetException {
  private static final long serialVersionUID = 1L;

  /** Why the signature was refused. */
  public enum Reason {
    /** The step has no {@code signature}. */
    NO_SIGNATURE,
    /** {@code signed_fields} is empty. */
    NO_FIELDS,
    /** {@code signed_fields} names a field Signet cannot check. */
    UNKNOWN_FIELD,
    /** An {@code env::NAME} field's variable is not in the job env. */
    MISSING_VARIABLE,
    /** A required field is missing from {@code signed_fields}. */
    REQUIRED_FIELDS_MISSING,
    /** The JWS is not a compact detached JWS, or its header is malformed or unsupported. */
    MALFORMED,
    /** The JWS header names no key, or a key the verifier does not have. */
    KEY_NOT_FOUND,
    /** {@code signature.algorithm}, the JWS header and the key disagree on the algorithm. */
    ALGORITHM_MISMATCH,
    /** The signature does not match the values recomputed from the step and the job env. */
    BAD_SIGNATURE
  }

  private final Reason reason;
  private final @Nullable String field;
  private final String detail;

  StepVerificationException(Reason reason, @Nullable String field, String detail) {
    super(detail);
    this.reason = reason;
    this.field = field;
    this.detail = detail;
  }

  public Reason reason() {
    return reason;
  }

  /** The signed field involved, when one can be named (e.g. {@code env::DEPLOY}). */
  public @Nullable String field() {
    return field;
  }

  /** A one-line human explanation, free of env values. */
  public String detail() {
    return detail;
  }
}
