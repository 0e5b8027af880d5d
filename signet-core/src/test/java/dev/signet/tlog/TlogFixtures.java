package dev.signet.tlog;

import dev.signet.keys.KeyException;
import dev.signet.keys.PemKeys;
import dev.signet.keys.SigningKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Shared fixtures: the §4.6 vectors, the seed-00..1f key, and an in-memory node store. */
final class TlogFixtures {
  private TlogFixtures() {}

  static final HexFormat HEX = HexFormat.of();

  /** RFC 6962 reference leaves (the classic CT test data). */
  static final List<byte[]> D =
      List.of(
          hex(""),
          hex("00"),
          hex("10"),
          hex("2021"),
          hex("3031"),
          hex("40414243"),
          hex("5051525354555657"),
          hex("606162636465666768696a6b6c6d6e6f"));

  static final String ORIGIN = "example.com/audit-log";

  static byte[] hex(String s) {
    return HEX.parseHex(s);
  }

  /** The Ed25519 key with private seed 00 01 … 1f. */
  static SigningKey seedKey() throws KeyException {
    byte[] seed = new byte[32];
    for (int i = 0; i < 32; i++) {
      seed[i] = (byte) i;
    }
    byte[] pkcs8 = new byte[16 + 32];
    System.arraycopy(hex("302e020100300506032b657004220420"), 0, pkcs8, 0, 16);
    System.arraycopy(seed, 0, pkcs8, 16, 32);
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(pkcs8)
            + "\n-----END PRIVATE KEY-----\n";
    return PemKeys.readPrivateKey(pem, "seed.pem", null);
  }

  static byte[] leaf(int i) {
    return ("{\"leaf\":" + i + "}").getBytes(StandardCharsets.UTF_8);
  }

  static List<byte[]> leaves(int n) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(leaf(i));
    }
    return out;
  }

  /** A node store in a map, filled only through {@link LogTree#append}, as the server does. */
  static final class MemoryTree implements TreeReader {
    private final Map<String, byte[]> nodes = new HashMap<>();
    private long size;
    int reads;

    static MemoryTree of(List<byte[]> leaves) {
      MemoryTree t = new MemoryTree();
      for (byte[] l : leaves) {
        t.add(l);
      }
      return t;
    }

    void add(byte[] leaf) {
      for (TreeNode n : LogTree.append(this, size, Merkle.leafHash(leaf))) {
        put(n);
      }
      size++;
    }

    void put(TreeNode n) {
      nodes.put(n.level() + "/" + n.index(), n.hash());
    }

    long size() {
      return size;
    }

    int stored() {
      return nodes.size();
    }

    @Override
    public byte[] node(int level, long index) {
      reads++;
      byte[] h = nodes.get(level + "/" + index);
      if (h == null) {
        throw new IllegalStateException("no stored node " + level + "/" + index);
      }
      return h;
    }
  }

  // ---- the RFC 6962 definitions, recursively, as the reference ----

  static byte[] mth(List<byte[]> d) {
    return Merkle.root(d);
  }

  static List<byte[]> path(int m, List<byte[]> d) {
    int n = d.size();
    if (n == 1) {
      return new ArrayList<>();
    }
    int k = Integer.highestOneBit(n - 1);
    List<byte[]> out;
    if (m < k) {
      out = path(m, d.subList(0, k));
      out.add(mth(d.subList(k, n)));
    } else {
      out = path(m - k, d.subList(k, n));
      out.add(mth(d.subList(0, k)));
    }
    return out;
  }

  static List<byte[]> proof(int m, List<byte[]> d) {
    return subproof(m, d, true);
  }

  private static List<byte[]> subproof(int m, List<byte[]> d, boolean b) {
    int n = d.size();
    if (m == n) {
      List<byte[]> out = new ArrayList<>();
      if (!b) {
        out.add(mth(d));
      }
      return out;
    }
    int k = Integer.highestOneBit(n - 1);
    List<byte[]> out;
    if (m <= k) {
      out = subproof(m, d.subList(0, k), b);
      out.add(mth(d.subList(k, n)));
    } else {
      out = subproof(m - k, d.subList(k, n), false);
      out.add(mth(d.subList(0, k)));
    }
    return out;
  }

  static List<String> hexAll(List<byte[]> hashes) {
    return hashes.stream().map(HEX::formatHex).toList();
  }
}
