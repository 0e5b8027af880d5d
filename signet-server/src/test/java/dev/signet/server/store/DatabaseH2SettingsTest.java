package dev.signet.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * H2 file databases are opened with {@code REUSE_SPACE=FALSE}: with space reuse, a SIGKILL could
 * lose commits H2 had reported durable (ServerCrashTest found audit receipts whose leaves were gone
 * after the restart).
 */
class DatabaseH2SettingsTest {
  @TempDir Path dir;

  private final List<String> warnings = new CopyOnWriteArrayList<>();

  private void closeCapturingWarnings(Database db) {
    Logger log = Logger.getLogger(Database.class.getName());
    Handler h =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
              warnings.add(r.getMessage());
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    log.addHandler(h);
    try {
      db.close();
    } finally {
      log.removeHandler(h);
    }
  }

  @Test
  void h2FileUrlsGetReuseSpaceOffUnlessTheyChoose() {
    assertThat(Database.withCrashSafeH2Settings("jdbc:h2:file:/d/signet;MODE=PostgreSQL"))
        .isEqualTo("jdbc:h2:file:/d/signet;MODE=PostgreSQL;REUSE_SPACE=FALSE");
    assertThat(Database.withCrashSafeH2Settings("jdbc:h2:/d/signet"))
        .isEqualTo("jdbc:h2:/d/signet;REUSE_SPACE=FALSE");
    assertThat(Database.withCrashSafeH2Settings("jdbc:h2:file:/d/signet;reuse_space=TRUE"))
        .isEqualTo("jdbc:h2:file:/d/signet;reuse_space=TRUE");
    assertThat(Database.withCrashSafeH2Settings("jdbc:h2:mem:x")).isEqualTo("jdbc:h2:mem:x");
    // Shared with other processes: a SHUTDOWN on close would pull it from under them.
    assertThat(Database.withCrashSafeH2Settings("jdbc:h2:tcp://127.0.0.1:9092/shared"))
        .isEqualTo("jdbc:h2:tcp://127.0.0.1:9092/shared");
    assertThat(Database.withCrashSafeH2Settings("jdbc:postgresql://db/signet"))
        .isEqualTo("jdbc:postgresql://db/signet");
  }

  @Test
  void anOpenedH2FileDatabaseDoesNotReuseSpace() throws Exception {
    try (Database db =
            Database.open(
                "jdbc:h2:file:" + dir.resolve("signet") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE",
                null,
                null);
        Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT setting_value FROM information_schema.settings"
                    + " WHERE setting_name = 'REUSE_SPACE'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("FALSE");
    }
  }

  @Test
  void closingCompactsWhatTheCommitsAppended() throws Exception {
    Path file = dir.resolve("grow.mv.db");
    long grown;
    Database db =
        Database.open(
            "jdbc:h2:file:" + dir.resolve("grow") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE",
            null,
            null);
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("SET WRITE_DELAY 0"); // a chunk per commit, as the audit log runs it
      s.execute("CREATE TABLE grow(id INT PRIMARY KEY, pad VARCHAR(1000))");
      for (int i = 0; i < 300; i++) {
        s.execute("INSERT INTO grow VALUES (" + i + ", REPEAT('x', 1000))");
      }
      grown = java.nio.file.Files.size(file);
    }
    // A server's pool holds several connections when it stops; H2 answers the SHUTDOWN that
    // compacts with "Database is already closed" then, which is not a failure to report.
    Connection[] pooled = new Connection[3];
    for (int i = 0; i < pooled.length; i++) {
      pooled[i] = db.dataSource().getConnection();
    }
    for (Connection c : pooled) {
      c.close();
    }
    closeCapturingWarnings(db);
    assertThat(warnings).isEmpty();
    assertThat(grown).as("300 commits appended").isGreaterThan(1 << 20);
    assertThat(java.nio.file.Files.size(file)).isLessThan(grown / 4);
    try (Database again =
            Database.open(
                "jdbc:h2:file:" + dir.resolve("grow") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE",
                null,
                null);
        Connection c = again.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM grow")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(300);
    }
  }
}
