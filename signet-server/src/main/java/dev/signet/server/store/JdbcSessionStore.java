package dev.signet.server.store;

import dev.signet.server.session.SessionStore;
import dev.signet.server.session.StoredSession;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** {@link SessionStore} on the database (migration V11); secrets only as SHA-256. */
final class JdbcSessionStore implements SessionStore {
  private final DataSource db;

  JdbcSessionStore(Database database) {
    this.db = database.dataSource();
  }

  @Override
  public void add(StoredSession s) {
    boolean added =
        Sql.call(
            db,
            "add session",
            c ->
                Sql.insertOnce(
                    c,
                    "INSERT INTO sessions (id, project, secret_sha256, origin_json,"
                        + " certificate_sha256, created_at, expires_at, max_uses, reserved,"
                        + " revoked_at, project_token_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    ps -> {
                      ps.setString(1, s.id());
                      ps.setString(2, s.project());
                      ps.setString(3, s.secretSha256());
                      ps.setString(4, s.originJson());
                      ps.setString(5, s.certificateSha256());
                      Sql.setInstant(ps, 6, s.createdAt());
                      Sql.setInstant(ps, 7, s.expiresAt());
                      ps.setInt(8, s.maxUses());
                      ps.setInt(9, s.reserved());
                      Sql.setInstant(ps, 10, s.revokedAt());
                      ps.setString(11, s.projectTokenId());
                    }));
    if (!added) {
      throw new IllegalStateException("session id clash");
    }
  }

  @Override
  public Optional<StoredSession> find(String id) {
    return Sql.call(
        db,
        "read session",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id, project, secret_sha256, origin_json, certificate_sha256,"
                      + " created_at, expires_at, max_uses, reserved, revoked_at, project_token_id"
                      + " FROM sessions WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              return Optional.of(
                  new StoredSession(
                      Sql.string(rs, "id"),
                      Sql.string(rs, "project"),
                      Sql.string(rs, "secret_sha256"),
                      Sql.string(rs, "origin_json"),
                      rs.getString("certificate_sha256"),
                      rs.getString("project_token_id"),
                      Sql.instant(rs, "created_at"),
                      Sql.instant(rs, "expires_at"),
                      rs.getInt("max_uses"),
                      rs.getInt("reserved"),
                      Sql.nullableInstant(rs, "revoked_at")));
            }
          }
        });
  }

  @Override
  public boolean reserve(String id, int uses, Instant now) {
    if (uses <= 0) {
      return false;
    }
    return Sql.call(
        db,
        "reserve session uses",
        c -> {
          // One statement: the database serialises racing reservations on the row, so the sum
          // handed out never passes max_uses whatever the number of processes.
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE sessions SET reserved = reserved + ? WHERE id = ?"
                      + " AND reserved + ? <= max_uses AND revoked_at IS NULL AND expires_at > ?")) {
            ps.setInt(1, uses);
            ps.setString(2, id);
            ps.setInt(3, uses);
            Sql.setInstant(ps, 4, now);
            return ps.executeUpdate() == 1;
          }
        });
  }

  @Override
  public boolean revoke(String id, Instant at) {
    return Sql.call(
        db,
        "revoke session",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
            Sql.setInstant(ps, 1, at);
            ps.setString(2, id);
            if (ps.executeUpdate() == 1) {
              return true;
            }
          }
          try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM sessions WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next();
            }
          }
        });
  }

  @Override
  public List<String> revokeOpenedWith(String tokenId, Instant at) {
    return Sql.inTransaction(
        db,
        "revoke the sessions of a project token",
        c -> {
          // Ids first, then one update under the same condition: a session added between the two
          // is revoked too (the update is what counts); the ids only name them in the audit log.
          List<String> ids = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id FROM sessions WHERE project_token_id = ? AND revoked_at IS NULL"
                      + " ORDER BY id")) {
            ps.setString(1, tokenId);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                ids.add(Sql.string(rs, "id"));
              }
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE sessions SET revoked_at = ?"
                      + " WHERE project_token_id = ? AND revoked_at IS NULL")) {
            Sql.setInstant(ps, 1, at);
            ps.setString(2, tokenId);
            ps.executeUpdate();
          }
          return ids;
        });
  }

  @Override
  public int deleteExpired(Instant before, int max) {
    if (max <= 0) {
      return 0;
    }
    return Sql.call(
        db,
        "delete expired sessions",
        c -> {
          // A bounded batch (index sessions_expires): the statement never holds a long lock.
          try (PreparedStatement ps =
              c.prepareStatement(
                  "DELETE FROM sessions WHERE id IN (SELECT id FROM sessions"
                      + " WHERE expires_at <= ? ORDER BY expires_at LIMIT "
                      + max
                      + ")")) {
            Sql.setInstant(ps, 1, before);
            return ps.executeUpdate();
          }
        });
  }
}
