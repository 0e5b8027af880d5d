package dev.signet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.keys.PemKeys;
import dev.signet.keys.SigningKey;
import dev.signet.tlog.Checkpoint;
import dev.signet.tlog.LogExport;
import dev.signet.tlog.LogTree;
import dev.signet.tlog.Merkle;
import dev.signet.tlog.NoteSigner;
import dev.signet.tlog.Receipt;
import dev.signet.tlog.SignedNote;
import dev.signet.tlog.TreeNode;
import dev.signet.tlog.TreeReader;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code signet audit verify} end to end, over a log built with the core primitives. */
class AuditCommandTest {
  static final String ORIGIN = "signet.example/audit/test";

  // Test keys only (the core fuzz-test keys); never trust them anywhere.
  static final String ED25519_PEM =
      """
      -----BEGIN PRIVATE KEY-----
      MC4CAQAwBQYDK2VwBCIEIG5lj6Ev3aHXMRaHDfRjR16DioNa2PsfD6GHjGE4FnR1
      -----END PRIVATE KEY-----
      """;
  static final String P256_PEM =
      """
      -----BEGIN PRIVATE KEY-----
      MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgYpSbkgddViFbQ8lB
      Iz5jJ6CF+tuw512zMFzdDsdl5vyhRANCAASdTkxEqNJxsGanYdp5ZgogEmvV16k5
      fNp/Nl4k64vRWH3gu+KxPxfU989eWlaGKeiHCcRk+mU5iw3vNAgmSUBl
      -----END PRIVATE KEY-----
      """;

  @TempDir Path dir;

  /** A log as the server keeps it: leaves, and complete subtree hashes by (level, index). */
  static final class Log implements TreeReader {
    final List<byte[]> leaves = new ArrayList<>();
    final Map<String, byte[]> nodes = new HashMap<>();

    void add(String leaf) {
      byte[] b = leaf.getBytes(StandardCharsets.UTF_8);
      for (TreeNode n : LogTree.append(this, leaves.size(), Merkle.leafHash(b))) {
        nodes.put(n.level() + "/" + n.index(), n.hash());
      }
      leaves.add(b);
    }

    @Override
    public byte[] node(int level, long index) {
      return nodes.get(level + "/" + index);
    }
  }

  Log log;
  NoteSigner signer;
  String vkey;

  @BeforeEach
  void setUp() throws Exception {
    SigningKey key = PemKeys.readPrivateKey(ED25519_PEM, "k.pem", null);
    signer = NoteSigner.of(ORIGIN, key);
    vkey = signer.noteKey().format();
    log = new Log();
    for (int i = 0; i < 13; i++) {
      log.add("{\"i\":" + i + ",\"type\":\"SIGNED\"}");
    }
  }

