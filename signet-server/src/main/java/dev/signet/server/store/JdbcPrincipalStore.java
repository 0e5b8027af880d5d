package dev.signet.server.store;

import dev.signet.server.approval.PrincipalStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * {@link PrincipalStore} on the database (migration V8). Principal {@code admin} is created by the
 * migration; the bootstrap admin token is V1's {@code admin_tokens}, read through {@link
 * ServerStore}, so replacing it there ({@code --reset-admin-token}) replaces it here.
 */
final class JdbcPrincipalStore implements PrincipalStore {
  private final DataSource db;
  private final ServerStore server;

  JdbcPrincipalStore(Database database) {
    this.db = database.dataSource();
    this.server = new ServerStore(database);
  }

  @Override
  public boolean add(Principal p) {
    String roles = Sql.joinList(p.roles(), "roles");
    return Sql.call(
        db,
        "add principal",
        c -> {
          return Sql.insertOnce(
              c,
              "INSERT INTO principals (name, roles, created_at, disabled_at)"
                  + " VALUES (?, ?, ?, ?)",
              ps -> {
                ps.setString(1, p.name());
                ps.setString(2, roles);
                Sql.setInstant(ps, 3, p.createdAt());
                Sql.setInstant(ps, 4, p.disabledAt());
              });
        });
  }

  @Override
  public Optional<Principal> find(String name) {
    List<Principal> found = select(" WHERE name = ?", name);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
  }

  @Override
  public List<Principal> list() {
    return select(" ORDER BY name", null);
  }

  @Override
  public boolean setRoles(String name, Set<String> roles) {
    String joined = Sql.joinList(roles, "roles");
    return Sql.call(
        db,
        "set principal roles",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("UPDATE principals SET roles = ? WHERE name = ?")) {
            ps.setString(1, joined);
            ps.setString(2, name);
            return ps.executeUpdate() == 1;
          }
        });
  }

  @Override
  public boolean disable(String name, Instant at) {
    return Sql.call(
        db,
        "disable principal",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE principals SET disabled_at = ? WHERE name = ? AND disabled_at IS NULL")) {
            Sql.setInstant(ps, 1, at);
            ps.setString(2, name);
            return ps.executeUpdate() == 1;
          }
        });
  }

  @Override
  public void addToken(StoredToken t) {
    boolean added =
        Sql.call(
            db,
            "add principal token",
            c -> {
              return Sql.insertOnce(
                  c,
                  "INSERT INTO principal_tokens (id, principal, secret_sha256, created_at,"
                      + " expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)",
                  ps -> {
                    ps.setString(1, t.id());
                    ps.setString(2, t.principal());
                    ps.setString(3, t.secretSha256());
                    Sql.setInstant(ps, 4, t.createdAt());
                    Sql.setInstant(ps, 5, t.expiresAt());
                    Sql.setInstant(ps, 6, t.revokedAt());
                  });
            });
    if (!added) {
      throw new IllegalStateException("principal token id clash");
    }
  }

  @Override
  public Optional<StoredToken> findToken(String id) {
    return Sql.call(
        db,
        "read principal token",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id, principal, secret_sha256, created_at, expires_at, revoked_at"
                      + " FROM principal_tokens WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              return Optional.of(
                  new StoredToken(
                      Sql.string(rs, "id"),
                      Sql.string(rs, "principal"),
                      Sql.string(rs, "secret_sha256"),
                      Sql.instant(rs, "created_at"),
                      Sql.instant(rs, "expires_at"),
                      Sql.nullableInstant(rs, "revoked_at")));
            }
          }
        });
  }

  @Override
  public boolean revokeToken(String id, Instant at) {
    return Sql.call(
        db,
        "revoke principal token",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE principal_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
            Sql.setInstant(ps, 1, at);
            ps.setString(2, id);
            return ps.executeUpdate() == 1;
          }
        });
  }

  @Override
  public boolean isBootstrapAdminToken(String bearer) {
    try {
      return server.isAdminToken(bearer);
    } catch (StoreException e) {
      throw new StoreFailureException("database call failed: read admin tokens");
    }
  }

  private List<Principal> select(String tail, @org.jspecify.annotations.Nullable String param) {
    return Sql.call(
        db,
        "read principals",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT name, roles, created_at, disabled_at FROM principals" + tail)) {
            if (param != null) {
              ps.setString(1, param);
            }
            List<Principal> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new Principal(
                        Sql.string(rs, "name"),
                        new HashSet<>(Sql.splitList(Sql.string(rs, "roles"))),
                        Sql.instant(rs, "created_at"),
                        Sql.nullableInstant(rs, "disabled_at")));
              }
            }
            return List.copyOf(out);
          }
        });
  }
}
