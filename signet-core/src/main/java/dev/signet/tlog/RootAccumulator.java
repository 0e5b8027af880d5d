package dev.signet.tlog;

import java.util.ArrayList;
import java.util.List;

/**
 * The root of a log computed leaf by leaf in O(log n) memory: a stack of the complete subtrees on
 * the right edge (a "compact range"). This is how a full export is re-hashed offline without
 * holding the log in memory.
 */
public final class RootAccumulator {
  // stack.get(i) is the hash of a complete subtree; sizes strictly decrease from bottom to top and
  // are exactly the set bits of size.
  private final List<byte[]> stack = new ArrayList<>();
  private long size;

  /** Appends one leaf by its bytes. */
  public void addLeaf(byte[] leaf) {
    addLeafHash(Merkle.leafHash(leaf));
  }

  /** Appends one leaf by its leaf hash. */
  public void addLeafHash(byte[] leafHash) {
    if (size == -1L) {
      throw new IllegalStateException("the log is full (2^64 - 1 leaves)");
    }
    byte[] h = leafHash.clone();
    // Each trailing one bit of the old size is a complete subtree the new leaf completes.
    for (long s = size; (s & 1) == 1; s >>>= 1) {
      h = Merkle.nodeHash(stack.removeLast(), h);
    }
    stack.add(h);
    size++;
  }

  /** Leaves added so far (unsigned). */
  public long size() {
    return size;
  }

  /** {@code MTH} of the leaves added so far. */
  public byte[] root() {
    if (stack.isEmpty()) {
      return Merkle.emptyRoot();
    }
    byte[] r = stack.getLast();
    for (int i = stack.size() - 2; i >= 0; i--) {
      r = Merkle.nodeHash(stack.get(i), r);
    }
    return r;
  }
}
