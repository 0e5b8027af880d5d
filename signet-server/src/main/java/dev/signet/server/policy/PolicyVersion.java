package dev.signet.server.policy;

/**
 * The identity of a policy set: {@code sha256:} and the lowercase hex SHA-256 of the RFC 8785
 * canonical JSON of the parsed set. Two files that mean the same thing (comments, order of
 * projects, a string for a one-item list) have the same version; every decision and audit entry
 * names the version it used.
 */
public record PolicyVersion(String value) {
  public PolicyVersion {
    if (!value.matches("sha256:[0-9a-f]{64}")) {
      throw new IllegalArgumentException("not a policy version");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
