package dev.signet.tlog;

/**
 * One complete subtree hash to persist: {@code (level, index)} covers leaves {@code [index·2^level,
 * (index+1)·2^level)}; level 0 holds leaf hashes.
 */
@SuppressWarnings("ArrayRecordComponent") // copied in and out: immutable
public record TreeNode(int level, long index, byte[] hash) {
  public TreeNode {
    if (level < 0 || level > 63 || hash.length != Merkle.HASH_BYTES) {
      throw new IllegalArgumentException("a tree node has a level 0..63 and a 32-byte hash");
    }
    hash = hash.clone();
  }

  @Override
  public byte[] hash() {
    return hash.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TreeNode n
        && n.level == level
        && n.index == index
        && java.security.MessageDigest.isEqual(n.hash, hash);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(level, index, java.util.Arrays.hashCode(hash));
  }

  @Override
  public String toString() {
    return "TreeNode[" + level + "/" + Long.toUnsignedString(index) + "]";
  }
}
