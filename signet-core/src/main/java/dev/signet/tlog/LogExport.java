package dev.signet.tlog;

import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The log export for offline full verification: JSON Lines, one leaf's exact bytes per line, each
 * line ending in {@code \n}, in log order. The service's leaves are RFC 8785 canonical JSON, which
 * never holds a raw newline, so the line break is unambiguous; a leaf with a newline cannot be
 * exported.
 */
public final class LogExport {
  private LogExport() {}

  /** What re-hashing an export gave. */
  @SuppressWarnings("ArrayRecordComponent") // copied in and out: immutable
  public record Summary(long size, byte[] root) {
    public Summary {
      root = root.clone();
    }

    @Override
    public byte[] root() {
      return root.clone();
    }
  }

  /** Receives each leaf of an export, in order. */
  @FunctionalInterface
  public interface LeafSink {
    void leaf(long index, byte[] leaf) throws TlogException;
  }

  /** The export line of one leaf, newline included. */
  public static byte[] line(byte[] leaf) throws TlogException {
    if (leaf.length == 0 || leaf.length > InputLimits.MAX_LOG_LEAF_BYTES) {
      throw new TlogException(
          "a log leaf is 1 to " + InputLimits.MAX_LOG_LEAF_BYTES + " bytes, not " + leaf.length);
    }
    for (byte b : leaf) {
      if (b == '\n') {
        throw new TlogException("a log leaf holds a newline and cannot be exported as a line");
      }
    }
    byte[] out = java.util.Arrays.copyOf(leaf, leaf.length + 1);
    out[leaf.length] = '\n';
    return out;
  }

  /** Reads an export, re-hashing it as it streams by; O(log n) memory. */
  public static Summary read(InputStream in, String source) throws InputException {
    try {
      return read(in, source, (i, leaf) -> {});
    } catch (TlogException e) {
      throw new IllegalStateException("a no-op sink refused", e);
    }
  }

  /** {@link #read(InputStream, String)}, handing each leaf to {@code sink}. */
  public static Summary read(InputStream in, String source, LeafSink sink)
      throws InputException, TlogException {
    RootAccumulator acc = new RootAccumulator();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    byte[] buf = new byte[64 << 10];
    try {
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        int from = 0;
        for (int i = 0; i < n; i++) {
          if (buf[i] == '\n') {
            line.write(buf, from, i - from);
            from = i + 1;
            leaf(acc, line, source, sink);
          }
        }
        line.write(buf, from, n - from);
        if (line.size() > InputLimits.MAX_LOG_LEAF_BYTES) {
          throw tooLong(acc, source);
        }
      }
    } catch (IOException e) {
      throw new InputException(source, null, "cannot read: " + e.getClass().getSimpleName());
    }
    if (line.size() > 0) {
      throw new InputException(
          source,
          "line " + Long.toUnsignedString(acc.size() + 1),
          "the last line has no newline (a truncated export?)");
    }
    return new Summary(acc.size(), acc.root());
  }

  private static void leaf(
      RootAccumulator acc, ByteArrayOutputStream line, String source, LeafSink sink)
      throws InputException, TlogException {
    if (line.size() > InputLimits.MAX_LOG_LEAF_BYTES) {
      throw tooLong(acc, source);
    }
    if (line.size() == 0) {
      throw new InputException(
          source, "line " + Long.toUnsignedString(acc.size() + 1), "an empty line is no leaf");
    }
    byte[] leaf = line.toByteArray();
    line.reset();
    sink.leaf(acc.size(), leaf);
    acc.addLeaf(leaf);
  }

  private static InputException tooLong(RootAccumulator acc, String source) {
    return new InputException(
        source,
        "line " + Long.toUnsignedString(acc.size() + 1),
        "a leaf is longer than " + InputLimits.MAX_LOG_LEAF_BYTES + " bytes");
  }
}
