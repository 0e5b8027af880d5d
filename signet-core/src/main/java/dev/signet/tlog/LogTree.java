package dev.signet.tlog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The server side of the log: what to persist when leaves are appended, and roots and proofs
 * computed from the stored complete subtrees of a {@link TreeReader}. Right-edge subtrees of a size
 * that is not a power of two are never stored (they change with every append); they are re-hashed
 * here from at most log₂(n) stored nodes.
 *
 * <p>Sizes and indices are unsigned 64-bit values held in {@code long}s.
 */
public final class LogTree {
  private LogTree() {}

  /**
   * The nodes to persist when {@code leafHash} becomes leaf number {@code size} of a tree of {@code
   * size} leaves stored in {@code stored}: the leaf itself and every subtree it completes.
   */
  public static List<TreeNode> append(TreeReader stored, long size, byte[] leafHash) {
    return appendAll(stored, size, List.of(leafHash));
  }

  /**
   * {@link #append} for a batch: the nodes to persist after appending {@code leafHashes} in order
   * to a tree of {@code size} leaves. Nodes completed inside the batch are read from the batch, so
   * nothing needs persisting in between.
   */
  public static List<TreeNode> appendAll(TreeReader stored, long size, List<byte[]> leafHashes) {
    if (Long.compareUnsigned(leafHashes.size(), -1L - size) > 0) {
      throw new IllegalArgumentException("the log would exceed 2^64 - 1 leaves");
    }
    Map<Pos, byte[]> fresh = new HashMap<>();
    List<TreeNode> out = new ArrayList<>();
    long index = size;
    for (byte[] leafHash : leafHashes) {
      if (leafHash.length != Merkle.HASH_BYTES) {
        throw new IllegalArgumentException("a leaf hash is 32 bytes");
      }
      byte[] h = leafHash.clone();
      int level = 0;
      long i = index;
      out.add(new TreeNode(0, i, h));
      fresh.put(key(0, i), h);
      // An odd index closes a pair: its left sibling is complete and stored (or just computed).
      while ((i & 1) == 1) {
        byte[] left = fresh.get(key(level, i - 1));
        if (left == null) {
          left = stored.node(level, i - 1);
        }
        h = Merkle.nodeHash(left, h);
        level++;
        i >>>= 1;
        out.add(new TreeNode(level, i, h));
        fresh.put(key(level, i), h);
      }
      index++;
    }
    return List.copyOf(out);
  }

  private record Pos(int level, long index) {}

  private static Pos key(int level, long index) {
    return new Pos(level, index);
  }

  /** {@code MTH(D[0:size])} for any {@code size} up to the stored tree's size. */
  public static byte[] root(TreeReader stored, long size) {
    return size == 0 ? Merkle.emptyRoot() : subtree(stored, 0, size);
  }

  /**
   * The inclusion proof of leaf {@code index} in the tree of {@code size} leaves (RFC 6962 §2.1.1
   * {@code PATH}), bottom-up.
   *
   * @throws TlogException when {@code index} is not below {@code size}
   */
  public static InclusionProof inclusion(TreeReader stored, long index, long size)
      throws TlogException {
    if (Long.compareUnsigned(index, size) >= 0) {
      throw new TlogException(
          "leaf index "
              + Long.toUnsignedString(index)
              + " is not below tree size "
              + Long.toUnsignedString(size));
    }
    List<byte[]> topDown = new ArrayList<>();
    long start = 0;
    long end = size;
    long m = index;
    while (end - start > 1) {
      long k = Merkle.largestPowerOfTwoBelow(end - start);
      if (Long.compareUnsigned(m, k) < 0) {
        topDown.add(subtree(stored, start + k, end));
        end = start + k;
      } else {
        topDown.add(subtree(stored, start, start + k));
        start += k;
        m -= k;
      }
    }
    return new InclusionProof(index, size, topDown.reversed());
  }

  /**
   * The consistency proof from size {@code from} to size {@code to} (RFC 6962 §2.1.2 {@code
   * PROOF}); empty when {@code from} is 0 or equals {@code to}.
   *
   * @throws TlogException when {@code from > to}
   */
  public static ConsistencyProof consistency(TreeReader stored, long from, long to)
      throws TlogException {
    if (Long.compareUnsigned(from, to) > 0) {
      throw new TlogException(
          "consistency from size "
              + Long.toUnsignedString(from)
              + " to the smaller size "
              + Long.toUnsignedString(to));
    }
    if (from == 0 || from == to) {
      return new ConsistencyProof(from, to, List.of());
    }
    List<byte[]> topDown = new ArrayList<>();
    long start = 0;
    long end = to;
    long m = from;
    boolean whole = true;
    while (m != end - start) {
      long k = Merkle.largestPowerOfTwoBelow(end - start);
      if (Long.compareUnsigned(m, k) <= 0) {
        topDown.add(subtree(stored, start + k, end));
        end = start + k;
      } else {
        topDown.add(subtree(stored, start, start + k));
        start += k;
        m -= k;
        whole = false;
      }
    }
    if (!whole) {
      topDown.add(subtree(stored, start, end));
    }
    return new ConsistencyProof(from, to, topDown.reversed());
  }

  /**
   * {@code MTH(D[start:end])} for a range the RFC recursion produces: {@code start} is a multiple
   * of the largest power of two not above {@code end - start}, so a power-of-two range is one
   * stored node and any other splits into a stored left half and a smaller right edge.
   */
  private static byte[] subtree(TreeReader stored, long start, long end) {
    long n = end - start;
    if (Merkle.isPowerOfTwo(n)) {
      int level = Long.numberOfTrailingZeros(n);
      byte[] h = stored.node(level, start >>> level);
      if (h == null || h.length != Merkle.HASH_BYTES) {
        throw new IllegalStateException(
            "the store returned no 32-byte hash for node "
                + level
                + "/"
                + Long.toUnsignedString(start >>> level));
      }
      return h.clone();
    }
    long k = Merkle.largestPowerOfTwoBelow(n);
    return Merkle.nodeHash(subtree(stored, start, start + k), subtree(stored, start + k, end));
  }
}
