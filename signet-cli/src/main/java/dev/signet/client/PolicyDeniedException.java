package dev.signet.client;

/**
 * The service's policy refused the request (HTTP 403 {@code denied}, or an approval that was denied
 * or expired). It travels as the cause of a {@link dev.signet.keys.KeyException} — the {@link
 * dev.signet.keys.SigningKey} contract — so the CLI can exit "refused" rather than "key".
 */
public final class PolicyDeniedException extends Exception {
  private static final long serialVersionUID = 1L;

  PolicyDeniedException(String message) {
    super(message);
  }
}
