package dev.signet.tlog;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * RFC 6962 / RFC 9162 §2.1 Merkle tree hashing, bit-exact: SHA-256 with a {@code 0x00} prefix for
 * leaves and {@code 0x01} for interior nodes (domain separation against second preimages), a
 * left-balanced tree, no duplicated last node.
 */
public final class Merkle {
  /** SHA-256 output length: every hash in a proof, a checkpoint or a store is this long. */
  public static final int HASH_BYTES = 32;

  private static final byte[] EMPTY_ROOT = sha256().digest();

  private Merkle() {}

  /** {@code MTH({})}: SHA-256 of the empty string. */
  public static byte[] emptyRoot() {
    return EMPTY_ROOT.clone();
  }

  /** {@code SHA-256(0x00 || leaf)}. */
  public static byte[] leafHash(byte[] leaf) {
    MessageDigest d = sha256();
    d.update((byte) 0x00);
    d.update(leaf);
    return d.digest();
  }

  /** {@code SHA-256(0x01 || left || right)}. */
  public static byte[] nodeHash(byte[] left, byte[] right) {
    MessageDigest d = sha256();
    d.update((byte) 0x01);
    d.update(left);
    d.update(right);
    return d.digest();
  }

  /**
   * The reference {@code MTH(D[0:n])} over leaf <em>bytes</em>, recursively as RFC 6962 writes it.
   * For tests and small lists; a whole log is hashed with {@link RootAccumulator}.
   */
  public static byte[] root(List<byte[]> leaves) {
    if (leaves.isEmpty()) {
      return emptyRoot();
    }
    return mth(leaves, 0, leaves.size());
  }

  private static byte[] mth(List<byte[]> leaves, int start, int end) {
    if (end - start == 1) {
      return leafHash(leaves.get(start));
    }
    int k = (int) largestPowerOfTwoBelow(end - start);
    return nodeHash(mth(leaves, start, start + k), mth(leaves, start + k, end));
  }

  /** The largest power of two strictly less than {@code n}, for {@code n >= 2} (unsigned). */
  static long largestPowerOfTwoBelow(long n) {
    return Long.highestOneBit(n - 1);
  }

  /** Whether {@code n} (unsigned, non-zero) is a power of two. */
  static boolean isPowerOfTwo(long n) {
    return n != 0 && (n & (n - 1)) == 0;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }
}
