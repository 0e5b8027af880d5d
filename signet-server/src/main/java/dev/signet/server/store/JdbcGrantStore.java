package dev.signet.server.store;

import dev.signet.server.approval.Grant;
import dev.signet.server.approval.GrantStore;
import dev.signet.server.policy.Operation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * {@link GrantStore} on the database (migration V7). {@link #tryConsume} is one conditional
 * increment, so concurrent signers in any number of processes never take more than {@code
 * max_signatures} uses.
 */
final class JdbcGrantStore implements GrantStore {
  private static final String COLUMNS =
      "id, project, rule_name, rule_hash, key_names, operations, request_id, issued_at,"
          + " expires_at, max_signatures, used, revoked_at";

  private final DataSource db;

  JdbcGrantStore(Database database) {
    this.db = database.dataSource();
  }

  DataSource dataSource() {
    return db;
  }

  @Override
  public void insert(Grant grant) {
    boolean added = Sql.call(db, "insert grant", c -> insert(c, grant));
    if (!added) {
      throw new IllegalStateException("grant id already used");
    }
  }

  /** Inserts on {@code c} (in its transaction); false when the id is taken. */
  static boolean insert(Connection c, Grant g) throws SQLException {
    return Sql.insertOnce(
        c,
        "INSERT INTO grants (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ps -> {
          ps.setString(1, g.id());
          ps.setString(2, g.project());
          ps.setString(3, g.rule());
          ps.setString(4, g.ruleHash());
          ps.setString(5, Sql.joinList(g.keys(), "grant keys"));
          ps.setString(6, operations(g.operations()));
          ps.setString(7, g.requestId());
          Sql.setInstant(ps, 8, g.issuedAt());
          Sql.setInstant(ps, 9, g.expiresAt());
          ps.setInt(10, g.maxSignatures());
          ps.setInt(11, g.used());
          Sql.setInstant(ps, 12, g.revokedAt());
        });
  }

  @Override
  public Optional<Grant> find(String id) {
    return Sql.call(db, "read grant", c -> find(c, id));
  }

  @Override
  public List<Grant> usable(
      String project, String rule, String ruleHash, String key, Operation operation, Instant now) {
    return Sql.call(
        db,
        "list usable grants",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM grants WHERE project = ? AND rule_name = ? AND rule_hash = ?"
                      + " AND revoked_at IS NULL AND expires_at > ? AND used < max_signatures"
                      + " ORDER BY expires_at, id")) {
            ps.setString(1, project);
            ps.setString(2, rule);
            ps.setString(3, ruleHash);
            Sql.setInstant(ps, 4, now);
            List<Grant> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                Grant g = grant(rs);
                // Keys and operations are lists in one column: filtered here, exactly.
                if (g.usable(key, operation, now)) {
                  out.add(g);
                }
              }
            }
            return List.copyOf(out);
          }
        });
  }

  @Override
  public Optional<Grant> tryConsume(String id, Instant now) {
    return Sql.call(
        db,
        "consume grant",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE grants SET used = used + 1 WHERE id = ? AND used < max_signatures"
                      + " AND expires_at > ? AND revoked_at IS NULL")) {
            ps.setString(1, id);
            Sql.setInstant(ps, 2, now);
            if (ps.executeUpdate() != 1) {
              return Optional.empty();
            }
          }
          // Read after the increment: another use may have followed, so `used` is at least ours.
          return find(c, id);
        });
  }

  @Override
  public boolean revoke(String id, Instant at) {
    return Sql.call(
        db,
        "revoke grant",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE grants SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
            Sql.setInstant(ps, 1, at);
            ps.setString(2, id);
            return ps.executeUpdate() == 1;
          }
        });
  }

  private static Optional<Grant> find(Connection c, String id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + COLUMNS + " FROM grants WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(grant(rs)) : Optional.empty();
      }
    }
  }

  private static Grant grant(ResultSet rs) throws SQLException {
    return new Grant(
        Sql.string(rs, "id"),
        Sql.string(rs, "project"),
        Sql.string(rs, "rule_name"),
        Sql.string(rs, "rule_hash"),
        new TreeSet<>(Sql.splitList(Sql.string(rs, "key_names"))),
        operations(Sql.string(rs, "operations")),
        Sql.string(rs, "request_id"),
        Sql.instant(rs, "issued_at"),
        Sql.instant(rs, "expires_at"),
        rs.getInt("max_signatures"),
        rs.getInt("used"),
        Sql.nullableInstant(rs, "revoked_at"));
  }

  static String operations(Set<Operation> ops) {
    return Sql.joinList(ops.stream().map(Operation::id).toList(), "operations");
  }

  static Set<Operation> operations(String joined) throws SQLException {
    Set<Operation> out = EnumSet.noneOf(Operation.class);
    for (String id : Sql.splitList(joined)) {
      out.add(
          Operation.of(id)
              .orElseThrow(() -> new SQLException("unknown operation in a stored row", "22000")));
    }
    return out;
  }
}
