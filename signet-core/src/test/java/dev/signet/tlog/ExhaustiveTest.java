package dev.signet.tlog;

import static dev.signet.tlog.TlogFixtures.hexAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.tlog.TlogFixtures.MemoryTree;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every (m, n) up to n = 64, as §4.4 asks: proofs generated from stored nodes equal the RFC 6962
 * recursive definitions over a naive MTH, and verify.
 */
class ExhaustiveTest {
  static final int N = 64;
  final List<byte[]> leaves = TlogFixtures.leaves(N);
  final MemoryTree tree = MemoryTree.of(leaves);

  @Test
  void rootsOfEverySize() {
    for (int n = 0; n <= N; n++) {
      assertThat(LogTree.root(tree, n)).as("n=%d", n).isEqualTo(Merkle.root(leaves.subList(0, n)));
    }
  }

  @Test
  void everyInclusionProof() throws TlogException {
    for (int n = 1; n <= N; n++) {
      List<byte[]> d = leaves.subList(0, n);
      byte[] root = Merkle.root(d);
      for (int m = 0; m < n; m++) {
        InclusionProof p = LogTree.inclusion(tree, m, n);
        assertThat(hexAll(p.hashes()))
            .as("PATH(%d, D[0:%d])", m, n)
            .isEqualTo(hexAll(TlogFixtures.path(m, d)));
        p.verify(Merkle.leafHash(d.get(m)), root);
      }
    }
  }

  @Test
  void everyConsistencyProof() throws TlogException {
    for (int n = 1; n <= N; n++) {
      List<byte[]> d = leaves.subList(0, n);
      byte[] root = Merkle.root(d);
      for (int m = 0; m <= n; m++) {
        ConsistencyProof p = LogTree.consistency(tree, m, n);
        List<byte[]> expected = m == 0 ? List.of() : TlogFixtures.proof(m, d);
        assertThat(hexAll(p.hashes())).as("PROOF(%d, D[0:%d])", m, n).isEqualTo(hexAll(expected));
        p.verify(Merkle.root(leaves.subList(0, m)), root);
      }
    }
  }

  @Test
  void proofsReadFewStoredNodes() throws TlogException {
    tree.reads = 0;
    LogTree.inclusion(tree, 37, 63);
    assertThat(tree.reads).isLessThanOrEqualTo(2 * 6);
    tree.reads = 0;
    LogTree.consistency(tree, 37, 63);
    assertThat(tree.reads).isLessThanOrEqualTo(2 * 6 + 2);
  }

  @Test
  void batchAppendEqualsOneByOne() {
    MemoryTree base = MemoryTree.of(leaves.subList(0, 13));
    List<byte[]> hashes = new ArrayList<>();
    for (byte[] l : leaves.subList(13, N)) {
      hashes.add(Merkle.leafHash(l));
    }
    List<TreeNode> nodes = LogTree.appendAll(base, 13, hashes);
    for (TreeNode n : nodes) {
      base.put(n);
    }
    assertThat(nodes).hasSize(tree.stored() - MemoryTree.of(leaves.subList(0, 13)).stored());
    for (int n = 14; n <= N; n++) {
      assertThat(LogTree.root(base, n)).isEqualTo(LogTree.root(tree, n));
    }
  }
}
