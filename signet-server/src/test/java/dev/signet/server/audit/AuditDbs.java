package dev.signet.server.audit;

import dev.signet.server.store.Database;
import dev.signet.tlog.Checkpoint;
import dev.signet.tlog.LogExport;
import dev.signet.tlog.NoteVerifier;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Databases for the audit log tests: an H2 file database always, and a fresh schema on the
 * PostgreSQL named by {@code SIGNET_TEST_POSTGRES_URL} when set (a failure when {@code CI=true} and
 * it is not). Plus the full-log check every test ends with.
 */
final class AuditDbs {
  private AuditDbs() {}

  static final String ORIGIN = "signet.test/audit";

  /** Where to open a database: the URL and credentials (the password never printed). */
  record Target(String name, String url, @Nullable String user, @Nullable String password) {
    Database open() throws Exception {
      return Database.open(url, user, password);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static String h2Url(Path dir) {
    return "jdbc:h2:file:"
        + dir.resolve("signet")
        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_ON_EXIT=FALSE";
  }

  static Target h2(Path dir) {
    return new Target("h2", h2Url(dir), null, null);
  }

  /** A fresh schema on the test PostgreSQL, or null when none is configured (outside CI). */
  static @Nullable Target postgres() throws Exception {
    String url = System.getenv("SIGNET_TEST_POSTGRES_URL");
    if (url == null || url.isBlank()) {
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException("SIGNET_TEST_POSTGRES_URL is not set but CI=true");
      }
      return null;
    }
    String user = System.getenv("SIGNET_TEST_POSTGRES_USER");
    String password = System.getenv("SIGNET_TEST_POSTGRES_PASSWORD");
    String schema = "a_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection c = DriverManager.getConnection(url, user, password);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    String sep = url.contains("?") ? "&" : "?";
    return new Target("postgresql", url + sep + "currentSchema=" + schema, user, password);
  }

  /** H2 in {@code dir}, plus PostgreSQL when configured. */
  static List<Target> targets(Path dir) throws Exception {
    List<Target> out = new ArrayList<>();
    out.add(h2(dir));
    Target pg = postgres();
    if (pg != null) {
      out.add(pg);
    }
    return out;
  }

  static SecretKey masterKey() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return new SecretKeySpec(b, "AES");
  }

  static AuditEvent event(String requestId) {
    return new AuditEvent(
        AuditEvent.Type.SIGNED,
        Instant.now(),
        requestId,
        "project-a",
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        Map.of("n", requestId));
  }

  /**
   * Checks the whole log as an outside verifier would: the entries re-hash to the latest
   * checkpoint's size and root, every stored checkpoint verifies under the log key and is
   * consistent with the latest (no fork), and the sizes of stored checkpoints are distinct.
   *
   * @return the latest checkpoint
   */
  static Checkpoint checkWholeLog(AuditLog log, Database db) throws Exception {
    NoteVerifier verifier = new NoteVerifier(List.of(log.logKey()));
    Checkpoint latest = verifier.verifyCheckpoint(log.checkpoint(), "checkpoint");
    ByteArrayOutputStream export = new ByteArrayOutputStream();
    for (long i = 0; i < latest.size(); ) {
      List<byte[]> page = log.entries(i, latest.size());
      if (page.isEmpty()) {
        throw new AssertionError("empty page at " + i);
      }
      for (byte[] leaf : page) {
        export.writeBytes(LogExport.line(leaf));
      }
      i += page.size();
    }
    LogExport.Summary s = LogExport.read(new ByteArrayInputStream(export.toByteArray()), "export");
    if (s.size() != latest.size() || !MessageDigest.isEqual(s.root(), latest.rootHash())) {
      throw new AssertionError("the entries do not recompute to the latest checkpoint");
    }
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT tree_size, note FROM audit_checkpoints ORDER BY tree_size");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        Checkpoint cp = verifier.verifyCheckpoint(rs.getString(2), "stored checkpoint");
        if (cp.size() != rs.getLong(1) || cp.size() > latest.size()) {
          throw new AssertionError("stored checkpoint of size " + cp.size() + " is misfiled");
        }
        log.consistency(cp.size(), latest.size()).verify(cp.rootHash(), latest.rootHash());
      }
    }
    return latest;
  }
}
