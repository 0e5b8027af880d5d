package dev.signet.server.store;

import dev.signet.server.origin.OriginException;
import dev.signet.server.origin.ReplayGuard;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * {@link ReplayGuard} shared by every server process through the database (migration V4): the first
 * use is the insert that wins on the primary key. Expired rows are deleted in batches of {@link
 * StoreLimits#REPLAY_CLEANUP_BATCH}, at most once per {@link StoreLimits#REPLAY_CLEANUP_EVERY} per
 * process, so cleanup never holds a long lock.
 *
 * <p>Group commit: every OIDC request records its token here before it is served, and a commit per
 * token was 15 % of the server's CPU under load (on H2 each commit writes a chunk to the file).
 * Callers queue their use; whoever holds the writer lock records every queued use in one
 * transaction and hands each caller its own answer, while the next callers queue behind it. A
 * caller still gets its answer only after the transaction holding its row committed.
 */
final class JdbcReplayGuard implements ReplayGuard {
  /**
   * Takes the key's row if it is new or past its expiry (then by one caller only: the update is a
   * compare-and-set on the expiry); one row changed means a first use. Standard MERGE, the same on
   * H2 and PostgreSQL 15+.
   */
  private static final String MERGE =
      "MERGE INTO replay_guard g"
          + " USING (VALUES (CAST(? AS CHAR(64)), CAST(? AS TIMESTAMP WITH TIME ZONE)))"
          + " AS s (token_key, expires_at) ON g.token_key = s.token_key"
          + " WHEN MATCHED AND g.expires_at <= CAST(? AS TIMESTAMP WITH TIME ZONE)"
          + " THEN UPDATE SET expires_at = s.expires_at"
          + " WHEN NOT MATCHED THEN INSERT (token_key, expires_at)"
          + " VALUES (s.token_key, s.expires_at)";

  /** One caller's token use and, once recorded, its answer. */
  private static final class Use {
    final String key;
    final Instant until;
    final long queuedNanos = System.nanoTime();
    volatile @Nullable Boolean first;
    volatile @Nullable StoreFailureException failure;

    Use(String key, Instant until) {
      this.key = key;
      this.until = until;
    }

    boolean done() {
      return first != null || failure != null;
    }
  }

  private final DataSource db;
  private final Clock clock;
  private final AtomicReference<Instant> lastCleanup = new AtomicReference<>(Instant.MIN);
  private final ConcurrentLinkedQueue<Use> queue = new ConcurrentLinkedQueue<>();
  private final ReentrantLock writer = new ReentrantLock();

  /** Uses recorded by the last transaction; guarded by {@link #writer}. */
  private int previousBatch;

  /** Guarded by {@link #writer}. */
  private final ArrivalGaps arrivals = new ArrivalGaps();

  /** Uses ever queued: tells a waiting lock holder whether more are arriving. */
  private final AtomicLong queuedCount = new AtomicLong();

  JdbcReplayGuard(Database database, Clock clock) {
    this.db = database.dataSource();
    this.clock = clock;
  }

  @Override
  public boolean firstUse(String issuer, String jti, Instant until) throws OriginException {
    Use use = new Use(key(issuer, jti), until);
    queue.add(use);
    queuedCount.incrementAndGet();
    writer.lock();
    try {
      // The queue is FIFO and this use is in it, so each round records it or one ahead of it.
      while (!use.done()) {
        if (previousBatch > 1) {
          linger();
        }
        recordQueued();
      }
    } finally {
      writer.unlock();
    }
    StoreFailureException failure = use.failure;
    if (failure != null) {
      throw new OriginException(
          OriginException.Reason.REPLAY_GUARD_UNAVAILABLE,
          "the replay guard cannot record the token: " + failure.getMessage());
    }
    maybeCleanUp(clock.instant());
    return Boolean.TRUE.equals(use.first);
  }

  /**
   * Waits up to {@link StoreLimits#REPLAY_GROUP_LINGER} for more uses while they keep arriving (see
   * {@link ArrivalGaps}); holds the writer lock.
   */
  private void linger() {
    long deadline = System.nanoTime() + StoreLimits.REPLAY_GROUP_LINGER.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      long before = queuedCount.get();
      LockSupport.parkNanos(Math.min(left, arrivals.patienceNanos()));
      if (queuedCount.get() == before) {
        return;
      }
    }
  }

  /** Records up to {@link StoreLimits#REPLAY_GROUP_MAX} queued uses; holds the writer lock. */
  private void recordQueued() {
    List<Use> batch = new ArrayList<>();
    for (Use u; batch.size() < StoreLimits.REPLAY_GROUP_MAX && (u = queue.poll()) != null; ) {
      batch.add(u);
    }
    previousBatch = batch.size();
    batch.forEach(u -> arrivals.observe(u.queuedNanos));
    // Two uses of one token in a batch: the earlier one is the candidate, the later a replay.
    Map<String, Use> candidates = new LinkedHashMap<>();
    for (Use u : batch) {
      if (candidates.putIfAbsent(u.key, u) != null) {
        u.first = false;
      }
    }
    List<Use> distinct = new ArrayList<>(candidates.values());
    // Every process takes its rows in key order, so two transactions that share keys (the same
    // token replayed at two processes at once) wait for each other's commit, never deadlock.
    distinct.sort(Comparator.comparing(u -> u.key));
    Instant now = clock.instant();
    try {
      boolean[] first;
      try {
        first = Sql.inTransaction(db, "record token uses", c -> merge(c, distinct, now));
      } catch (StoreFailureException e) {
        // Another process inserted one of these keys between our MERGE's check and its insert
        // (PostgreSQL then fails the whole transaction), or the batch failed for another reason:
        // one statement per use settles each on its own.
        first = new boolean[distinct.size()];
        for (int i = 0; i < distinct.size(); i++) {
          Use u = distinct.get(i);
          first[i] = Sql.call(db, "record token use", c -> mergeOne(c, u, now));
        }
      }
      for (int i = 0; i < distinct.size(); i++) {
        distinct.get(i).first = first[i];
      }
    } catch (StoreFailureException e) {
      for (Use u : distinct) {
        if (!u.done()) {
          u.failure = e;
        }
      }
    }
  }

  private static boolean[] merge(Connection c, List<Use> uses, Instant now) throws SQLException {
    boolean[] first = new boolean[uses.size()];
    try (PreparedStatement ps = c.prepareStatement(MERGE)) {
      for (Use u : uses) {
        bind(ps, u, now);
        ps.addBatch();
      }
      int[] counts = ps.executeBatch();
      if (counts.length != uses.size()) {
        throw new SQLException("the database answered " + counts.length + " counts");
      }
      for (int i = 0; i < counts.length; i++) {
        if (counts[i] != 0 && counts[i] != 1) {
          throw new SQLException("the database did not say whether a token use was new");
        }
        first[i] = counts[i] == 1;
      }
    }
    return first;
  }

  private static boolean mergeOne(Connection c, Use u, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(MERGE)) {
      bind(ps, u, now);
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      // A concurrent insert of this very key by another process won the race.
      if (Sql.isUniqueViolation(e)) {
        return false;
      }
      throw e;
    }
  }

  private static void bind(PreparedStatement ps, Use u, Instant now) throws SQLException {
    ps.setString(1, u.key);
    Sql.setInstant(ps, 2, u.until);
    Sql.setInstant(ps, 3, now);
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