  Path checkpoint(String name, long size) throws Exception {
    Checkpoint cp = new Checkpoint(ORIGIN, size, LogTree.root(log, size));
    return write(name, signer.sign(cp).format());
  }

  Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  Path export(List<byte[]> leaves) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] l : leaves) {
      out.write(LogExport.line(l));
    }
    return Files.write(dir.resolve("log.jsonl"), out.toByteArray());
  }

  Path receipt(int index, long size) throws Exception {
    Checkpoint cp = new Checkpoint(ORIGIN, size, LogTree.root(log, size));
    SignedNote note = signer.sign(cp);
    Receipt r = Receipt.of(LogTree.inclusion(log, index, size), cp, note);
    return write("receipt.json", r.toJson());
  }

  Path proof(long from, long to) throws Exception {
    return write("proof-" + from + "-" + to + ".json", LogTree.consistency(log, from, to).toJson());
  }

  Cli verify(String... args) {
    List<String> all = new ArrayList<>(List.of("audit", "verify", "--log-key", vkey));
    all.addAll(List.of(args));
    return Cli.run(all.toArray(String[]::new));
  }

  @Test
  void checkpointAndFullExportVerify() throws Exception {
    Path cp = checkpoint("cp", 13);
    Cli r = verify("--checkpoint", cp.toString(), "--entries", export(log.leaves).toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out().lines())
        .singleElement()
        .asString()
        .startsWith("Verified checkpoint " + ORIGIN + " size 13 root ")
        .endsWith("; 13 entries recomputed");
  }

  @Test
  void aTamperedExportIsRefused() throws Exception {
    Path cp = checkpoint("cp", 13);
    List<byte[]> leaves = new ArrayList<>(log.leaves);
    leaves.set(5, "{\"i\":5,\"type\":\"DENIED\"}".getBytes(StandardCharsets.UTF_8));
    Cli r = verify("--checkpoint", cp.toString(), "--entries", export(leaves).toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.errLines())
        .singleElement()
        .asString()
        .contains("does not hash to the checkpoint's root");
    Cli shorter =
        verify(
            "--checkpoint",
            cp.toString(),
            "--entries",
            export(log.leaves.subList(0, 12)).toString());
    assertThat(shorter.exitCode()).isEqualTo(1);
    assertThat(shorter.err()).contains("holds 12 entries but the checkpoint's size is 13");
  }

  @Test
  void receiptBindsTheEntryToItsCheckpointAndANewerOne() throws Exception {
    Path entry = Files.write(dir.resolve("entry.json"), log.leaves.get(6));
    Path receipt = receipt(6, 9);
    Cli same =
        verify(
            "--checkpoint",
            checkpoint("cp9", 9).toString(),
            "--receipt",
            receipt.toString(),
            "--entry",
            entry.toString());
    assertThat(same.exitCode()).as(same.err()).isZero();
    assertThat(same.out()).contains("entry " + entry + " is leaf 6");

    Path newer = checkpoint("cp13", 13);
    Cli noProof =
        verify(
            "--checkpoint",
            newer.toString(),
            "--receipt",
            receipt.toString(),
            "--entry",
            entry.toString());
    assertThat(noProof.exitCode()).isEqualTo(2);
    assertThat(noProof.err()).contains("needs a --consistency-proof from size 9 to 13");

    Cli withProof =
        verify(
            "--checkpoint", newer.toString(),
            "--receipt", receipt.toString(),
            "--entry", entry.toString(),
            "--consistency-proof", proof(3, 13).toString(),
            "--consistency-proof", proof(9, 13).toString());
    assertThat(withProof.exitCode()).as(withProof.err()).isZero();

    Path other = Files.write(dir.resolve("other.json"), log.leaves.get(7));
    Cli wrongEntry =
        verify(
            "--checkpoint",
            checkpoint("cp9", 9).toString(),
            "--receipt",
            receipt.toString(),
            "--entry",
            other.toString());
    assertThat(wrongEntry.exitCode()).isEqualTo(1);
    assertThat(wrongEntry.errLines())
        .singleElement()
        .asString()
        .contains("does not lead to the root");
  }

  @Test
  void previousCheckpointNeedsAConsistencyProofAndForksAreRefused() throws Exception {
    Path old = checkpoint("cp5", 5);
    Path cur = checkpoint("cp13", 13);
    Cli ok =
        verify(
            "--checkpoint",
            cur.toString(),
            "--previous-checkpoint",
            old.toString(),
            "--consistency-proof",
            proof(5, 13).toString());
    assertThat(ok.exitCode()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("consistent with size 5");

    // A fork: the same log key signs a size-13 tree whose leaf 2 differs.
    Log forked = new Log();
    for (int i = 0; i < 13; i++) {
      forked.add(
          i == 2
              ? "{\"i\":2,\"type\":\"FORKED\"}"
              : new String(log.leaves.get(i), StandardCharsets.UTF_8));
    }
    Path forkCp =
        write("fork", signer.sign(new Checkpoint(ORIGIN, 13, LogTree.root(forked, 13))).format());
    Path forkProof = write("fork-proof.json", LogTree.consistency(forked, 5, 13).toJson());
    Cli fork =
        verify(
            "--checkpoint",
            forkCp.toString(),
            "--previous-checkpoint",
            old.toString(),
            "--consistency-proof",
            forkProof.toString());
    assertThat(fork.exitCode()).isEqualTo(1);
    assertThat(fork.errLines()).singleElement().asString().contains("consistency proof 5 → 13");
    Cli sameSize =
        verify("--checkpoint", forkCp.toString(), "--previous-checkpoint", cur.toString());
    assertThat(sameSize.exitCode()).isEqualTo(1);
    assertThat(sameSize.err()).contains("the log forked");
  }

  @Test
  void untrustedOrMalformedInputs() throws Exception {
    Path cp = checkpoint("cp", 13);
    SigningKey stranger = PemKeys.readPrivateKey(P256_PEM, "p.pem", null);
    Path vkeyFile =
        write(
            "log.vkey", "# the log\n" + NoteSigner.of(ORIGIN, stranger).noteKey().format() + "\n");
    Cli untrusted =
        Cli.run("audit", "verify", "--log-key", vkeyFile.toString(), "--checkpoint", cp.toString());
    assertThat(untrusted.exitCode()).isEqualTo(1);
    assertThat(untrusted.errLines())
        .singleElement()
        .asString()
        .contains("no trusted log key signed");

    Path both =
        write("both.vkey", vkey + "\n" + NoteSigner.of(ORIGIN, stranger).noteKey().format() + "\n");
    assertThat(
            Cli.run("audit", "verify", "--log-key", both.toString(), "--checkpoint", cp.toString())
                .exitCode())
        .isZero();

    Path broken = write("broken", Files.readString(cp).replace("\n13\n", "\n013\n"));
    Cli malformed = verify("--checkpoint", broken.toString());
    assertThat(malformed.exitCode()).isEqualTo(1); // the signature fails before the body is read
    Path garbage = write("garbage", "not a note");
    Cli bad = verify("--checkpoint", garbage.toString());
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.errLines()).singleElement().asString().contains(garbage.toString());
    Cli missing = verify("--checkpoint", dir.resolve("nope").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("no such file");
    Cli badKey =
        Cli.run("audit", "verify", "--log-key", "x+00000000+AQ==", "--checkpoint", cp.toString());
    assertThat(badKey.exitCode()).isEqualTo(2);
    Cli half = verify("--checkpoint", cp.toString(), "--receipt", cp.toString());
    assertThat(half.exitCode()).isEqualTo(2);
    assertThat(half.err()).contains("--receipt and --entry go together");
    Cli noSub = Cli.run("audit");
    assertThat(noSub.exitCode()).isEqualTo(2);
    Path badProof = write("bad-proof.json", "{\"from\":5}");
    Cli badProofRun =
        verify(
            "--checkpoint",
            cp.toString(),
            "--previous-checkpoint",
            checkpoint("cp5", 5).toString(),
            "--consistency-proof",
            badProof.toString());
    assertThat(badProofRun.exitCode()).isEqualTo(2);
    assertThat(badProofRun.err()).contains("bad-proof.json");
  }
}
