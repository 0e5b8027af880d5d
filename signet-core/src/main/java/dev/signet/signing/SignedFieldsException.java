package dev.signet.signing;

import dev.signet.SignetException;
import java.util.List;

/**
 * The field list of a signature cannot be turned into signed values (spec §3, Buildkite's {@code
 * ValuesForFields}). The message is Buildkite's own error text, so it can be compared with the
 * agent's logs; it names fields and variables, never their values.
 */
public final class SignedFieldsException extends SignetException {
  private static final long serialVersionUID = 1L;

  /** Which rule of spec §3 was broken. */
  public enum Reason {
    /** {@code signed_fields} is empty: {@code signature covers no fields}. */
    NO_FIELDS,
    /** A name Signet cannot produce a value for: {@code unknown or unsupported field ...}. */
    UNKNOWN_FIELD,
    /** An {@code env::NAME} field whose variable is not in the job env. */
    MISSING_VARIABLE,
    /** Required fields are absent from the list: {@code one or more required fields ...}. */
    REQUIRED_FIELDS_MISSING
  }

  private final Reason reason;
  private final List<String> fields;

  SignedFieldsException(Reason reason, List<String> fields, String message) {
    super(message);
    this.reason = reason;
    this.fields = List.copyOf(fields);
  }

  public Reason reason() {
    return reason;
  }

  /**
   * The fields involved: the unknown field, the {@code env::NAME} field, or every missing required
   * field (sorted); empty for {@link Reason#NO_FIELDS}.
   */
  public List<String> fields() {
    return fields;
  }

  /** The first field involved, or {@code ""} when none. */
  public String field() {
    return fields.isEmpty() ? "" : fields.getFirst();
  }
}
