package dev.signet;

/**
 * Base of every error Signet reports to a user. The message is one line, names the place (file,
 * step path, field) where there is one, and never contains secret material.
 */
public abstract class SignetException extends Exception {
  private static final long serialVersionUID = 1L;

  protected SignetException(String message) {
    super(message);
  }

  protected SignetException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Never null: every constructor takes a message. */
  @Override
  public @org.jspecify.annotations.NonNull String getMessage() {
    String m = super.getMessage();
    return m == null ? getClass().getSimpleName() : m;
  }
}
