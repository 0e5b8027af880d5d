package dev.signet.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcAuditLogTest {
  @TempDir Path dir;

  @Test
  void concurrentAppendsAreDurableProvableAndNeverFork() throws Exception {
    for (AuditDbs.Target t : AuditDbs.targets(dir)) {
      SecretKey master = AuditDbs.masterKey();
      try (Database db = t.open();
          JdbcAuditLog log =
              JdbcAuditLog.open(db, AuditDbs.ORIGIN, master, JdbcAuditLog.Settings.defaults())) {
        NoteVerifier verifier = new NoteVerifier(List.of(log.logKey()));
        assertThat(verifier.verifyCheckpoint(log.checkpoint(), "cp").size()).as(t.name()).isZero();
        List<Future<AuditLog.Appended>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
          for (int i = 0; i < 300; i++) {
            String id = "req-" + i;
            futures.add(pool.submit(() -> log.append(AuditDbs.event(id))));
          }
        }
        List<Long> indices = new ArrayList<>();
        for (Future<AuditLog.Appended> f : futures) {
          AuditLog.Appended a = f.get();
          Receipt r = Receipt.parse(a.receipt().toJson(), "receipt");
          r.verify(a.leaf(), verifier);
          // The leaf at the receipt's index is the one this caller appended.
          assertThat(log.entries(r.leafIndex(), r.leafIndex() + 1).getFirst()).isEqualTo(a.leaf());
          indices.add(r.leafIndex());
        }
        assertThat(indices).as(t.name()).doesNotHaveDuplicates().hasSize(300);
        Checkpoint latest = AuditDbs.checkWholeLog(log, db);
        assertThat(latest.size()).isEqualTo(300);
        // Group commit: far fewer checkpoints than appends when appends are concurrent.
        assertThat(checkpoints(db)).as(t.name()).isLessThan(300);
        assertThat(log.entries(0, 300)).hasSize(300);
        assertThat(log.entries(299, 300)).hasSize(1);
        assertThatThrownBy(() -> log.entries(0, 301))
            .isInstanceOf(AuditException.class)
            .hasMessageContaining("beyond the log");
        assertThatThrownBy(() -> log.inclusion(300, 300)).isInstanceOf(AuditException.class);
        assertThatThrownBy(() -> log.consistency(10, 5)).isInstanceOf(AuditException.class);
      }
    }
  }

  @Test
  void reopeningKeepsTheKeyAndTheLogAndRefusesAnotherOriginOrMasterKey() throws Exception {
    for (AuditDbs.Target t : AuditDbs.targets(dir)) {
      SecretKey master = AuditDbs.masterKey();
      String vkey;
      try (Database db = t.open();
          JdbcAuditLog log =
              JdbcAuditLog.open(db, AuditDbs.ORIGIN, master, JdbcAuditLog.Settings.oneByOne())) {
        for (int i = 0; i < 5; i++) {
          assertThat(log.append(AuditDbs.event("a" + i)).receipt().treeSize()).isEqualTo(i + 1);
        }
        vkey = log.logKey().format();
        assertThat(checkpoints(db)).isEqualTo(6); // empty tree + one per append
      }
      try (Database db = t.open()) {
        assertThatThrownBy(() ->
                JdbcAuditLog.open(db, "other/origin", master, JdbcAuditLog.Settings.defaults()))
            .isInstanceOf(AuditException.class)
            .hasMessageContaining("other/origin")
            .hasMessageContaining(AuditDbs.ORIGIN);
        assertThatThrownBy(() ->
                JdbcAuditLog.open(
                    db, AuditDbs.ORIGIN, AuditDbs.masterKey(), JdbcAuditLog.Settings.defaults()))
            .isInstanceOf(AuditException.class)
            .hasMessageContaining("cannot open the log key");
        try (JdbcAuditLog log =
            JdbcAuditLog.open(db, AuditDbs.ORIGIN, master, JdbcAuditLog.Settings.defaults())) {
          assertThat(log.logKey().format()).isEqualTo(vkey);
          assertThat(log.size()).isEqualTo(5);
          assertThat(log.append(AuditDbs.event("b")).receipt().leafIndex()).isEqualTo(5);
          AuditDbs.checkWholeLog(log, db);
        }
      }
    }
  }

  @Test
  void aClosedLogRefusesAppends() throws Exception {
    try (Database db = AuditDbs.h2(dir).open()) {
      JdbcAuditLog log =
          JdbcAuditLog.open(
              db, AuditDbs.ORIGIN, AuditDbs.masterKey(), JdbcAuditLog.Settings.defaults());
      log.close();
      assertThatThrownBy(() -> log.append(AuditDbs.event("x")))
          .isInstanceOf(AuditException.class)
          .hasMessage("audit log: closed");
    }
  }

  static long checkpoints(Database db) throws Exception {
    try (var c = db.dataSource().getConnection();
        var s = c.createStatement();
        var rs = s.executeQuery("SELECT COUNT(*) FROM audit_checkpoints")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
