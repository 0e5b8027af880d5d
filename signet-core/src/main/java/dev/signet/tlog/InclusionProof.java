package dev.signet.tlog;

import java.security.MessageDigest;
import java.util.List;

/**
 * That leaf {@code leafIndex} is in the tree of {@code treeSize} leaves: the audit path, bottom-up
 * (RFC 6962 §2.1.1). Sizes and indices are unsigned.
 */
public record InclusionProof(long leafIndex, long treeSize, List<byte[]> hashes) {
  public InclusionProof {
    hashes = Hashes.copy(hashes);
  }

  @Override
  public List<byte[]> hashes() {
    return Hashes.copy(hashes);
  }

  /**
   * Checks that {@code leafHash} at {@link #leafIndex} leads through the path to {@code root}: RFC
   * 9162 §2.1.3.2, ported literally with unsigned shifts.
   *
   * @throws TlogException naming what failed: index not below size, path too long or too short,
   *     hash length, root mismatch
   */
  public void verify(byte[] leafHash, byte[] root) throws TlogException {
    Hashes.check("the leaf hash", leafHash);
    Hashes.check("the root hash", root);
    Hashes.checkAll("inclusion proof", hashes);
    if (Long.compareUnsigned(leafIndex, treeSize) >= 0) {
      throw new TlogException(
          "inclusion proof: leaf index "
              + Long.toUnsignedString(leafIndex)
              + " is not below tree size "
              + Long.toUnsignedString(treeSize));
    }
    long fn = leafIndex;
    long sn = treeSize - 1;
    byte[] r = leafHash;
    for (byte[] p : hashes) {
      if (sn == 0) {
        throw new TlogException(
            "inclusion proof has more than the hashes a tree of size "
                + Long.toUnsignedString(treeSize)
                + " needs ("
                + hashes.size()
                + ")");
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = Merkle.nodeHash(p, r);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>>= 1;
            sn >>>= 1;
          }
        }
      } else {
        r = Merkle.nodeHash(r, p);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    if (sn != 0) {
      throw new TlogException(
          "inclusion proof is too short for leaf "
              + Long.toUnsignedString(leafIndex)
              + " in a tree of size "
              + Long.toUnsignedString(treeSize)
              + " ("
              + hashes.size()
              + " hashes)");
    }
    if (!MessageDigest.isEqual(r, root)) {
      throw new TlogException(
          "inclusion proof of leaf "
              + Long.toUnsignedString(leafIndex)
              + " does not lead to the root of tree size "
              + Long.toUnsignedString(treeSize));
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InclusionProof p
        && p.leafIndex == leafIndex
        && p.treeSize == treeSize
        && Hashes.equal(p.hashes, hashes);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(leafIndex) * 31 + Long.hashCode(treeSize) * 17 + Hashes.hash(hashes);
  }

  @Override
  public String toString() {
    return "InclusionProof[leaf "
        + Long.toUnsignedString(leafIndex)
        + " of "
        + Long.toUnsignedString(treeSize)
        + ", "
        + hashes.size()
        + " hashes]";
  }
}
