package dev.signet.server.origin;

import java.time.Instant;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A project token as the store keeps it: the hash of its secret, never the secret.
 *
 * @param id the public id (the part between {@code sgp_} and the secret)
 * @param secretSha256 lowercase hex SHA-256 of the 32 secret bytes
 * @param revokedAt when it was revoked, or null
 */
public record StoredProjectToken(
    String id,
    String project,
    Set<String> operations,
    Instant createdAt,
    Instant expiresAt,
    String secretSha256,
    @Nullable Instant revokedAt) {
  public StoredProjectToken {
    operations = Set.copyOf(operations);
  }

  StoredProjectToken revoked(Instant at) {
    return new StoredProjectToken(id, project, operations, createdAt, expiresAt, secretSha256, at);
  }
}
