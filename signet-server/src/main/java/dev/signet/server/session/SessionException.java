package dev.signet.server.session;

import dev.signet.SignetException;

/**
 * A session token that does not authenticate, or an exchange that cannot be granted. The message is
 * one line, names the session by its public id only, and never contains the token.
 */
public final class SessionException extends SignetException {
  private static final long serialVersionUID = 1L;

  /** Why; the server maps these to statuses and audit reasons. */
  public enum Reason {
    /** Not a session token ({@code sgs_<id>_<secret>}). */
    MALFORMED,
    /** No session has this id, or its secret is another. */
    UNKNOWN_SESSION,
    /** The session's lifetime is over. */
    EXPIRED,
    /** The session was revoked. */
    REVOKED,
    /** Every use the session allowed has been taken. */
    EXHAUSTED,
    /** The session belongs to another project. */
    WRONG_PROJECT,
    /** The session is bound to a client certificate that this request did not present. */
    CERTIFICATE_MISMATCH,
    /** The exchange asked for a lifetime or a number of uses out of bounds. */
    OUT_OF_BOUNDS,
    /** The session store cannot be read or written: fail closed. */
    UNAVAILABLE,
    /** The server is configured without sessions ({@code sessions.enabled: false}). */
    DISABLED
  }

  private final Reason reason;

  public SessionException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
