package dev.signet.tlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.signet.input.InputException;
import dev.signet.tlog.TlogFixtures.MemoryTree;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Any change to a proof, an index, a root or a leaf is rejected, for every (m, n) up to n = 20; and
 * a change of tree size is rejected wherever the size is bound (a receipt's size must be the signed
 * checkpoint's). Sizes alone are not bound by an RFC 9162 path: leaf 0 has the same path shape in
 * trees of 3 and 4 leaves, so the signed checkpoint is what fixes the size.
 */
class TamperTest {
  static final int N = 20;
  final List<byte[]> leaves = TlogFixtures.leaves(N + 1);
  final MemoryTree tree = MemoryTree.of(leaves);

  @Test
  void tamperedInclusionProofsFail() throws TlogException {
    for (int n = 1; n <= N; n++) {
      byte[] root = LogTree.root(tree, n);
      for (int m = 0; m < n; m++) {
        inclusion(m, n, root);
      }
    }
  }

  private void inclusion(int m, int n, byte[] root) throws TlogException {
    {
      {
        InclusionProof p = LogTree.inclusion(tree, m, n);
        byte[] leafHash = Merkle.leafHash(leaves.get(m));
        for (List<byte[]> h : mutations(p.hashes())) {
          rejects(() -> new InclusionProof(p.leafIndex(), p.treeSize(), h).verify(leafHash, root));
        }
        for (long idx : new long[] {m - 1L, m + 1L, m ^ 1L, -1L, n}) {
          if (idx != m) {
            rejects(() -> new InclusionProof(idx, p.treeSize(), p.hashes()).verify(leafHash, root));
          }
        }
        rejects(() -> p.verify(Merkle.leafHash(leaves.get(N)), root));
        rejects(() -> p.verify(flip(leafHash, 31), root));
        rejects(() -> p.verify(leafHash, flip(root, 0)));
        rejects(() -> p.verify(leafHash, LogTree.root(tree, n + 1)));
        rejects(() -> new InclusionProof(m, 0, p.hashes()).verify(leafHash, root));
      }
    }
  }

  @Test
  void tamperedConsistencyProofsFail() throws TlogException {
    for (int n = 1; n <= N; n++) {
      byte[] root = LogTree.root(tree, n);
      for (int m = 1; m <= n; m++) {
        consistency(m, n, root);
      }
    }
  }

  private void consistency(int m, int n, byte[] root) throws TlogException {
    {
      {
        byte[] old = LogTree.root(tree, m);
        ConsistencyProof p = LogTree.consistency(tree, m, n);
        for (List<byte[]> h : mutations(p.hashes())) {
          rejects(() -> new ConsistencyProof(m, n, h).verify(old, root));
        }
        rejects(() -> p.verify(flip(old, 5), root));
        rejects(() -> p.verify(old, flip(root, 7)));
        rejects(() -> p.verify(LogTree.root(tree, m - 1), root));
        rejects(() -> p.verify(old, LogTree.root(tree, n + 1)));
        if (m < n) {
          rejects(() -> new ConsistencyProof(n, m, p.hashes()).verify(root, old));
          rejects(() -> new ConsistencyProof(0, n, p.hashes()).verify(old, root));
        }
      }
    }
  }

  @Test
  void everyRefusalSaysWhatFailed() {
    byte[] h = Merkle.leafHash(new byte[0]);
    assertThat(message(() -> new InclusionProof(3, 3, List.of()).verify(h, h)))
        .isEqualTo("inclusion proof: leaf index 3 is not below tree size 3");
    assertThat(message(() -> new InclusionProof(0, 1, List.of(h)).verify(h, h)))
        .contains("more than the hashes");
    assertThat(message(() -> new InclusionProof(0, 2, List.of()).verify(h, h)))
        .contains("too short");
    assertThat(message(() -> new InclusionProof(0, 1, List.of()).verify(h, flip(h, 1))))
        .contains("does not lead to the root");
    assertThat(message(() -> new InclusionProof(0, 1, List.of()).verify(new byte[31], h)))
        .isEqualTo("the leaf hash is 31 bytes, not 32");
    assertThat(message(() -> new InclusionProof(0, 2, List.of(new byte[33])).verify(h, h)))
        .isEqualTo("inclusion proof hash 0 is 33 bytes, not 32");
    assertThat(message(() -> new ConsistencyProof(2, 2, List.of(h)).verify(h, h)))
        .contains("equal sizes is not empty");
    assertThat(message(() -> new ConsistencyProof(2, 2, List.of()).verify(h, flip(h, 0))))
        .contains("two different roots");
    assertThat(message(() -> new ConsistencyProof(0, 2, List.of(h)).verify(h, h)))
        .contains("from size 0 is not empty");
    assertThat(message(() -> new ConsistencyProof(3, 2, List.of(h)).verify(h, h)))
        .contains("smaller tree");
    assertThat(message(() -> new ConsistencyProof(1, 2, List.of()).verify(h, h)))
        .contains("is empty");
    assertThat(message(() -> new ConsistencyProof(1, 2, List.of(h, h)).verify(h, h)))
        .contains("more hashes");
    assertThat(message(() -> new ConsistencyProof(3, 8, List.of(h)).verify(h, h)))
        .contains("too short");
    assertThat(message(() -> new ConsistencyProof(1, 2, List.of(h)).verify(h, h)))
        .contains("new root");
    assertThat(message(() -> new ConsistencyProof(3, 4, List.of(h, h, h)).verify(flip(h, 0), h)))
        .contains("old root");
    assertThat(message(() -> new ConsistencyProof(1, 2, List.of(h)).verify(h, new byte[32])))
        .contains("new root");
  }

  @Test
  void unsignedSizesNearTwoToTheSixtyFour() throws TlogException {
    // A tree of 2^64 - 1 leaves: leaf 2^64 - 2 is the last; its path is the 63 left subtrees.
    long size = -1L;
    long index = -2L;
    byte[] leaf = Merkle.leafHash(new byte[] {1});
    List<byte[]> path = new ArrayList<>();
    byte[] r = leaf;
    // fn = 2^64 - 2 (…110), sn = 2^64 - 2: fn == sn at every level, so every sibling is on the
    // left.
    for (int i = 0; i < 63; i++) {
      byte[] sibling = Merkle.leafHash(new byte[] {(byte) i, 2});
      path.add(sibling);
      r = Merkle.nodeHash(sibling, r);
    }
    new InclusionProof(index, size, path).verify(leaf, r);
    assertThatThrownBy(() -> new InclusionProof(-1L, size, path).verify(leaf, leaf))
        .hasMessageContaining("18446744073709551615 is not below tree size 18446744073709551615");
  }

  @Test
  void receiptBindsTheSize() throws Exception {
    // Leaf 0 of 3 and of 4 leaves have the same path shape; only the signed size tells them apart.
    NoteSigner signer = NoteSigner.of(TlogFixtures.ORIGIN, TlogFixtures.seedKey());
    NoteVerifier verifier = new NoteVerifier(List.of(signer.noteKey()));
    Checkpoint cp = new Checkpoint(TlogFixtures.ORIGIN, 4, LogTree.root(tree, 4));
    SignedNote note = signer.sign(cp);
    InclusionProof p = LogTree.inclusion(tree, 0, 4);
    Receipt good = Receipt.of(p, cp, note);
    assertThat(good.verify(leaves.get(0), verifier)).isEqualTo(cp);
    Receipt wrongSize = new Receipt(good.origin(), 0, 3, good.inclusionProof(), good.checkpoint());
    assertThat(message(() -> wrongSize.verify(leaves.get(0), verifier)))
        .isEqualTo("the receipt's tree size 3 is not its checkpoint's size 4");
    Receipt wrongOrigin =
        new Receipt("other.example/log", 0, 4, good.inclusionProof(), good.checkpoint());
    assertThat(message(() -> wrongOrigin.verify(leaves.get(0), verifier)))
        .contains("is for log \"other.example/log\"");
    Receipt wrongIndex = new Receipt(good.origin(), 1, 4, good.inclusionProof(), good.checkpoint());
    rejects(() -> wrongIndex.verify(leaves.get(0), verifier));
    rejects(() -> good.verify(leaves.get(1), verifier));
    for (List<byte[]> h : mutations(good.inclusionProof())) {
      rejects(() ->
          new Receipt(good.origin(), 0, 4, h, good.checkpoint()).verify(leaves.get(0), verifier));
    }
  }

  /** Every hash with one bit flipped; each hash dropped; one appended, prepended; two swapped. */
  static List<List<byte[]>> mutations(List<byte[]> hashes) {
    List<List<byte[]>> out = new ArrayList<>();
    for (int i = 0; i < hashes.size(); i++) {
      for (int bit : new int[] {0, 131, 255}) {
        List<byte[]> c = new ArrayList<>(hashes);
        c.set(i, flip(c.get(i), bit / 8, bit % 8));
        out.add(c);
      }
      List<byte[]> dropped = new ArrayList<>(hashes);
      dropped.remove(i);
      out.add(dropped);
      if (i + 1 < hashes.size()
          && !java.security.MessageDigest.isEqual(hashes.get(i), hashes.get(i + 1))) {
        List<byte[]> swapped = new ArrayList<>(hashes);
        swapped.set(i, hashes.get(i + 1));
        swapped.set(i + 1, hashes.get(i));
        out.add(swapped);
      }
    }
    byte[] extra = Merkle.leafHash(new byte[] {42});
    List<byte[]> appended = new ArrayList<>(hashes);
    appended.add(extra);
    out.add(appended);
    List<byte[]> prepended = new ArrayList<>(hashes);
    prepended.addFirst(extra);
    out.add(prepended);
    return out;
  }

  static byte[] flip(byte[] h, int index) {
    return flip(h, index, 0);
  }

  static byte[] flip(byte[] h, int index, int bit) {
    byte[] c = h.clone();
    c[index] ^= (byte) (1 << bit);
    return c;
  }

  interface Check {
    void run() throws TlogException, InputException;
  }

  static void rejects(Check c) {
    assertThatThrownBy(c::run).isInstanceOf(TlogException.class);
  }

  static String message(Check c) {
    TlogException e =
        catchThrowableOfType(
            TlogException.class,
            () -> {
              c.run();
            });
    assertThat(e).isNotNull();
    return e.getMessage();
  }
}
