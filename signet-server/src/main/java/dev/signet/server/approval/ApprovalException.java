package dev.signet.server.approval;

import dev.signet.SignetException;
import java.util.Locale;

/** An approval action that was refused; {@link #code()} is stable, for the API and audit log. */
public final class ApprovalException extends SignetException {
  private static final long serialVersionUID = 1L;

  public enum Code {
    NOT_FOUND,
    NOT_PENDING,
    EXPIRED,
    SELF_APPROVAL,
    NOT_IN_ROLE,
    ALREADY_VOTED,
    CONFLICT;

    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Code code;

  ApprovalException(Code code, String message) {
    super(message);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
