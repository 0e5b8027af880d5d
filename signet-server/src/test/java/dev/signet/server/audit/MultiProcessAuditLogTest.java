package dev.signet.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.server.store.Database;
import dev.signet.tlog.Checkpoint;
import dev.signet.tlog.NoteVerifier;
import dev.signet.tlog.Receipt;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.SecretKey;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server processes on one database: two logs with separate pools append concurrently and the
 * result is one log with contiguous indices, one key, no fork. On PostgreSQL when configured, and
 * on H2 in server mode (an H2 file database opens in one process only).
 */
class MultiProcessAuditLogTest {
  @TempDir Path dir;

  @Test
  void twoProcessesOnOneDatabaseKeepOneLog() throws Exception {
    List<AuditDbs.Target> targets = new ArrayList<>();
    Server h2 =
        Server.createTcpServer("-tcpPort", "0", "-ifNotExists", "-baseDir", dir.toString()).start();
    try {
      targets.add(
          new AuditDbs.Target(
              "h2-server",
              "jdbc:h2:tcp://127.0.0.1:"
                  + h2.getPort()
                  + "/shared;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH",
              null,
              null));
      AuditDbs.Target pg = AuditDbs.postgres();
      if (pg != null) {
        targets.add(pg);
      }
      for (AuditDbs.Target t : targets) {
        run(t);
      }
    } finally {
      h2.stop();
    }
  }

  private static void run(AuditDbs.Target t) throws Exception {
    SecretKey master = AuditDbs.masterKey();
    int perProcess = 400;
    try (Database dbA = t.open();
        Database dbB = t.open();
        JdbcAuditLog a =
            JdbcAuditLog.open(dbA, AuditDbs.ORIGIN, master, JdbcAuditLog.Settings.defaults());
        JdbcAuditLog b =
            JdbcAuditLog.open(dbB, AuditDbs.ORIGIN, master, JdbcAuditLog.Settings.defaults())) {
      assertThat(b.logKey()).isEqualTo(a.logKey());
      List<Future<AuditLog.Appended>> futures = new ArrayList<>();
      try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
        for (int i = 0; i < perProcess; i++) {
          String id = Integer.toString(i);
          futures.add(pool.submit(() -> a.append(AuditDbs.event("a" + id))));
          futures.add(pool.submit(() -> b.append(AuditDbs.event("b" + id))));
        }
      }
      NoteVerifier verifier = new NoteVerifier(List.of(a.logKey()));
      boolean[] seen = new boolean[2 * perProcess];
      for (Future<AuditLog.Appended> f : futures) {
        AuditLog.Appended got = f.get();
        Receipt r = got.receipt();
        r.verify(got.leaf(), verifier);
        assertThat(seen[(int) r.leafIndex()]).as("%s: index %d twice", t, r.leafIndex()).isFalse();
        seen[(int) r.leafIndex()] = true;
        assertThat(a.entries(r.leafIndex(), r.leafIndex() + 1).getFirst()).isEqualTo(got.leaf());
      }
      Checkpoint latest = AuditDbs.checkWholeLog(a, dbA);
      assertThat(latest.size()).as(t.name()).isEqualTo(2L * perProcess);
      assertThat(b.checkpoint()).isEqualTo(a.checkpoint());
      AuditDbs.checkWholeLog(b, dbB);
    }
  }
}
