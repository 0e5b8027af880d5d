package dev.signet.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class BatchingLogHandlerTest {
  private static final Formatter LINE =
      new Formatter() {
        @Override
        public String format(LogRecord r) {
          return r.getMessage() + "\n";
        }
      };

  /** Many threads at once: every line written exactly once, whole, none lost, none torn. */
  @Test
  void everyLineFromManyThreadsIsWrittenOnceAndWhole() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BatchingLogHandler h = new BatchingLogHandler(out, LINE, Level.INFO);
    int threads = 16;
    int each = 2_000; // more than the queue holds, so callers also block on a full queue
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(() -> {
              for (int i = 0; i < each; i++) {
                h.publish(
                    new LogRecord(Level.INFO, "line-" + thread + "-" + i + "-" + "x".repeat(40)));
              }
            }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    }
    h.flush();
    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n", -1);
    assertThat(lines).hasSize(threads * each + 1);
    assertThat(lines[lines.length - 1]).isEmpty();
    Set<String> distinct = new HashSet<>();
    for (int i = 0; i < lines.length - 1; i++) {
      assertThat(lines[i]).matches("line-\\d+-\\d+-x{40}");
      distinct.add(lines[i]);
    }
    assertThat(distinct).hasSize(threads * each);
    h.close();
  }

  @Test
  void recordsBelowTheLevelAndAfterCloseAreNotWritten() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BatchingLogHandler h = new BatchingLogHandler(out, LINE, Level.INFO);
    h.publish(new LogRecord(Level.FINE, "too-fine"));
    h.publish(new LogRecord(Level.WARNING, "kept"));
    h.close();
    h.publish(new LogRecord(Level.SEVERE, "after-close"));
    h.flush();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("kept\n");
  }
}
