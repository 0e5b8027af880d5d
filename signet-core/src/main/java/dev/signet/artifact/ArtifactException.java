package dev.signet.artifact;

import dev.signet.SignetException;

/**
 * An artifact signature was refused, or the operation is not possible with this key or bundle.
 * Malformed input (a truncated bundle, a bad digest string) is an {@link
 * dev.signet.input.InputException} instead. Messages name the artifact, the bundle or signature
 * file and the key source; never key material.
 */
public final class ArtifactException extends SignetException {
  private static final long serialVersionUID = 1L;

  /** Why; the CLI maps the first three to "refused" and {@link #UNSUPPORTED} to bad input. */
  public enum Reason {
    /** The artifact's digest differs from the one the bundle records. */
    DIGEST_MISMATCH,
    /** The bundle names (by hint or embedded key) a key that is not the trusted one. */
    KEY_MISMATCH,
    /** The signature does not verify with the trusted key. */
    BAD_SIGNATURE,
    /** The combination cannot be signed or checked: Ed25519 bundles, a DSSE bundle, keyless. */
    UNSUPPORTED
  }

  private final Reason reason;

  public ArtifactException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  /** True when the artifact was checked and refused (as opposed to not checkable). */
  public boolean isRefusal() {
    return reason != Reason.UNSUPPORTED;
  }
}
