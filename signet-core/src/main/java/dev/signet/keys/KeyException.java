package dev.signet.keys;

import dev.signet.SignetException;

/**
 * A key cannot be loaded or used: unreadable or malformed key file, a key that is not allowed for
 * the operation (HMAC, RSASSA-PKCS1-v1_5, {@code none}, wrong curve), a missing or ambiguous key
 * ID. The message names the key source and never contains key material.
 */
public final class KeyException extends SignetException {
  private static final long serialVersionUID = 1L;

  /** Why a key was refused; lets callers choose exit codes and tests assert precisely. */
  public enum Reason {
    UNREADABLE,
    MALFORMED,
    NOT_ALLOWED,
    NOT_FOUND,
    AMBIGUOUS,
    SIGNING_FAILED,
    /** The key's home cannot be reached or is not ready: HSM token absent, KMS unreachable. */
    UNAVAILABLE,
    /** The key's home refused us: wrong PIN, KMS 403, Vault permission denied. */
    DENIED
  }

  private final Reason reason;

  public KeyException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public KeyException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
