package dev.signet.server.store;

import dev.signet.server.origin.OriginException;
import dev.signet.server.origin.ReplayGuard;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * {@link ReplayGuard} shared by every server process through the database (migration V4): the first
 * use is the insert that wins on the primary key. Expired rows are deleted in batches of {@link
 * StoreLimits#REPLAY_CLEANUP_BATCH}, at most once per {@link StoreLimits#REPLAY_CLEANUP_EVERY} per
 * process, so cleanup never holds a long lock.
 */
final class JdbcReplayGuard implements ReplayGuard {
  private final DataSource db;
  private final Clock clock;
  private final AtomicReference<Instant> lastCleanup = new AtomicReference<>(Instant.MIN);

  JdbcReplayGuard(Database database, Clock clock) {
    this.db = database.dataSource();
    this.clock = clock;
  }

  @Override
  public boolean firstUse(String issuer, String jti, Instant until) throws OriginException {
    String key = key(issuer, jti);
    Instant now = clock.instant();
    try {
      boolean first =
          Sql.call(
              db,
              "record token use",
              c -> {
                try (PreparedStatement ps =
                    c.prepareStatement(
                        "INSERT INTO replay_guard (token_key, expires_at) VALUES (?, ?)")) {
                  ps.setString(1, key);
                  Sql.setInstant(ps, 2, until);
                  ps.executeUpdate();
                  return true;
                } catch (SQLException e) {
                  if (!Sql.isUniqueViolation(e)) {
                    throw e;
                  }
                }
                // A row that outlived its expiry may be taken over, by one caller only: this
                // update is itself a compare-and-set on the expiry.
                try (PreparedStatement ps =
                    c.prepareStatement(
                        "UPDATE replay_guard SET expires_at = ?"
                            + " WHERE token_key = ? AND expires_at <= ?")) {
                  Sql.setInstant(ps, 1, until);
                  ps.setString(2, key);
                  Sql.setInstant(ps, 3, now);
                  return ps.executeUpdate() == 1;
                }
              });
      maybeCleanUp(now);
      return first;
    } catch (StoreFailureException e) {
      throw new OriginException(
          OriginException.Reason.REPLAY_GUARD_UNAVAILABLE,
          "the replay guard cannot record the token: " + e.getMessage());
    }
  }

  /**
   * Deletes up to one batch of expired rows; returns how many. Failures are left to the next call:
   * an expired row is harmless, only space.
   */
  int cleanUp(Instant now) {
    return Sql.call(
        db,
        "clean up the replay guard",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "DELETE FROM replay_guard WHERE token_key IN (SELECT token_key FROM replay_guard"
                      + " WHERE expires_at <= ? ORDER BY expires_at LIMIT "
                      + StoreLimits.REPLAY_CLEANUP_BATCH
                      + ")")) {
            Sql.setInstant(ps, 1, now);
            return ps.executeUpdate();
          }
        });
  }

  private void maybeCleanUp(Instant now) {
    Instant last = lastCleanup.get();
    Duration every = StoreLimits.REPLAY_CLEANUP_EVERY;
    if (last.isAfter(now.minus(every)) || !lastCleanup.compareAndSet(last, now)) {
      return;
    }
    try {
      cleanUp(now);
    } catch (StoreFailureException e) {
      // Left to the next round; the use itself was recorded.
    }
  }

  /** The row key: SHA-256 of the length-prefixed pair, so no two pairs share a key. */
  static String key(String issuer, String jti) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] i = issuer.getBytes(StandardCharsets.UTF_8);
      md.update(Integer.toString(i.length).getBytes(StandardCharsets.US_ASCII));
      md.update((byte) ':');
      md.update(i);
      md.update(jti.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }
}
