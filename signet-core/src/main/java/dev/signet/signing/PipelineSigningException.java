package dev.signet.signing;

import dev.signet.SignetException;
import org.jspecify.annotations.Nullable;

/** A pipeline cannot be signed. The message is one line and names the step path or the line. */
public final class PipelineSigningException extends SignetException {
  private static final long serialVersionUID = 1L;

  /** Why signing was refused. */
  public enum Reason {
    /** A step Signet could not parse, which might hide something that should be signed (§10.1). */
    UNKNOWN_STEP,
    /** The raw pipeline text contains interpolation the backend would rewrite (§8.1 step 3). */
    INTERPOLATION,
    /** The signer failed (a KMS or HSM error, for example). */
    SIGNING_FAILED
  }

  private final Reason reason;
  private final @Nullable String where;

  PipelineSigningException(Reason reason, @Nullable String where, String message) {
    super(message);
    this.reason = reason;
    this.where = where;
  }

  PipelineSigningException(Reason reason, @Nullable String where, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.where = where;
  }

  public Reason reason() {
    return reason;
  }

  /** The step path (e.g. {@code steps[2].steps[0]}) or {@code line N}; null when not known. */
  public @Nullable String where() {
    return where;
  }
}
