package dev.signet.tlog;

/**
 * The stored complete subtrees of a log (RFC 6962 §2.1 "storage trick"). The server persists, as
 * {@link LogTree#append} returns them, the hash of every complete subtree {@code (level, index)}
 * covering leaves {@code [index·2^level, (index+1)·2^level)}: about 2n hashes for n leaves. Every
 * proof and every root is then computed from at most 2·log₂(n) reads.
 */
@FunctionalInterface
public interface TreeReader {
  /**
   * The 32-byte hash of the complete subtree {@code (level, index)}. Only nodes of completed
   * subtrees are asked for. A store that cannot answer (missing row, database down) throws an
   * unchecked exception of its own choosing; the log cannot make up a hash.
   */
  byte[] node(int level, long index);
}
