package dev.signet.server.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The server's own rows (migration V1): metadata values written once and admin-token hashes. Every
 * write that several processes may race on is an insert on a primary key, so exactly one of them
 * wins and the others read the winner's value.
 */
public final class ServerStore {
  /** Id of the admin token issued on the very first start. */
  static final String INITIAL_TOKEN_ID = "initial";

  private final DataSource db;

  public ServerStore(Database database) {
    this.db = database.dataSource();
  }

  /**
   * Stores {@code value} under {@code name} unless a value is there already.
   *
   * @return the stored value: {@code value} if this call wrote it, else the one found
   */
  public String putIfAbsent(String name, String value) throws StoreException {
    Optional<String> existing = get(name);
    if (existing.isPresent()) {
      return existing.get();
    }
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO server_metadata (name, val, created_at) VALUES (?, ?, ?)")) {
      ps.setString(1, name);
      ps.setString(2, value);
      ps.setTimestamp(3, Timestamp.from(Instant.now()));
      ps.executeUpdate();
      return value;
    } catch (SQLException e) {
      if (isDuplicate(e)) {
        return get(name)
            .orElseThrow(() -> new StoreException("server metadata " + name + " vanished"));
      }
      throw new StoreException("cannot write server metadata " + name + ": " + e.getMessage(), e);
    }
  }

  public Optional<String> get(String name) throws StoreException {
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT val FROM server_metadata WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read server metadata " + name + ": " + e.getMessage(), e);
    }
  }

  /**
   * Stores the hash of the first admin token, unless some process already did.
   *
   * @return true if {@code token} is now the initial admin token, false if one existed
   */
  public boolean addInitialAdminToken(String token) throws StoreException {
    try (Connection c = db.getConnection()) {
      try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM admin_tokens WHERE id = ?")) {
        q.setString(1, INITIAL_TOKEN_ID);
        try (ResultSet rs = q.executeQuery()) {
          if (rs.next()) {
            return false;
          }
        }
      }
      insertToken(c, INITIAL_TOKEN_ID, token);
      return true;
    } catch (SQLException e) {
      if (isDuplicate(e)) {
        return false;
      }
      throw new StoreException("cannot store the admin token: " + e.getMessage(), e);
    }
  }

  /** Revokes every admin token and stores the hash of {@code token}, in one transaction. */
  public void replaceAdminTokens(String token) throws StoreException {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement ps =
            c.prepareStatement("UPDATE admin_tokens SET revoked_at = ? WHERE revoked_at IS NULL")) {
          ps.setTimestamp(1, Timestamp.from(Instant.now()));
          ps.executeUpdate();
        }
        insertToken(c, UUID.randomUUID().toString(), token);
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException("cannot replace the admin token: " + e.getMessage(), e);
    }
  }

  /** True if {@code token} hashes to an admin token that is not revoked. */
  public boolean isAdminToken(String token) throws StoreException {
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT 1 FROM admin_tokens WHERE token_sha256 = ? AND revoked_at IS NULL")) {
      ps.setString(1, sha256Hex(token));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read admin tokens: " + e.getMessage(), e);
    }
  }

  private static void insertToken(Connection c, String id, String token) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO admin_tokens (id, token_sha256, created_at) VALUES (?, ?, ?)")) {
      ps.setString(1, id);
      ps.setString(2, sha256Hex(token));
      ps.setTimestamp(3, Timestamp.from(Instant.now()));
      ps.executeUpdate();
    }
  }

  /** SQLSTATE class 23 (integrity constraint violation), the same on H2 and PostgreSQL. */
  private static boolean isDuplicate(SQLException e) {
    return e.getSQLState() != null && e.getSQLState().startsWith("23");
  }

  static String sha256Hex(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }
}
