package dev.signet.tlog;

import static dev.signet.tlog.TlogFixtures.ORIGIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.tlog.TlogFixtures.MemoryTree;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Receipts, consistency-proof files and log exports: JSON forms, limits, refusals. */
class ReceiptTest {
  final List<byte[]> leaves = TlogFixtures.leaves(11);
  final MemoryTree tree = MemoryTree.of(leaves);

  Receipt receipt(int index, int size) throws Exception {
    NoteSigner signer = NoteSigner.of(ORIGIN, TlogFixtures.seedKey());
    Checkpoint cp = new Checkpoint(ORIGIN, size, LogTree.root(tree, size));
    return Receipt.of(LogTree.inclusion(tree, index, size), cp, signer.sign(cp));
  }

  @Test
  void receiptJsonRoundTripsAndVerifies() throws Exception {
    Receipt r = receipt(6, 11);
    String json = r.toJson();
    assertThat(json)
        .startsWith(
            "{\"origin\":\"example.com/audit-log\",\"leafIndex\":6,\"treeSize\":11,\"inclusionProof\":[\"");
    Receipt back = Receipt.parse(json, "r.json");
    assertThat(back).isEqualTo(r).hasSameHashCodeAs(r);
    assertThat(back.toString()).isEqualTo("Receipt[example.com/audit-log leaf 6]");
    NoteVerifier v = new NoteVerifier(List.of(NoteKey.parse(VectorsTest.VKEY, "vkey")));
    assertThat(back.verify(leaves.get(6), v).size()).isEqualTo(11);
  }

  @Test
  void receiptJsonIsStrict() {
    refused("[]", "expected a JSON object");
    refused("{\"origin\":\"o\"}", "missing");
    refused(
        "{\"origin\":\"o\",\"leafIndex\":0,\"treeSize\":1,\"inclusionProof\":[],\"checkpoint\":\"c\",\"x\":1}",
        "unknown member \"x\"");
    refused(
        "{\"origin\":1,\"leafIndex\":0,\"treeSize\":1,\"inclusionProof\":[],\"checkpoint\":\"c\"}",
        "expected a string");
    refused(
        "{\"origin\":\"o\",\"leafIndex\":-1,\"treeSize\":1,\"inclusionProof\":[],\"checkpoint\":\"c\"}",
        "2^63 - 1");
    refused(
        "{\"origin\":\"o\",\"leafIndex\":9223372036854775808,\"treeSize\":1,\"inclusionProof\":[],\"checkpoint\":\"c\"}",
        "2^63 - 1");
    refused(
        "{\"origin\":\"o\",\"leafIndex\":0,\"treeSize\":1,\"inclusionProof\":{},\"checkpoint\":\"c\"}",
        "array");
    refused(
        "{\"origin\":\"o\",\"leafIndex\":0,\"treeSize\":1,\"inclusionProof\":[1],\"checkpoint\":\"c\"}",
        "base64 string");
    refused(
        "{\"origin\":\"o\",\"leafIndex\":0,\"treeSize\":1,\"inclusionProof\":[\"AAAA\"],\"checkpoint\":\"c\"}",
        "32 bytes");
    String many = "\"" + java.util.Base64.getEncoder().encodeToString(new byte[32]) + "\",";
    refused(
        "{\"origin\":\"o\",\"leafIndex\":0,\"treeSize\":1,\"inclusionProof\":["
            + many.repeat(InputLimits.MAX_PROOF_HASHES)
            + many.substring(0, many.length() - 1)
            + "],\"checkpoint\":\"c\"}",
        "more than 65 hashes");
    refused(" ".repeat(InputLimits.MAX_RECEIPT_BYTES + 1), "larger than");
  }

  @Test
  void consistencyProofFilesRoundTrip() throws Exception {
    ConsistencyProof p = LogTree.consistency(tree, 5, 11);
    String json = p.toJson();
    assertThat(json).startsWith("{\"from\":5,\"to\":11,\"hashes\":[");
    ConsistencyProof back = ConsistencyProof.parse(json, "p.json");
    assertThat(back).isEqualTo(p).hasSameHashCodeAs(p);
    assertThat(back.toString())
        .isEqualTo("ConsistencyProof[5 → 11, " + p.hashes().size() + " hashes]");
    back.verify(LogTree.root(tree, 5), LogTree.root(tree, 11));
    assertThat(
            ConsistencyProof.parse(
                    "{\"from\":9223372036854775807,\"to\":9223372036854775807,\"hashes\":[]}", "p")
                .fromSize())
        .isEqualTo(Long.MAX_VALUE);
    assertThatThrownBy(() -> ConsistencyProof.parse("{\"from\":1}", "p.json"))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("p.json");
  }

  @Test
  void exportsRehashTheWholeLog() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] l : leaves) {
      out.write(LogExport.line(l));
    }
    List<Long> seen = new ArrayList<>();
    LogExport.Summary s =
        LogExport.read(
            new ByteArrayInputStream(out.toByteArray()), "log.jsonl", (i, l) -> seen.add(i));
    assertThat(s.size()).isEqualTo(11);
    assertThat(s.root()).isEqualTo(LogTree.root(tree, 11));
    assertThat(seen).hasSize(11).startsWith(0L, 1L);
    assertThat(LogExport.read(new ByteArrayInputStream(new byte[0]), "e").root())
        .isEqualTo(Merkle.emptyRoot());
  }

  @Test
  void exportsAreStrict() {
    assertThatThrownBy(() -> LogExport.line("a\nb".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(TlogException.class)
        .hasMessageContaining("newline");
    assertThatThrownBy(() -> LogExport.line(new byte[0])).isInstanceOf(TlogException.class);
    assertThatThrownBy(() -> LogExport.line(new byte[InputLimits.MAX_LOG_LEAF_BYTES + 1]))
        .isInstanceOf(TlogException.class);
    exportRefused("{}\n{}", "line 2: the last line has no newline");
    exportRefused("{}\n\n{}\n", "line 2: an empty line is no leaf");
    exportRefused(
        "x".repeat(InputLimits.MAX_LOG_LEAF_BYTES + 1) + "\n", "line 1: a leaf is longer");
    exportRefused("{}\n" + "x".repeat(200_000), "line 2: a leaf is longer");
  }

  static void refused(String json, String why) {
    assertThatThrownBy(() -> Receipt.parse(json, "r.json"))
        .isInstanceOf(InputException.class)
        .hasMessageContaining(why);
  }

  static void exportRefused(String text, String why) {
    assertThatThrownBy(() ->
            LogExport.read(
                new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "log.jsonl"))
        .isInstanceOf(InputException.class)
        .hasMessageContaining(why);
  }
}
