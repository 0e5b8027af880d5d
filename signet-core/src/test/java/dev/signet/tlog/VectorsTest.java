package dev.signet.tlog;

import static dev.signet.tlog.TlogFixtures.D;
import static dev.signet.tlog.TlogFixtures.HEX;
import static dev.signet.tlog.TlogFixtures.ORIGIN;
import static dev.signet.tlog.TlogFixtures.hex;
import static dev.signet.tlog.TlogFixtures.hexAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.tlog.TlogFixtures.MemoryTree;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test vectors of the spec, §4.6, reproduced from stored nodes and verified. */
class VectorsTest {
  static final List<String> ROOTS =
      List.of(
          "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
          "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
          "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
          "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
          "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
          "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
          "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
          "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");

  static final String CHECKPOINT =
      """
      example.com/audit-log
      8
      XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=

      — example.com/audit-log B0mbLZLyh4863+NGjL2fjfvaQexYZxWZkzppLCjbqmguGY2Euk7E/AquVJOKG0FKm/11L34y0DGNJGXTje/dI5Y3/Q8=
      """;

  static final String VKEY =
      "example.com/audit-log+07499b2d+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4";

  final MemoryTree tree = MemoryTree.of(D);

  @Test
  void emptyTree() {
    assertThat(HEX.formatHex(Merkle.root(List.of())))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(LogTree.root(tree, 0)).isEqualTo(Merkle.emptyRoot());
    assertThat(new RootAccumulator().root()).isEqualTo(Merkle.emptyRoot());
  }

  @Test
  void rootsOneToEight() {
    RootAccumulator acc = new RootAccumulator();
    for (int n = 1; n <= 8; n++) {
      acc.addLeaf(D.get(n - 1));
      assertThat(HEX.formatHex(Merkle.root(D.subList(0, n))))
          .as("n=%d", n)
          .isEqualTo(ROOTS.get(n - 1));
      assertThat(HEX.formatHex(LogTree.root(tree, n))).isEqualTo(ROOTS.get(n - 1));
      assertThat(HEX.formatHex(acc.root())).isEqualTo(ROOTS.get(n - 1));
      assertThat(MemoryTree.of(D.subList(0, n)).size()).isEqualTo(n);
    }
    assertThat(tree.stored()).isEqualTo(15); // 8 leaves + 4 + 2 + 1: the ~2n of §4.3
  }

  @Test
  void inclusionVectors() throws TlogException {
    InclusionProof p0 = LogTree.inclusion(tree, 0, 8);
    assertThat(hexAll(p0.hashes()))
        .containsExactly(
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");
    p0.verify(Merkle.leafHash(D.get(0)), hex(ROOTS.get(7)));
    InclusionProof p5 = LogTree.inclusion(tree, 5, 8);
    assertThat(hexAll(p5.hashes()))
        .containsExactly(
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7");
    p5.verify(Merkle.leafHash(D.get(5)), hex(ROOTS.get(7)));
  }

  @Test
  void consistencyVectors() throws TlogException {
    ConsistencyProof c37 = LogTree.consistency(tree, 3, 7);
    assertThat(hexAll(c37.hashes()))
        .containsExactly(
            "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
            "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e");
    c37.verify(hex(ROOTS.get(2)), hex(ROOTS.get(6)));
    ConsistencyProof c48 = LogTree.consistency(tree, 4, 8);
    assertThat(hexAll(c48.hashes()))
        .containsExactly("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");
    c48.verify(hex(ROOTS.get(3)), hex(ROOTS.get(7)));
  }

  @Test
  void allProofsUpToEightRoundTrip() throws TlogException {
    for (int n = 1; n <= 8; n++) {
      byte[] root = LogTree.root(tree, n);
      for (int m = 0; m < n; m++) {
        LogTree.inclusion(tree, m, n).verify(Merkle.leafHash(D.get(m)), root);
      }
      for (int m = 1; m <= n; m++) {
        LogTree.consistency(tree, m, n).verify(LogTree.root(tree, m), root);
      }
    }
  }

  @Test
  void signedCheckpointIsByteExact() throws Exception {
    NoteSigner signer = NoteSigner.of(ORIGIN, TlogFixtures.seedKey());
    assertThat(signer.noteKey().keyBytesHex())
        .isEqualTo("03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8");
    assertThat(signer.noteKey().keyIdHex()).isEqualTo("07499b2d");
    assertThat(signer.noteKey().format()).isEqualTo(VKEY);
    Checkpoint cp = new Checkpoint(ORIGIN, 8, LogTree.root(tree, 8));
    assertThat(signer.sign(cp).format()).isEqualTo(CHECKPOINT);
  }

  @Test
  void checkpointVectorVerifiesWithTheVkey() throws Exception {
    NoteVerifier v = new NoteVerifier(List.of(NoteKey.parse(VKEY, "vkey")));
    Checkpoint cp = v.verifyCheckpoint(CHECKPOINT, "checkpoint");
    assertThat(cp.origin()).isEqualTo(ORIGIN);
    assertThat(cp.size()).isEqualTo(8);
    assertThat(HEX.formatHex(cp.rootHash())).isEqualTo(ROOTS.get(7));
    assertThat(cp.extensions()).isEmpty();
    assertThat(NoteKey.parse(VKEY, "vkey").format()).isEqualTo(VKEY);
  }

  @Test
  void proofBeyondTheTreeIsRefused() {
    assertThatThrownBy(() -> LogTree.inclusion(tree, 8, 8))
        .isInstanceOf(TlogException.class)
        .hasMessage("leaf index 8 is not below tree size 8");
    assertThatThrownBy(() -> LogTree.consistency(tree, 8, 7))
        .isInstanceOf(TlogException.class)
        .hasMessageContaining("smaller size");
  }
}
