package dev.signet.server.store;

import dev.signet.keys.Algorithm;
import dev.signet.server.custody.CustodyKind;
import dev.signet.server.custody.CustodyStore;
import dev.signet.server.custody.KeyEvent;
import dev.signet.server.custody.KeyRecord;
import dev.signet.server.custody.VersionRecord;
import dev.signet.server.custody.VersionState;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * {@link CustodyStore} on the database (migration V2): each {@link #commit} is one transaction
 * whose first statement is the compare-and-set on {@code custody_keys.revision} (an insert for a
 * new key), so of two processes committing on one revision exactly one changes anything.
 */
final class JdbcCustodyStore implements CustodyStore {
  private static final String KEY_COLUMNS =
      "project, name, algorithm, kind, current_version, revision, created_at";
  private static final String VERSION_COLUMNS =
      "project, name, version, algorithm, kind, spki, sealed, hsm_reference, state, created_at,"
          + " retired_at, revoked_at";

  private final DataSource db;

  JdbcCustodyStore(Database database) {
    this.db = database.dataSource();
  }

  @Override
  public Optional<KeyRecord> key(String project, String name) {
    return Sql.call(
        db,
        "read custody key",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT " + KEY_COLUMNS + " FROM custody_keys WHERE project = ? AND name = ?")) {
            ps.setString(1, project);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(keyRecord(rs)) : Optional.empty();
            }
          }
        });
  }

  @Override
  public List<KeyRecord> keys(String project) {
    return Sql.call(
        db,
        "list custody keys",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT " + KEY_COLUMNS + " FROM custody_keys WHERE project = ? ORDER BY name")) {
            ps.setString(1, project);
            List<KeyRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(keyRecord(rs));
              }
            }
            return List.copyOf(out);
          }
        });
  }

  @Override
  public List<VersionRecord> versions(String project, String name) {
    return Sql.call(
        db,
        "list custody versions",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + VERSION_COLUMNS
                      + " FROM custody_versions WHERE project = ? AND name = ? ORDER BY version")) {
            ps.setString(1, project);
            ps.setString(2, name);
            List<VersionRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(versionRecord(rs));
              }
            }
            return List.copyOf(out);
          }
        });
  }

  @Override
  public Optional<VersionRecord> version(String project, String name, int version) {
    return Sql.call(db, "read custody version", c -> findVersion(c, project, name, version));
  }

  @Override
  public Optional<VersionRecord> currentVersion(String project, String name) {
    // One statement instead of the key's row, then its version's: one snapshot, one round trip.
    return Sql.call(
        db,
        "read custody current version",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT v."
                      + VERSION_COLUMNS.replace(", ", ", v.")
                      + " FROM custody_keys k JOIN custody_versions v ON v.project = k.project"
                      + " AND v.name = k.name AND v.version = k.current_version"
                      + " WHERE k.project = ? AND k.name = ?")) {
            ps.setString(1, project);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(versionRecord(rs)) : Optional.empty();
            }
          }
        });
  }

  @Override
  public boolean commit(Change change) {
    KeyRecord k = change.key();
    return Sql.inTransaction(
        db,
        "commit custody change",
        c -> {
          if (!swapKey(c, change.expectedRevision(), k)) {
            c.rollback();
            return false;
          }
          for (VersionRecord v : change.versions()) {
            Optional<VersionRecord> old = findVersion(c, v.project(), v.name(), v.version());
            if (old.isPresent()) {
              VersionRecord o = old.get();
              if (!MessageDigest.isEqual(o.spki(), v.spki())
                  || o.kind() != v.kind()
                  || o.algorithm() != v.algorithm()) {
                throw new IllegalArgumentException("a version's key material never changes");
              }
              updateState(c, v);
            } else if (!insertVersion(c, v)) {
              // The primary key on (project, name, version): a second guard against two n+1.
              c.rollback();
              return false;
            }
          }
          insertEvent(c, k.revision(), change.event());
          return true;
        });
  }

  @Override
  public List<KeyEvent> events(String project, String name) {
    return Sql.call(
        db,
        "list custody events",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT event_type, project, name, version, algorithm, kind, thumbprint,"
                      + " event_at, effective_at, actor FROM custody_events"
                      + " WHERE project = ? AND name = ? ORDER BY seq")) {
            ps.setString(1, project);
            ps.setString(2, name);
            List<KeyEvent> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new KeyEvent(
                        KeyEvent.Type.valueOf(Sql.string(rs, "event_type")),
                        Sql.string(rs, "project"),
                        Sql.string(rs, "name"),
                        rs.getInt("version"),
                        algorithm(rs),
                        CustodyKind.valueOf(Sql.string(rs, "kind")),
                        Sql.string(rs, "thumbprint"),
                        Sql.instant(rs, "event_at"),
                        Sql.nullableInstant(rs, "effective_at"),
                        Sql.string(rs, "actor")));
              }
            }
            return List.copyOf(out);
          }
        });
  }

  /** The compare-and-set: an insert for a new key, else an update guarded by the revision. */
  private static boolean swapKey(Connection c, long expected, KeyRecord k) throws SQLException {
    if (expected == 0) {
      return Sql.insertOnce(
          c,
          "INSERT INTO custody_keys (" + KEY_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
          ps -> {
            ps.setString(1, k.project());
            ps.setString(2, k.name());
            ps.setString(3, k.algorithm().name());
            ps.setString(4, k.kind().name());
            ps.setInt(5, k.currentVersion());
            ps.setLong(6, k.revision());
            Sql.setInstant(ps, 7, k.createdAt());
          });
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE custody_keys SET current_version = ?, revision = ?"
                + " WHERE project = ? AND name = ? AND revision = ?")) {
      ps.setInt(1, k.currentVersion());
      ps.setLong(2, k.revision());
      ps.setString(3, k.project());
      ps.setString(4, k.name());
      ps.setLong(5, expected);
      return ps.executeUpdate() == 1;
    }
  }

  private static Optional<VersionRecord> findVersion(
      Connection c, String project, String name, int version) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + VERSION_COLUMNS
                + " FROM custody_versions WHERE project = ? AND name = ? AND version = ?")) {
      ps.setString(1, project);
      ps.setString(2, name);
      ps.setInt(3, version);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(versionRecord(rs)) : Optional.empty();
      }
    }
  }

  private static boolean insertVersion(Connection c, VersionRecord v) throws SQLException {
    return Sql.insertOnce(
        c,
        "INSERT INTO custody_versions ("
            + VERSION_COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ps -> {
          ps.setString(1, v.project());
          ps.setString(2, v.name());
          ps.setInt(3, v.version());
          ps.setString(4, v.algorithm().name());
          ps.setString(5, v.kind().name());
          ps.setBytes(6, v.spki());
          byte[] sealed = v.sealed();
          if (sealed == null) {
            ps.setNull(7, java.sql.Types.VARBINARY);
          } else {
            ps.setBytes(7, sealed);
          }
          ps.setString(8, v.hsmReference());
          ps.setString(9, v.state().name());
          Sql.setInstant(ps, 10, v.createdAt());
          Sql.setInstant(ps, 11, v.retiredAt());
          Sql.setInstant(ps, 12, v.revokedAt());
        });
  }

  private static void updateState(Connection c, VersionRecord v) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE custody_versions SET state = ?, retired_at = ?, revoked_at = ?"
                + " WHERE project = ? AND name = ? AND version = ?")) {
      ps.setString(1, v.state().name());
      Sql.setInstant(ps, 2, v.retiredAt());
      Sql.setInstant(ps, 3, v.revokedAt());
      ps.setString(4, v.project());
      ps.setString(5, v.name());
      ps.setInt(6, v.version());
      ps.executeUpdate();
    }
  }

  private static void insertEvent(Connection c, long seq, KeyEvent e) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO custody_events (project, name, seq, event_type, version, algorithm, kind,"
                + " thumbprint, event_at, effective_at, actor)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, e.project());
      ps.setString(2, e.name());
      ps.setLong(3, seq);
      ps.setString(4, e.type().name());
      ps.setInt(5, e.version());
      ps.setString(6, e.algorithm().name());
      ps.setString(7, e.kind().name());
      ps.setString(8, e.thumbprint());
      Sql.setInstant(ps, 9, e.at());
      Sql.setInstant(ps, 10, e.effectiveAt());
      ps.setString(11, e.actor());
      ps.executeUpdate();
    }
  }

  private static KeyRecord keyRecord(ResultSet rs) throws SQLException {
    return new KeyRecord(
        Sql.string(rs, "project"),
        Sql.string(rs, "name"),
        algorithm(rs),
        CustodyKind.valueOf(Sql.string(rs, "kind")),
        rs.getInt("current_version"),
        rs.getLong("revision"),
        Sql.instant(rs, "created_at"));
  }

  private static VersionRecord versionRecord(ResultSet rs) throws SQLException {
    byte[] spki = rs.getBytes("spki");
    if (spki == null) {
      throw new SQLException("column spki is null", "22004");
    }
    return new VersionRecord(
        Sql.string(rs, "project"),
        Sql.string(rs, "name"),
        rs.getInt("version"),
        algorithm(rs),
        CustodyKind.valueOf(Sql.string(rs, "kind")),
        spki,
        rs.getBytes("sealed"),
        rs.getString("hsm_reference"),
        VersionState.valueOf(Sql.string(rs, "state")),
        Sql.instant(rs, "created_at"),
        Sql.nullableInstant(rs, "retired_at"),
        Sql.nullableInstant(rs, "revoked_at"));
  }

  private static Algorithm algorithm(ResultSet rs) throws SQLException {
    return Algorithm.valueOf(Sql.string(rs, "algorithm"));
  }
}
