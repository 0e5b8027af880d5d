package dev.signet.server.audit;

import dev.signet.SignetException;

/** The audit log cannot record or answer: the operation that needed it must not proceed. */
public final class AuditException extends SignetException {
  private static final long serialVersionUID = 1L;

  public AuditException(String message) {
    super(message);
  }

  public AuditException(String message, Throwable cause) {
    super(message, cause);
  }
}
