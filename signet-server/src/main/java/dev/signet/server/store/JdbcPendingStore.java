package dev.signet.server.store;

import dev.signet.server.approval.PendingStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;

/** {@link PendingStore} in the database (migration V9), shared by every server process. */
final class JdbcPendingStore implements PendingStore {
  private final DataSource db;

  JdbcPendingStore(Database database) {
    this.db = database.dataSource();
  }

  @Override
  public void put(Work work) {
    boolean inserted =
        Sql.call(
            db,
            "store pending work",
            c -> {
              return Sql.insertOnce(
                  c,
                  "INSERT INTO pending_work (request_id, kind, body, created_at)"
                      + " VALUES (?, ?, ?, ?)",
                  ps -> {
                    ps.setString(1, work.requestId());
                    ps.setString(2, work.kind());
                    ps.setBytes(3, work.body());
                    Sql.setInstant(ps, 4, Instant.now());
                  });
            });
    if (!inserted) {
      throw new IllegalStateException("request " + work.requestId() + " exists");
    }
  }

  @Override
  public Optional<Work> work(String requestId) {
    return Sql.call(
        db,
        "read pending work",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT kind, body FROM pending_work WHERE request_id = ?")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next()
                  ? Optional.of(new Work(requestId, Sql.string(rs, "kind"), rs.getBytes("body")))
                  : Optional.<Work>empty();
            }
          }
        });
  }

  @Override
  public boolean complete(String requestId, String resultJson) {
    return Sql.call(
        db,
        "store a signed result",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE pending_work SET result = ?, completed_at = ?"
                      + " WHERE request_id = ? AND result IS NULL")) {
            ps.setString(1, resultJson);
            Sql.setInstant(ps, 2, Instant.now());
            ps.setString(3, requestId);
            return ps.executeUpdate() == 1;
          }
        });
  }

  @Override
  public Optional<String> result(String requestId) {
    return Sql.call(
        db,
        "read a signed result",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT result FROM pending_work WHERE request_id = ?")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next()
                  ? Optional.ofNullable(rs.getString("result"))
                  : Optional.<String>empty();
            }
          }
        });
  }
}
