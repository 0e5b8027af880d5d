package dev.signet.tlog;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.signet.input.InputException;
import dev.signet.testing.FuzzChecks;
import java.io.ByteArrayInputStream;
import java.util.List;

/**
 * Fuzzes receipt and proof-file JSON, and log exports. Properties: refusals are typed one-line
 * exceptions; what parses writes back and parses to an equal value; verifying an accepted receipt
 * against a fixed leaf and key only ever answers with a typed exception, and a receipt that
 * verifies binds exactly that leaf's index in the signed tree.
 */
class ReceiptFuzzTest {
  static final List<byte[]> LEAVES = TlogFixtures.leaves(8);
  static final NoteVerifier VERIFIER = NoteFuzzTest.VERIFIER;

  @FuzzTest
  void parseReceipt(@NotNull String json) {
    Receipt r;
    try {
      r = Receipt.parse(json, "fuzz.json");
    } catch (InputException e) {
      FuzzChecks.typed(e);
      return;
    }
    try {
      assertThat(Receipt.parse(r.toJson(), "again")).isEqualTo(r);
    } catch (InputException e) {
      throw new AssertionError("a written receipt does not parse again", e);
    }
    try {
      Checkpoint cp = r.verify(LEAVES.get(3), VERIFIER);
      // The seed corpus holds a receipt for leaf 3 of the 8 fixture leaves; anything else that
      // verifies would be a second preimage.
      assertThat(r.leafIndex()).isEqualTo(3);
      assertThat(cp.rootHash()).isEqualTo(Merkle.root(LEAVES));
    } catch (TlogException e) {
      FuzzChecks.typed(e);
    } catch (InputException e) {
      FuzzChecks.typed(e);
    }
  }

  @FuzzTest
  void parseConsistencyProof(@NotNull String json) {
    try {
      ConsistencyProof p = ConsistencyProof.parse(json, "fuzz.json");
      assertThat(ConsistencyProof.parse(p.toJson(), "again")).isEqualTo(p);
    } catch (InputException e) {
      FuzzChecks.typed(e);
    }
  }

  @FuzzTest
  void readExport(byte @NotNull [] export) {
    try {
      LogExport.Summary s = LogExport.read(new ByteArrayInputStream(export), "fuzz.jsonl");
      RootAccumulator acc = new RootAccumulator();
      int from = 0;
      for (int i = 0; i < export.length; i++) {
        if (export[i] == '\n') {
          acc.addLeaf(java.util.Arrays.copyOfRange(export, from, i));
          from = i + 1;
        }
      }
      assertThat(s.size()).isEqualTo(acc.size());
      assertThat(s.root()).isEqualTo(acc.root());
    } catch (InputException e) {
      FuzzChecks.typed(e);
    }
  }
}
