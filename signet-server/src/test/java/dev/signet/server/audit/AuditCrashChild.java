package dev.signet.server.audit;

import dev.signet.server.store.Database;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.crypto.spec.SecretKeySpec;

/**
 * The child JVM of {@link AuditCrashTest}: appends as fast as it can from many threads and prints
 * every receipt it got, one line each ({@code base64(leaf) SPACE receipt-json}), until killed.
 * Arguments: JDBC URL, user or "-"; the master key (hex) and password come in the environment.
 */
public final class AuditCrashChild {
  private AuditCrashChild() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String user = args[1].equals("-") ? null : args[1];
    String password = System.getenv("SIGNET_TEST_POSTGRES_PASSWORD");
    if (user == null) {
      password = null;
    }
    byte[] key = HexFormat.of().parseHex(System.getenv("AUDIT_CRASH_MASTER_KEY"));
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    Database db = Database.open(url, user, password);
    JdbcAuditLog log =
        JdbcAuditLog.open(
            db, AuditDbs.ORIGIN, new SecretKeySpec(key, "AES"), JdbcAuditLog.Settings.defaults());
    out.println("READY");
    ExecutorService pool = Executors.newFixedThreadPool(16);
    for (int t = 0; t < 16; t++) {
      int thread = t;
      pool.submit(() -> {
        for (long i = 0; ; i++) {
          AuditLog.Appended a = log.append(AuditDbs.event("c" + thread + "-" + i));
          // One println per receipt: the line is out before the next append starts.
          out.println(Base64.getEncoder().encodeToString(a.leaf()) + " " + a.receipt().toJson());
        }
      });
    }
    Thread.sleep(Long.MAX_VALUE);
  }
}
