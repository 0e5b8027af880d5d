package dev.signet.tlog;

import dev.signet.input.InputException;
import java.util.Base64;
import java.util.List;

/**
 * A log checkpoint (C2SP tlog-checkpoint): the body of a signed note, byte-exact —
 *
 * <pre>
 * &lt;origin&gt;\n
 * &lt;tree size, decimal, no leading zeros&gt;\n
 * &lt;base64 of the 32-byte root hash&gt;\n
 * [&lt;extension line&gt;\n …]
 * </pre>
 *
 * The size is unsigned. Extension lines are allowed so that other logs' checkpoints parse, but this
 * log writes none (they are not auditable).
 */
@SuppressWarnings("ArrayRecordComponent") // copied in and out: immutable
public record Checkpoint(String origin, long size, byte[] rootHash, List<String> extensions) {
  public Checkpoint {
    if (origin.isEmpty() || !plainLine(origin)) {
      throw new IllegalArgumentException("a checkpoint origin is one non-empty line of text");
    }
    if (rootHash.length != Merkle.HASH_BYTES) {
      throw new IllegalArgumentException("a checkpoint root hash is 32 bytes");
    }
    for (String e : extensions) {
      if (e.isEmpty() || !plainLine(e)) {
        throw new IllegalArgumentException("a checkpoint extension is one non-empty line");
      }
    }
    rootHash = rootHash.clone();
    extensions = List.copyOf(extensions);
  }

  /** A checkpoint without extension lines, the only kind this log writes. */
  public Checkpoint(String origin, long size, byte[] rootHash) {
    this(origin, size, rootHash, List.of());
  }

  @Override
  public byte[] rootHash() {
    return rootHash.clone();
  }

  /** The note text: what the log signs. */
  public String body() {
    StringBuilder b = new StringBuilder();
    b.append(origin)
        .append('\n')
        .append(Long.toUnsignedString(size))
        .append('\n')
        .append(Base64.getEncoder().encodeToString(rootHash))
        .append('\n');
    for (String e : extensions) {
      b.append(e).append('\n');
    }
    return b.toString();
  }

  /** Parses a note text ({@link SignedNote#text()}) as a checkpoint. */
  public static Checkpoint parse(String text, String source) throws InputException {
    if (!text.endsWith("\n")) {
      throw new InputException(source, "checkpoint", "does not end with a newline");
    }
    String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
    if (lines.length < 3) {
      throw new InputException(
          source, "checkpoint", "needs an origin, a tree size and a root hash line");
    }
    String origin = lines[0];
    if (origin.isEmpty() || !plainLine(origin)) {
      throw new InputException(source, "checkpoint origin", "empty or holds control characters");
    }
    String sizeText = lines[1];
    if (!sizeText.matches("0|[1-9][0-9]{0,19}")) {
      throw new InputException(
          source, "checkpoint size", "not a decimal number without leading zeros");
    }
    long size;
    try {
      size = Long.parseUnsignedLong(sizeText);
    } catch (NumberFormatException e) {
      throw new InputException(source, "checkpoint size", "larger than 2^64 - 1");
    }
    byte[] root = TlogJson.hash(lines[2], source, "checkpoint root hash");
    List<String> extensions = List.of(lines).subList(3, lines.length);
    for (int i = 0; i < extensions.size(); i++) {
      if (extensions.get(i).isEmpty() || !plainLine(extensions.get(i))) {
        throw new InputException(
            source, "checkpoint extension line " + (i + 1), "is empty or holds control characters");
      }
    }
    return new Checkpoint(origin, size, root, extensions);
  }

  private static boolean plainLine(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < 0x20) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint c
        && c.origin.equals(origin)
        && c.size == size
        && java.security.MessageDigest.isEqual(c.rootHash, rootHash)
        && c.extensions.equals(extensions);
  }

  @Override
  public int hashCode() {
    return origin.hashCode() * 31 + Long.hashCode(size) + java.util.Arrays.hashCode(rootHash);
  }

  @Override
  public String toString() {
    return "Checkpoint["
        + origin
        + " size "
        + Long.toUnsignedString(size)
        + " root "
        + Hashes.hex(rootHash)
        + "]";
  }
}
