package dev.signet.server.origin;

/**
 * A freshly issued project token. {@link #token()} is shown to its owner once and then forgotten:
 * only {@link #stored()} (which holds its hash) is kept.
 */
public record IssuedProjectToken(String token, StoredProjectToken stored) {
  /** Without the secret, so that logging the record by accident leaks nothing. */
  @Override
  public String toString() {
    return "IssuedProjectToken[id=" + stored.id() + ", project=" + stored.project() + "]";
  }
}
