package dev.signet.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.server.store.Database;
import dev.signet.tlog.Checkpoint;
import dev.signet.tlog.NoteVerifier;
import dev.signet.tlog.Receipt;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4 §7 crash test: a child JVM appends through {@link JdbcAuditLog} as fast as it can and
 * prints each receipt; the test kills it with SIGKILL mid-load, reopens the database and checks
 * that every receipt handed out is for a leaf in the log at its index, that the log recomputes to
 * the latest checkpoint, that every stored checkpoint is consistent with it, and that appending
 * continues. Several rounds on one database, on H2 (file) and PostgreSQL when configured.
 */
class AuditCrashTest {
  private static final int ROUNDS = 3;

  @TempDir Path dir;

  @Test
  void everyReceiptSurvivesAHardKillAndTheLogNeverForks() throws Exception {
    for (AuditDbs.Target t : AuditDbs.targets(dir)) {
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      long total = 0;
      for (int round = 0; round < ROUNDS; round++) {
        List<String> lines = runAndKill(t, key, 150 + 100 * round);
        try (Database db = t.open();
            JdbcAuditLog log =
                JdbcAuditLog.open(
                    db,
                    AuditDbs.ORIGIN,
                    new SecretKeySpec(key, "AES"),
                    JdbcAuditLog.Settings.defaults())) {
          NoteVerifier verifier = new NoteVerifier(List.of(log.logKey()));
          Checkpoint latest = AuditDbs.checkWholeLog(log, db);
          int checked = 0;
          for (String line : lines) {
            int sp = line.indexOf(' ');
            byte[] leaf = Base64.getDecoder().decode(line.substring(0, sp));
            Receipt r = Receipt.parse(line.substring(sp + 1), "receipt");
            Checkpoint cp = r.verify(leaf, verifier);
            assertThat(r.leafIndex()).as(t.name()).isLessThan(latest.size());
            assertThat(log.entries(r.leafIndex(), r.leafIndex() + 1).getFirst())
                .as("%s: leaf %d", t.name(), r.leafIndex())
                .isEqualTo(leaf);
            // The receipt's checkpoint is one the log can still join to its latest.
            log.consistency(cp.size(), latest.size()).verify(cp.rootHash(), latest.rootHash());
            checked++;
          }
          assertThat(checked).isGreaterThanOrEqualTo(150);
          assertThat(latest.size()).isGreaterThan(total);
          total = latest.size();
          // Appending continues after the crash, at the next index.
          assertThat(log.append(AuditDbs.event("after-" + round)).receipt().leafIndex())
              .isEqualTo(total);
          total++;
          AuditDbs.checkWholeLog(log, db);
        }
      }
    }
  }

  /** Starts the child, reads at least {@code receipts} lines, kills it hard, returns them all. */
  private static List<String> runAndKill(AuditDbs.Target t, byte[] key, int receipts)
      throws Exception {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            AuditCrashChild.class.getName(),
            t.url(),
            t.user() == null ? "-" : t.user());
    pb.environment().put("AUDIT_CRASH_MASTER_KEY", HexFormat.of().formatHex(key));
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      int seen = 0;
      while ((line = in.readLine()) != null) {
        if (line.equals("READY")) {
          continue;
        }
        lines.add(line);
        if (++seen == receipts) {
          // SIGKILL, mid-load: no shutdown hook, no close. (Through the handle: Process's own
          // destroy closes our end of stdout, losing the lines the child printed before dying.)
          p.toHandle().destroyForcibly();
        }
      }
    } finally {
      p.destroyForcibly();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(lines.size()).as("receipts before the kill").isGreaterThanOrEqualTo(receipts);
    // A line cut by the kill was never a whole receipt: the client did not get it.
    String last = lines.getLast();
    if (!last.endsWith("}")) {
      lines.removeLast();
    }
    return lines;
  }
}
