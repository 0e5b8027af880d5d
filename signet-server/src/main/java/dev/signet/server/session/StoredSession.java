package dev.signet.server.session;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A session as the store keeps it: never the secret, only its SHA-256.
 *
 * @param id the public id (16 hex digits), shown in audit entries and messages
 * @param secretSha256 lowercase hex SHA-256 of the 32 secret bytes
 * @param originJson the verified credentials of the exchange ({@code OriginJson}), re-used as the
 *     origin of every request made with the session
 * @param certificateSha256 the client certificate every use must present, or null when the exchange
 *     presented none
 * @param projectTokenId the public id of the project token that authenticated the exchange, or
 *     null; revoking that token revokes the session
 * @param reserved uses handed out to processes so far (used or reserved); never above maxUses
 */
public record StoredSession(
    String id,
    String project,
    String secretSha256,
    String originJson,
    @Nullable String certificateSha256,
    @Nullable String projectTokenId,
    Instant createdAt,
    Instant expiresAt,
    int maxUses,
    int reserved,
    @Nullable Instant revokedAt) {

  @Override
  public String toString() {
    return "StoredSession[" + id + ", " + project + "]";
  }
}
