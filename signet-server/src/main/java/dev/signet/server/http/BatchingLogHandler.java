package dev.signet.server.http;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.ErrorManager;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * Writes formatted log lines to a stream from one background thread, as many per write as are
 * waiting. Every request logs a line; {@link java.util.logging.ConsoleHandler} writes and flushes
 * each under a lock, one system call per request, which under load cost more than formatting the
 * line. Lines are formatted on the caller's thread (so a record's parameters are read while they
 * are current) and queued; when {@link #CAPACITY} lines wait, callers block rather than lose lines.
 * A process killed with SIGKILL loses the lines still queued (milliseconds' worth); the audit log,
 * not this one, is the durable record.
 */
public final class BatchingLogHandler extends Handler {
  static final int CAPACITY = 8192;
  private static final int LINES_PER_WRITE = 512;

  private final ArrayBlockingQueue<String> lines = new ArrayBlockingQueue<>(CAPACITY);
  private final Writer out;
  private final Thread writer;
  private final AtomicLong queued = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private volatile boolean closed;

  public BatchingLogHandler(OutputStream stream, Formatter formatter, Level level) {
    this.out = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
    setFormatter(formatter);
    setLevel(level);
    writer = Thread.ofPlatform().daemon().name("signet-log-writer").start(this::run);
  }

  @Override
  public void publish(LogRecord record) {
    if (closed || !isLoggable(record)) {
      return;
    }
    String line;
    try {
      line = getFormatter().format(record);
    } catch (RuntimeException e) {
      reportError(null, e, ErrorManager.FORMAT_FAILURE);
      return;
    }
    try {
      lines.put(line);
      queued.incrementAndGet();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    List<String> batch = new ArrayList<>(LINES_PER_WRITE);
    while (!closed || !lines.isEmpty()) {
      try {
        String first = lines.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        lines.drainTo(batch, LINES_PER_WRITE - 1);
        write(batch);
        batch.clear();
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void write(List<String> batch) {
    try {
      for (String line : batch) {
        out.write(line);
      }
      out.flush();
    } catch (IOException e) {
      reportError(null, e, ErrorManager.WRITE_FAILURE);
    }
    written.addAndGet(batch.size());
  }

  /** Waits (up to a second) until the lines queued so far are written. */
  @Override
  public void flush() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    long target = queued.get();
    while (written.get() < target && writer.isAlive() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  /** Writes what is queued, then stops the writer; later records are dropped. */
  @Override
  public void close() {
    closed = true;
    try {
      writer.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      out.flush();
    } catch (IOException e) {
      reportError(null, e, ErrorManager.FLUSH_FAILURE);
    }
  }
}
