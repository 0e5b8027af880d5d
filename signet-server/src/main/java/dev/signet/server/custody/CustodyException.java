package dev.signet.server.custody;

import dev.signet.SignetException;

/**
 * A refused custody operation. The one-line message names the project, key and version it is about,
 * and never contains key material, PINs or the master key.
 */
public final class CustodyException extends SignetException {
  private static final long serialVersionUID = 1L;

  /** Why; lets the HTTP layer choose a status and tests assert precisely. */
  public enum Reason {
    /** A project or key name, algorithm or time outside what custody accepts. */
    INVALID,
    /** No such key or version. */
    UNKNOWN_KEY,
    /** The key already exists (create). */
    EXISTS,
    /** The version is retired: published, never signs. */
    RETIRED,
    /** The version is revoked: never signs, unpublished from its effective time. */
    REVOKED,
    /** The state change is not allowed (revocation moved later, retiring a revoked version). */
    NOT_ALLOWED,
    /**
     * Another server changed the key at the same time (compare-and-set lost); re-read and retry.
     */
    CONFLICT,
    /**
     * A sealed key does not open: altered or moved between rows in the database, or sealed under
     * another master key. Never retried, never worked around.
     */
    UNSEAL_FAILED,
    /** The HSM or master key cannot be used (token absent, wrong PIN, closed). */
    UNAVAILABLE,
    /** A limit of {@link CustodyLimits} was reached. */
    LIMIT
  }

  private final Reason reason;

  public CustodyException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public CustodyException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
