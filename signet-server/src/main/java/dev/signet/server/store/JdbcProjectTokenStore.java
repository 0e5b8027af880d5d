package dev.signet.server.store;

import dev.signet.server.origin.ProjectTokenStore;
import dev.signet.server.origin.StoredProjectToken;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import javax.sql.DataSource;

/** {@link ProjectTokenStore} on the database (migration V3); secrets only as SHA-256. */
final class JdbcProjectTokenStore implements ProjectTokenStore {
  private final DataSource db;

  JdbcProjectTokenStore(Database database) {
    this.db = database.dataSource();
  }

  @Override
  public void add(StoredProjectToken token) {
    String operations = Sql.joinList(token.operations(), "operations");
    boolean added =
        Sql.call(
            db,
            "add project token",
            c -> {
              return Sql.insertOnce(
                  c,
                  "INSERT INTO project_tokens (id, project, operations, created_at,"
                      + " expires_at, secret_sha256, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                  ps -> {
                    ps.setString(1, token.id());
                    ps.setString(2, token.project());
                    ps.setString(3, operations);
                    Sql.setInstant(ps, 4, token.createdAt());
                    Sql.setInstant(ps, 5, token.expiresAt());
                    ps.setString(6, token.secretSha256());
                    Sql.setInstant(ps, 7, token.revokedAt());
                  });
            });
    if (!added) {
      throw new IllegalStateException("project token id clash");
    }
  }

  @Override
  public Optional<StoredProjectToken> find(String id) {
    return Sql.call(
        db,
        "read project token",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id, project, operations, created_at, expires_at, secret_sha256,"
                      + " revoked_at FROM project_tokens WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              return Optional.of(
                  new StoredProjectToken(
                      Sql.string(rs, "id"),
                      Sql.string(rs, "project"),
                      new HashSet<>(Sql.splitList(Sql.string(rs, "operations"))),
                      Sql.instant(rs, "created_at"),
                      Sql.instant(rs, "expires_at"),
                      Sql.string(rs, "secret_sha256"),
                      Sql.nullableInstant(rs, "revoked_at")));
            }
          }
        });
  }

  @Override
  public boolean revoke(String id, Instant at) {
    return Sql.call(
        db,
        "revoke project token",
        c -> {
          // The first revocation's time stands; a second one only confirms the token exists.
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE project_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
            Sql.setInstant(ps, 1, at);
            ps.setString(2, id);
            if (ps.executeUpdate() == 1) {
              return true;
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement("SELECT 1 FROM project_tokens WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next();
            }
          }
        });
  }
}
