package dev.signet.tlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The value types hold byte arrays, so equality is by content (constant-time compare), copies go in
 * and out, and toString never prints more than sizes and names.
 */
class ValueSemanticsTest {
  static final byte[] A = Merkle.leafHash(new byte[] {1});
  static final byte[] B = Merkle.leafHash(new byte[] {2});

  static void differs(Object base, Object same, Object... others) {
    assertThat(base).isEqualTo(same).hasSameHashCodeAs(same).isNotEqualTo("x").isNotEqualTo(null);
    for (Object o : others) {
      assertThat(base).isNotEqualTo(o);
    }
  }

  @Test
  void treeNodes() {
    TreeNode n = new TreeNode(1, 2, A);
    differs(
        n,
        new TreeNode(1, 2, A.clone()),
        new TreeNode(0, 2, A),
        new TreeNode(1, 3, A),
        new TreeNode(1, 2, B));
    assertThat(n.toString()).isEqualTo("TreeNode[1/2]");
    byte[] h = n.hash();
    h[0] ^= 1;
    assertThat(n.hash()).isEqualTo(A);
    assertThatThrownBy(() -> new TreeNode(-1, 0, A)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TreeNode(64, 0, A)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TreeNode(0, 0, new byte[1]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void proofs() {
    InclusionProof p = new InclusionProof(1, 4, List.of(A, B));
    differs(
        p,
        new InclusionProof(1, 4, List.of(A.clone(), B.clone())),
        new InclusionProof(2, 4, List.of(A, B)),
        new InclusionProof(1, 5, List.of(A, B)),
        new InclusionProof(1, 4, List.of(A)),
        new InclusionProof(1, 4, List.of(A, A)));
    assertThat(p.toString()).isEqualTo("InclusionProof[leaf 1 of 4, 2 hashes]");
    ConsistencyProof c = new ConsistencyProof(1, 4, List.of(A, B));
    differs(
        c,
        new ConsistencyProof(1, 4, List.of(A.clone(), B.clone())),
        new ConsistencyProof(2, 4, List.of(A, B)),
        new ConsistencyProof(1, 5, List.of(A, B)),
        new ConsistencyProof(1, 4, List.of(B, A)));
  }

  @Test
  void checkpointsAndReceipts() {
    Checkpoint cp = new Checkpoint("o", 3, A, List.of("e"));
    differs(
        cp,
        new Checkpoint("o", 3, A.clone(), List.of("e")),
        new Checkpoint("p", 3, A, List.of("e")),
        new Checkpoint("o", 4, A, List.of("e")),
        new Checkpoint("o", 3, B, List.of("e")),
        new Checkpoint("o", 3, A));
    assertThatThrownBy(() -> new Checkpoint("o\n", 3, A))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Checkpoint("o", 3, A, List.of("a\tb")))
        .isInstanceOf(IllegalArgumentException.class);
    Receipt r = new Receipt("o", 1, 4, List.of(A), "note");
    differs(
        r,
        new Receipt("o", 1, 4, List.of(A.clone()), "note"),
        new Receipt("p", 1, 4, List.of(A), "note"),
        new Receipt("o", 2, 4, List.of(A), "note"),
        new Receipt("o", 1, 5, List.of(A), "note"),
        new Receipt("o", 1, 4, List.of(B), "note"),
        new Receipt("o", 1, 4, List.of(A), "other"));
  }

  @Test
  void receiptOfRefusesMismatchedParts() throws Exception {
    NoteSigner s = NoteSigner.of("o", TlogFixtures.seedKey());
    Checkpoint cp = new Checkpoint("o", 4, A);
    SignedNote note = s.sign(cp);
    assertThatThrownBy(() -> Receipt.of(new InclusionProof(0, 5, List.of()), cp, note))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() ->
            Receipt.of(new InclusionProof(0, 4, List.of()), cp, s.sign(new Checkpoint("o", 4, B))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NoteSigner.sign("t\n", List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new NoteVerifier(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new NoteVerifier(List.of(s.noteKey())).keys()).containsExactly(s.noteKey());
  }

  @Test
  void notesAndKeys() throws Exception {
    SignedNote.Signature sig = new SignedNote.Signature("k", 7, A);
    differs(
        sig,
        new SignedNote.Signature("k", 7, A.clone()),
        new SignedNote.Signature("j", 7, A),
        new SignedNote.Signature("k", 8, A),
        new SignedNote.Signature("k", 7, B));
    assertThatThrownBy(() -> new SignedNote.Signature("k", 7, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SignedNote("no newline", List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    NoteKey k = NoteKey.parse(VectorsTest.VKEY, "v");
    NoteKey other =
        NoteSigner.of("example.com/audit-log", dev.signet.testing.FuzzKeys.ed25519()).noteKey();
    NoteKey renamed = NoteSigner.of("other", TlogFixtures.seedKey()).noteKey();
    differs(k, NoteKey.of(k.name(), k.verifyingKey().publicKey()), other, renamed);
    assertThat(k.toString()).isEqualTo("example.com/audit-log+07499b2d");
    assertThat(k.type()).isEqualTo((byte) 1);
  }

  @Test
  void accumulatorAndExports() throws Exception {
    RootAccumulator acc = new RootAccumulator();
    acc.addLeafHash(A);
    assertThat(acc.root()).isEqualTo(A);
    assertThat(acc.size()).isEqualTo(1);
    LogExport.Summary s = new LogExport.Summary(1, A);
    byte[] root = s.root();
    root[0] ^= 1;
    assertThat(s.root()).isEqualTo(A);
    assertThatThrownBy(() -> LogTree.appendAll((l, i) -> A, -1L, List.of(A)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LogTree.append((l, i) -> A, 0, new byte[3]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LogTree.root((l, i) -> new byte[3], 2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("node 1/0");
    // The sink sees every leaf and may refuse one, typed.
    assertThatThrownBy(() ->
            LogExport.read(
                new java.io.ByteArrayInputStream(
                    "a\nb\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                "e",
                (i, l) -> {
                  if (i == 1) {
                    throw new TlogException("leaf 1 is not an audit event");
                  }
                }))
        .isInstanceOf(TlogException.class);
  }
}
