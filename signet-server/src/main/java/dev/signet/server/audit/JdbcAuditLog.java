package dev.signet.server.audit;

import dev.signet.keys.KeyException;
import dev.signet.server.custody.MasterKey;
import dev.signet.server.store.ArrivalGaps;
import dev.signet.server.store.Database;
import dev.signet.tlog.Checkpoint;
import dev.signet.tlog.ConsistencyProof;
import dev.signet.tlog.InclusionProof;
import dev.signet.tlog.LogExport;
import dev.signet.tlog.LogTree;
import dev.signet.tlog.Merkle;
import dev.signet.tlog.NoteKey;
import dev.signet.tlog.NoteSigner;
import dev.signet.tlog.Receipt;
import dev.signet.tlog.SignedNote;
import dev.signet.tlog.TlogException;
import dev.signet.tlog.TreeNode;
import dev.signet.tlog.TreeReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.crypto.SecretKey;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The audit log in the server's database (H2 or PostgreSQL, migration V10). One sequencer thread
 * per process takes the appends waiting in its queue, up to {@link Settings#maxBatch}, and writes
 * them in ONE transaction: lock the single {@code audit_state} row ({@code SELECT … FOR UPDATE}),
 * read the committed size, insert the leaves and the subtrees they complete, compute the root, sign
 * the checkpoint, store it, move the state on, commit. Callers are completed only after the commit,
 * so a receipt is never handed out for an entry that is not durable, and many appends share one
 * fsync and one signature (group commit).
 *
 * <p>No fork, also with several processes: the state-row lock orders every batch after the last
 * committed one, the new tree is built on the committed nodes, and a signed checkpoint leaves the
 * process only once its transaction committed. A batch that fails before its commit is rolled back
 * and its unsent signature forgotten; the primary keys on leaf and node positions make a second
 * writer at an index fail rather than overwrite.
 */
public final class JdbcAuditLog implements AuditLog, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(JdbcAuditLog.class.getName());

  /** Entries per {@link #entries} page. */
  public static final int MAX_PAGE = 1000;

  /**
   * How appends are grouped.
   *
   * @param maxBatch entries per transaction and checkpoint, 1 for one transaction per append
   * @param linger how long the sequencer waits for more appends once it has one, only under load
   *     (the previous batch, or what is queued now, holds more than one entry): a commit costs
   *     about as much for one entry as for ten, so under load waiting a little takes more per
   *     commit, and when appends come one at a time none waits. Zero takes only what queued up
   *     while the previous transaction ran.
   */
  public record Settings(int maxBatch, Duration linger) {
    public Settings {
      if (maxBatch < 1 || maxBatch > AuditLimits.MAX_BATCH) {
        throw new IllegalArgumentException("maxBatch must be 1.." + AuditLimits.MAX_BATCH);
      }
      if (linger.isNegative() || linger.compareTo(AuditLimits.MAX_LINGER) > 0) {
        throw new IllegalArgumentException("linger must be 0.." + AuditLimits.MAX_LINGER);
      }
    }

    /** Group commit: up to 256 entries, waiting up to 5 ms for more under load. */
    public static Settings defaults() {
      return new Settings(AuditLimits.DEFAULT_BATCH, AuditLimits.DEFAULT_LINGER);
    }

    /** One transaction, one fsync and one checkpoint per append (for comparison). */
    public static Settings oneByOne() {
      return new Settings(1, Duration.ZERO);
    }
  }

  @SuppressWarnings("ArrayRecordComponent") // private, never compared, leaf never changes
  private record Pending(byte[] leaf, CompletableFuture<Appended> result, long queuedNanos) {}

  private final DataSource db;
  private final String origin;
  private final NoteSigner signer;
  private final Settings settings;
  private final LinkedBlockingQueue<Pending> queue =
      new LinkedBlockingQueue<>(AuditLimits.MAX_QUEUED_APPENDS);
  private final Thread sequencer;
  private volatile boolean closed;
  private volatile LongConsumer sizeListener = size -> {};

  /** The gaps between appends, as the sequencer sees them (its thread only). */
  private final ArrivalGaps arrivals = new ArrivalGaps();

  /**
   * Tree nodes committed to the database, kept across batches (the sequencer's thread only). A
   * stored node never changes, whichever process wrote it, so a cached one is always right; only
   * nodes of committed transactions go in. Every batch needs the right edge of the tree and the
   * recent subtrees for its proofs, and read them from the database anew before this cache.
   */
  private final Map<Long, byte[]> committedNodes =
      new LinkedHashMap<>(AuditLimits.CACHED_NODES, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
          return size() > AuditLimits.CACHED_NODES;
        }
      };

  private JdbcAuditLog(DataSource db, String origin, NoteSigner signer, Settings settings) {
    this.db = db;
    this.origin = origin;
    this.signer = signer;
    this.settings = settings;
    this.sequencer =
        Thread.ofPlatform().name("signet-audit-sequencer").daemon().unstarted(this::run);
  }

  /**
   * Opens the log in {@code database} (migrated): loads the log key, or creates and seals it under
   * {@code masterKey} if this is the first process ever to start; signs the empty tree if nothing
   * was signed yet; starts the sequencer.
   *
   * @param origin the log's name; must match the origin the database's log was created with
   */
  public static JdbcAuditLog open(
      Database database, String origin, SecretKey masterKey, Settings settings)
      throws AuditException {
    AuditLogs.checkOrigin(origin);
    DataSource db = database.dataSource();
    makeCommitsDurable(db);
    return start(db, origin, LogKeyStore.loadOrCreate(db, origin, masterKey), settings);
  }

  /** As {@link #open(Database, String, SecretKey, Settings)}, with a software or HSM master key. */
  public static JdbcAuditLog open(
      Database database, String origin, MasterKey masterKey, Settings settings)
      throws AuditException {
    AuditLogs.checkOrigin(origin);
    DataSource db = database.dataSource();
    makeCommitsDurable(db);
    return start(db, origin, LogKeyStore.loadOrCreate(db, origin, masterKey), settings);
  }

  private static JdbcAuditLog start(
      DataSource db, String origin, NoteSigner signer, Settings settings) throws AuditException {
    JdbcAuditLog log = new JdbcAuditLog(db, origin, signer, settings);
    log.signEmptyTree();
    log.sequencer.start();
    return log;
  }

  /** Called with the tree size after every commit of this process (for the size metric). */
  public void sizeListener(LongConsumer listener) {
    this.sizeListener = listener;
  }

  @Override
  public Appended append(AuditEvent event) throws AuditException {
    byte[] leaf = event.leaf();
    try {
      LogExport.line(leaf); // refuses a leaf that could not be exported (newline, too long)
    } catch (TlogException e) {
      throw new AuditException("audit log: " + e.getMessage(), e);
    }
    if (closed) {
      throw new AuditException("audit log: closed");
    }
    Pending p = new Pending(leaf, new CompletableFuture<>(), System.nanoTime());
    try {
      if (!queue.offer(p, AuditLimits.QUEUE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AuditException("audit log: too many appends waiting; refusing");
      }
      if (closed && !sequencer.isAlive()) {
        failAll(new AuditException("audit log: closed")); // lost the race with close()
      }
      return p.result().get(AuditLimits.APPEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AuditException("audit log: interrupted while appending", e);
    } catch (TimeoutException e) {
      throw new AuditException(
          "audit log: the entry was not durable within " + AuditLimits.APPEND_TIMEOUT, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof AuditException a) {
        throw new AuditException(a.getMessage(), a);
      }
      throw new AuditException("audit log: append failed", e);
    }
  }

  @Override
  public String checkpoint() throws AuditException {
    return state().checkpoint();
  }

  /** The committed tree size. */
  public long size() throws AuditException {
    return state().size();
  }

  @Override
  public InclusionProof inclusion(long index, long size) throws AuditException {
    checkSize(size);
    try (Connection c = db.getConnection()) {
      return LogTree.inclusion(reader(c, new HashMap<>()), index, size);
    } catch (TlogException e) {
      throw new AuditException("audit log: " + e.getMessage(), e);
    } catch (SQLException | StoreFailure e) {
      throw storeFailure("cannot read the audit log", e);
    }
  }

  @Override
  public ConsistencyProof consistency(long from, long to) throws AuditException {
    checkSize(to);
    try (Connection c = db.getConnection()) {
      return LogTree.consistency(reader(c, new HashMap<>()), from, to);
    } catch (TlogException e) {
      throw new AuditException("audit log: " + e.getMessage(), e);
    } catch (SQLException | StoreFailure e) {
      throw storeFailure("cannot read the audit log", e);
    }
  }

  @Override
  public List<byte[]> entries(long start, long end) throws AuditException {
    checkSize(end);
    if (start < 0 || start > end) {
      throw new AuditException("audit log: entries need 0 <= start <= end");
    }
    long stop = Math.min(end, start + MAX_PAGE);
    List<byte[]> out = new ArrayList<>();
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT leaf_index, leaf FROM audit_leaves WHERE leaf_index >= ? AND leaf_index < ?"
                    + " ORDER BY leaf_index")) {
      ps.setLong(1, start);
      ps.setLong(2, stop);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (rs.getLong(1) != start + out.size()) {
            throw new AuditException("audit log: leaf " + (start + out.size()) + " is missing");
          }
          out.add(rs.getBytes(2));
        }
      }
    } catch (SQLException e) {
      throw storeFailure("cannot read the audit log", e);
    }
    if (out.size() != stop - start) {
      throw new AuditException("audit log: leaf " + (start + out.size()) + " is missing");
    }
    return out;
  }

  @Override
  public NoteKey logKey() {
    return signer.noteKey();
  }

  /**
   * Stops taking appends, commits those already queued, and stops the sequencer. Does not close the
   * database.
   */
  @Override
  public void close() {
    closed = true;
    try {
      sequencer.join(AuditLimits.APPEND_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failAll(new AuditException("audit log: closed"));
  }

  // --- the sequencer ---------------------------------------------------------------------------

  private void run() {
    int previousBatch = 0;
    while (true) {
      Pending first;
      try {
        first = queue.poll(AuditLimits.SEQUENCER_POLL.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        break;
      }
      if (first == null) {
        if (closed) {
          break;
        }
        continue;
      }
      List<Pending> batch = new ArrayList<>();
      batch.add(first);
      queue.drainTo(batch, settings.maxBatch() - 1);
      batch.forEach(p -> arrivals.observe(p.queuedNanos()));
      if (previousBatch > 1 || batch.size() > 1) {
        linger(batch);
      }
      previousBatch = batch.size();
      try {
        commitWithRetry(batch);
      } catch (RuntimeException e) {
        // A bug, not a database refusal: fail these callers, keep serving the next batch.
        LOG.log(Level.SEVERE, "audit log: batch failed", e);
        AuditException a = new AuditException("audit log: internal error");
        batch.forEach(p -> p.result().completeExceptionally(a));
      }
    }
  }

  /**
   * Waits for more appends, up to {@code linger}, but only while they keep coming: it stops once
   * none arrived for twice the usual gap between appends. A fixed wait would hold back a bounded
   * set of callers (CI jobs waiting for their signatures) that have all arrived already.
   */
  private void linger(List<Pending> batch) {
    if (settings.linger().isZero()) {
      return;
    }
    long deadline = System.nanoTime() + settings.linger().toNanos();
    while (batch.size() < settings.maxBatch()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      try {
        Pending p = queue.poll(Math.min(left, arrivals.patienceNanos()), TimeUnit.NANOSECONDS);
        if (p == null) {
          return;
        }
        int from = batch.size();
        batch.add(p);
        queue.drainTo(batch, settings.maxBatch() - batch.size());
        for (int i = from; i < batch.size(); i++) {
          arrivals.observe(batch.get(i).queuedNanos());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void failAll(AuditException e) {
    List<Pending> left = new ArrayList<>();
    queue.drainTo(left);
    left.forEach(p -> p.result().completeExceptionally(e));
  }

  /** Thrown by a batch that failed; {@code beforeCommit} says a retry cannot duplicate it. */
  private static final class BatchFailure extends Exception {
    private static final long serialVersionUID = 1L;
    final boolean beforeCommit;

    BatchFailure(String message, Throwable cause, boolean beforeCommit) {
      super(message, cause);
      this.beforeCommit = beforeCommit;
    }
  }

  private void commitWithRetry(List<Pending> batch) {
    for (int attempt = 1; ; attempt++) {
      try {
        List<Appended> results = commit(batch);
        for (int i = 0; i < batch.size(); i++) {
          batch.get(i).result().complete(results.get(i));
        }
        return;
      } catch (BatchFailure f) {
        // Lock timeouts and serialization failures happen when processes contend; retrying is
        // safe only when the commit was never attempted (else the batch might be in twice).
        if (f.beforeCommit && attempt < AuditLimits.MAX_ATTEMPTS && transientFailure(f)) {
          continue;
        }
        LOG.warning(
            "audit log: batch of "
                + batch.size()
                + " not recorded: "
                + f.getMessage()
                + ": "
                + describe(f.getCause()));
        AuditException a = new AuditException("audit log: " + f.getMessage(), f);
        batch.forEach(p -> p.result().completeExceptionally(a));
        return;
      }
    }
  }

  private static boolean transientFailure(BatchFailure f) {
    Throwable t = f.getCause();
    while (t != null) {
      if (t instanceof SQLException s) {
        String state = s.getSQLState();
        // 40001 serialization, 40P01 deadlock, 55P03 lock not available (PostgreSQL); H2's lock
        // timeout is 50200 / HYT00, its concurrent update 90131.
        if (state != null
            && (state.startsWith("40") || state.equals("55P03") || state.equals("HYT00"))) {
          return true;
        }
        if (s.getErrorCode() == 50200 || s.getErrorCode() == 90131) {
          return true;
        }
      }
      t = t.getCause();
    }
    return false;
  }

  private List<Appended> commit(List<Pending> batch) throws BatchFailure {
    boolean committing = false;
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        long size = lockState(c);
        Map<Long, byte[]> cache = new HashMap<>();
        TreeReader reader = reader(c, cache, committedNodes);
        List<byte[]> hashes = new ArrayList<>(batch.size());
        for (Pending p : batch) {
          hashes.add(Merkle.leafHash(p.leaf()));
        }
        List<TreeNode> nodes = LogTree.appendAll(reader, size, hashes);
        insertLeaves(c, size, batch, hashes);
        insertNodes(c, nodes);
        for (TreeNode n : nodes) {
          cache.put(key(n.level(), n.index()), n.hash());
        }
        long newSize = size + batch.size();
        Checkpoint cp = new Checkpoint(origin, newSize, LogTree.root(reader, newSize));
        SignedNote note = signer.sign(cp);
        String text = note.format();
        storeCheckpoint(c, newSize, text);
        List<Appended> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
          InclusionProof proof = LogTree.inclusion(reader, size + i, newSize);
          out.add(new Appended(batch.get(i).leaf(), Receipt.of(proof, cp, note)));
        }
        committing = true;
        c.commit();
        committedNodes.putAll(cache);
        sizeListener.accept(newSize);
        return out;
      } catch (SQLException | KeyException | TlogException | RuntimeException e) {
        rollbackQuietly(c);
        throw e;
      }
    } catch (SQLException | StoreFailure e) {
      throw new BatchFailure(
          committing ? "commit failed (the entries may or may not be in the log)" : "store failed",
          e,
          !committing);
    } catch (KeyException e) {
      throw new BatchFailure("cannot sign the checkpoint: " + e.getMessage(), e, true);
    } catch (TlogException e) {
      throw new BatchFailure(e.getMessage(), e, true);
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // The connection is broken; closing it discards the transaction anyway.
    }
  }

  private static long lockState(Connection c) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement("SELECT tree_size FROM audit_state WHERE id = 1 FOR UPDATE");
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new SQLException("the audit_state row is missing");
      }
      return rs.getLong(1);
    }
  }

  private static void insertLeaves(
      Connection c, long size, List<Pending> batch, List<byte[]> hashes) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO audit_leaves (leaf_index, leaf, leaf_hash) VALUES (?, ?, ?)")) {
      for (int i = 0; i < batch.size(); i++) {
        ps.setLong(1, size + i);
        ps.setBytes(2, batch.get(i).leaf());
        ps.setBytes(3, hashes.get(i));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static void insertNodes(Connection c, List<TreeNode> nodes) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO audit_nodes (tree_level, node_index, hash) VALUES (?, ?, ?)")) {
      for (TreeNode n : nodes) {
        ps.setInt(1, n.level());
        ps.setLong(2, n.index());
        ps.setBytes(3, n.hash());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static void storeCheckpoint(Connection c, long size, String note) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO audit_checkpoints (tree_size, note, created_at) VALUES (?, ?, ?)")) {
      ps.setLong(1, size);
      ps.setString(2, note);
      ps.setTimestamp(3, Timestamp.from(Instant.now()));
      ps.executeUpdate();
    }
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE audit_state SET tree_size = ?, checkpoint = ? WHERE id = 1")) {
      ps.setLong(1, size);
      ps.setString(2, note);
      if (ps.executeUpdate() != 1) {
        throw new SQLException("the audit_state row is missing");
      }
    }
  }

  /** Signs the empty tree once, when no process has signed anything yet. */
  private void signEmptyTree() throws AuditException {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        lockState(c);
        String existing;
        try (PreparedStatement ps =
                c.prepareStatement("SELECT checkpoint FROM audit_state WHERE id = 1");
            ResultSet rs = ps.executeQuery()) {
          rs.next();
          existing = rs.getString(1);
        }
        if (existing == null) {
          storeCheckpoint(
              c, 0, signer.sign(new Checkpoint(origin, 0, Merkle.emptyRoot())).format());
        }
        c.commit();
      } catch (SQLException | KeyException | RuntimeException e) {
        rollbackQuietly(c);
        throw e;
      }
    } catch (SQLException e) {
      throw storeFailure("cannot initialise the audit log", e);
    } catch (KeyException e) {
      throw new AuditException("audit log: cannot sign a checkpoint: " + e.getMessage(), e);
    }
    sizeListener.accept(size());
  }

  // --- reads -----------------------------------------------------------------------------------

  private record State(long size, String checkpoint) {}

  private State state() throws AuditException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT tree_size, checkpoint FROM audit_state WHERE id = 1")) {
      if (!rs.next() || rs.getString(2) == null) {
        throw new AuditException("audit log: the log state is missing");
      }
      return new State(rs.getLong(1), rs.getString(2));
    } catch (SQLException e) {
      throw storeFailure("cannot read the audit log", e);
    }
  }

  private void checkSize(long size) throws AuditException {
    long committed = size();
    if (size < 0 || size > committed) {
      throw new AuditException(
          "audit log: size " + size + " is beyond the log's " + committed + " entries");
    }
  }

  /** Stored nodes read over {@code c}, remembered in {@code cache} (nodes never change). */
  private static TreeReader reader(Connection c, Map<Long, byte[]> cache) {
    return reader(c, cache, Map.of());
  }

  /** As {@link #reader(Connection, Map)}, looking in {@code committed} before the database. */
  private static TreeReader reader(
      Connection c, Map<Long, byte[]> cache, Map<Long, byte[]> committed) {
    return (level, index) -> {
      long key = key(level, index);
      byte[] h = cache.get(key);
      if (h == null) {
        h = committed.get(key);
      }
      if (h != null) {
        return h;
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT hash FROM audit_nodes WHERE tree_level = ? AND node_index = ?")) {
        ps.setInt(1, level);
        ps.setLong(2, index);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new StoreFailure("tree node " + level + "/" + index + " is missing");
          }
          h = rs.getBytes(1);
        }
      } catch (SQLException e) {
        throw new StoreFailure("cannot read tree node " + level + "/" + index, e);
      }
      if (h.length != Merkle.HASH_BYTES) {
        throw new StoreFailure("tree node " + level + "/" + index + " is not 32 bytes");
      }
      cache.put(key(level, index), h);
      return h;
    };
  }

  /** Levels fit in 6 bits and indices of any realistic log in 58. */
  private static long key(int level, long index) {
    return ((long) level << 58) | index;
  }

  /** A {@link TreeReader} cannot throw checked exceptions. */
  static final class StoreFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StoreFailure(String message) {
      super(message);
    }

    StoreFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The innermost message, one line, bounded: driver text for the log, never for clients. */
  static String describe(@Nullable Throwable e) {
    if (e == null) {
      return "";
    }
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    m = m.replaceAll("\\s*\\R\\s*", " ").strip();
    return m.length() > 300 ? m.substring(0, 300) + "…" : m;
  }

  private static AuditException storeFailure(String what, Exception e) {
    LOG.warning("audit log: " + what + ": " + describe(e));
    return new AuditException("audit log: " + what + " (database error)", e);
  }

  /**
   * H2 keeps committed changes in memory for up to {@code WRITE_DELAY} (500 ms) before writing
   * them: a process killed in that window loses transactions it reported committed. Zero writes
   * every commit to the file before the commit returns. PostgreSQL is durable by default ({@code
   * synchronous_commit = on}).
   */
  private static void makeCommitsDurable(DataSource db) throws AuditException {
    try (Connection c = db.getConnection()) {
      if (c.getMetaData().getDatabaseProductName().startsWith("H2")) {
        try (Statement s = c.createStatement()) {
          s.execute("SET WRITE_DELAY 0");
        }
      }
    } catch (SQLException e) {
      throw storeFailure("cannot configure the database for durable commits", e);
    }
  }
}
