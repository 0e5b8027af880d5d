package dev.signet.tlog;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.signet.tlog.TlogFixtures.MemoryTree;
import java.util.ArrayList;
import java.util.List;

/**
 * Proof verification on arbitrary input, as a verifier meets proofs from an untrusted server.
 * Properties: nothing but a typed {@link TlogException} ever escapes; and an inclusion or
 * consistency proof accepted against the real roots of an 8-leaf log is exactly the proof the log
 * would have generated (so accepting is never luck).
 */
class ProofFuzzTest {
  static final List<byte[]> D = TlogFixtures.D;
  static final MemoryTree TREE = MemoryTree.of(D);
  static final byte[] ROOT = Merkle.root(D);

  @FuzzTest
  void inclusion(long index, long size, byte @NotNull [] hashes, byte leafPick) throws Exception {
    List<byte[]> path = split(hashes);
    int leaf = Math.floorMod(leafPick, 8);
    InclusionProof p = new InclusionProof(index, size, path);
    try {
      p.verify(Merkle.leafHash(D.get(leaf)), ROOT);
    } catch (TlogException e) {
      dev.signet.testing.FuzzChecks.typed(e);
      return;
    }
    assertThat(index).isEqualTo(leaf);
    assertThat(TlogFixtures.hexAll(path))
        .isEqualTo(TlogFixtures.hexAll(LogTree.inclusion(TREE, leaf, 8).hashes()));
  }

  @FuzzTest
  void consistency(long from, byte @NotNull [] hashes, byte oldPick) throws Exception {
    List<byte[]> proof = split(hashes);
    int m = Math.floorMod(oldPick, 9);
    ConsistencyProof p = new ConsistencyProof(from, 8, proof);
    try {
      p.verify(LogTree.root(TREE, m), ROOT);
    } catch (TlogException e) {
      dev.signet.testing.FuzzChecks.typed(e);
      return;
    }
    if (m != 0) {
      assertThat(from).isEqualTo(m);
      assertThat(TlogFixtures.hexAll(proof))
          .isEqualTo(TlogFixtures.hexAll(LogTree.consistency(TREE, m, 8).hashes()));
    }
  }

  /** 32-byte hashes, plus a short last one when the length is not a multiple (length refusals). */
  static List<byte[]> split(byte[] b) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < b.length; i += 32) {
      out.add(java.util.Arrays.copyOfRange(b, i, Math.min(b.length, i + 32)));
    }
    return out;
  }
}
