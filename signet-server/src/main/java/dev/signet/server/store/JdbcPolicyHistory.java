package dev.signet.server.store;

import dev.signet.server.policy.PolicyHistory;
import dev.signet.server.policy.PolicySnapshot;
import dev.signet.server.policy.PolicyVersion;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * {@link PolicyHistory} on the database (migration V5): insert-wins on the version, so two
 * processes loading one file at once both succeed and the first record stands.
 */
final class JdbcPolicyHistory implements PolicyHistory {
  private final DataSource db;

  JdbcPolicyHistory(Database database) {
    this.db = database.dataSource();
  }

  @Override
  public boolean record(PolicySnapshot snapshot, String source, Instant loadedAt) {
    return Sql.call(
        db,
        "record policy version",
        c -> {
          return Sql.insertOnce(
              c,
              "INSERT INTO policy_versions (version, canonical_json, loaded_from, loaded_at)"
                  + " VALUES (?, ?, ?, ?)",
              ps -> {
                ps.setString(1, snapshot.version().value());
                ps.setString(2, snapshot.canonicalJson());
                ps.setString(3, source);
                Sql.setInstant(ps, 4, loadedAt);
              });
        });
  }

  @Override
  public Optional<Entry> find(PolicyVersion version) {
    List<Entry> found = select(" WHERE version = ?", version.value(), 1);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
  }

  /** Most recent by load time (ties by version); the load times come from the callers' clocks. */
  @Override
  public List<Entry> recent(int limit) {
    if (limit <= 0) {
      return List.of();
    }
    return select(
        " ORDER BY loaded_at DESC, version DESC",
        null,
        Math.min(limit, StoreLimits.MAX_RECENT_POLICIES));
  }

  private List<Entry> select(String tail, @Nullable String param, int limit) {
    return Sql.call(
        db,
        "read policy history",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT version, canonical_json, loaded_from, loaded_at FROM policy_versions"
                      + tail
                      + " LIMIT "
                      + limit)) {
            if (param != null) {
              ps.setString(1, param);
            }
            List<Entry> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new Entry(
                        new PolicyVersion(Sql.string(rs, "version")),
                        Sql.string(rs, "canonical_json"),
                        Sql.string(rs, "loaded_from"),
                        Sql.instant(rs, "loaded_at")));
              }
            }
            return List.copyOf(out);
          }
        });
  }
}
