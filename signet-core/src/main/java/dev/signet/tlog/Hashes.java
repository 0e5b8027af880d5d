package dev.signet.tlog;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Copies and checks of proof hash lists, shared by the proof records. */
final class Hashes {
  private Hashes() {}

  /** A deep, unmodifiable copy. */
  static List<byte[]> copy(List<byte[]> hashes) {
    List<byte[]> out = new ArrayList<>(hashes.size());
    for (byte[] h : hashes) {
      out.add(h.clone());
    }
    return java.util.Collections.unmodifiableList(out);
  }

  static void check(String what, byte[] hash) throws TlogException {
    if (hash.length != Merkle.HASH_BYTES) {
      throw new TlogException(what + " is " + hash.length + " bytes, not 32");
    }
  }

  static void checkAll(String what, List<byte[]> hashes) throws TlogException {
    for (int i = 0; i < hashes.size(); i++) {
      check(what + " hash " + i, hashes.get(i));
    }
  }

  static boolean equal(List<byte[]> a, List<byte[]> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!java.security.MessageDigest.isEqual(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  static int hash(List<byte[]> hashes) {
    int h = 1;
    for (byte[] b : hashes) {
      h = 31 * h + java.util.Arrays.hashCode(b);
    }
    return h;
  }

  static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  static String hex(byte[] b) {
    return java.util.HexFormat.of().formatHex(b);
  }
}
