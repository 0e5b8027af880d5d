package dev.signet.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * A one-line progress bar on stderr while many files are hashed, drawn only when stderr is a
 * terminal: redirected to a file or a CI log, carriage-return animation is noise.
 */
final class Progress {
  private static final long INTERVAL_MS = 100;

  private final PrintWriter err;
  private final int files;
  private final long total;
  private final LongAdder bytes = new LongAdder();
  private final AtomicInteger done = new AtomicInteger();
  private final long started = System.nanoTime();
  private final @Nullable Thread painter;

  private Progress(PrintWriter err, int files, long total, boolean draw) {
    this.err = err;
    this.files = files;
    this.total = total;
    this.painter = draw ? Thread.ofPlatform().daemon().start(this::paintLoop) : null;
  }

  static Progress start(PrintWriter err, List<Path> inputs) {
    long total = 0;
    for (Path p : inputs) {
      try {
        total += Files.size(p);
      } catch (java.io.IOException e) {
        // the signing task reports the file; the bar just counts less
      }
    }
    return new Progress(err, inputs.size(), total, stderrIsTerminal());
  }

  void add(long n) {
    bytes.add(n);
  }

  void fileDone() {
    done.incrementAndGet();
  }

  void stop() {
    if (painter != null) {
      painter.interrupt();
      try {
        painter.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      synchronized (err) {
        err.print("\r\033[K");
        err.flush();
      }
    }
  }

  private void paintLoop() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        Thread.sleep(INTERVAL_MS);
        paint();
      }
    } catch (InterruptedException e) {
      // stopped
    }
  }

  private void paint() {
    long b = bytes.sum();
    double fraction = total == 0 ? (double) done.get() / files : (double) b / total;
    int width = 30;
    int filled = (int) Math.min(width, Math.round(fraction * width));
    double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
    String line =
        String.format(
            Locale.ROOT,
            "\r[%s%s] %d/%d files  %s  %s/s",
            "#".repeat(filled),
            ".".repeat(width - filled),
            done.get(),
            files,
            size(b),
            size((long) (b / seconds)));
    synchronized (err) {
      err.print(line + "\033[K");
      err.flush();
    }
  }

  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** Linux: fd 2 links to a tty device. Elsewhere, or when unsure, no bar. */
  private static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }
}
