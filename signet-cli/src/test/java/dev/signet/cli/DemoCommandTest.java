package dev.signet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class DemoCommandTest {
  @Test
  void runsTheWholeFlowAndRefusesEveryTamperedJob() throws Exception {
    Cli r = Cli.run("demo", "--keep");
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out())
        .containsPattern(
            "All \\d+ genuine jobs ran; all 11 tampered jobs were refused before running\\.")
        .doesNotContain("NOT REFUSED", "FAILED", "Something was not as expected");
    String last = r.out().strip().lines().reduce((a, b) -> b).orElseThrow();
    Path kept = Path.of(last.replace("Files kept in ", ""));
    try {
      assertThat(kept.resolve("pipeline.signed.yml")).exists();
      Path priv = kept.resolve("EdDSA-demo-key-private.json");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(priv)))
          .isEqualTo("rw-------");
      // The private key is on disk, never on the screen.
      String d =
          Fixtures.get(Files.readString(priv).replace("{\"keys\":[", "").replace("]}", ""), "d");
      assertThat(r.out()).doesNotContain(d);

      assertServicePart(r.out(), kept);
    } finally {
      try (Stream<Path> walk = Files.walk(kept)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  /**
   * The signing-service part (issue 4 §7): what it printed, checked against the files it kept and
   * against the real CLI run on them afterwards.
   */
  private static void assertServicePart(String out, Path kept) throws Exception {
    Path service = kept.resolve("service");
    // signed through the service, and the agent side verifies every job with the published JWKS
    assertThat(out)
        .contains("8. Ask again with a token for branch feature/x")
        .containsPattern("signet://127\\.0\\.0\\.1:\\d+/widgets/pipelines signed 4 steps")
        .contains("decision: allow by rule \"main-only\"")
        .containsPattern("receipt: leaf \\d+ of \\d+, inclusion proof of \\d+ hash")
        .contains("✅ 7 of 7 jobs of the service-signed pipeline verified");
    Path signed = service.resolve("pipeline.signed.yml");
    Cli verify =
        Cli.run(
            "pipeline",
            "verify",
            "--jwks-file",
            service.resolve("jwks.json").toString(),
            "--repo",
            DemoCommand.REPO,
            signed.toString());
    assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
    assertThat(verify.out()).contains("4 verified, 0 unsigned, 0 invalid");

    // the other branch: one line naming the failing condition, nothing written, and logged
    assertThat(out)
        .containsPattern(
            "⛔ signet: signet://127\\.0\\.0\\.1:\\d+/widgets/pipelines: HTTP 403 denied: rule"
                + " \"main-only\": claim build_branch \"feature/x\" does not match \"main\"")
        .containsPattern(
            "the refusal is itself leaf (\\d+) of the audit log: DENIED, decision deny");
    // Leaf numbers depend on what else the service logs (session issue and revocation entries),
    // so the test reads them from the output and checks they agree with each other.
    Matcher receipt = Pattern.compile("receipt: leaf (\\d+) of (\\d+)").matcher(out);
    assertThat(receipt.find()).isTrue();
    String signedLeaf = receipt.group(1);
    Matcher refusal = Pattern.compile("refusal is itself leaf (\\d+)").matcher(out);
    assertThat(refusal.find()).isTrue();
    assertThat(Long.parseLong(refusal.group(1))).isGreaterThan(Long.parseLong(signedLeaf));
    assertThat(service.resolve("pipeline.feature.yml")).doesNotExist();

    // offline: the receipt and the whole log verify; one changed byte is refused, both ways
    assertThat(out)
        .contains("$ signet audit verify --log-key service/audit/log.vkey")
        .containsPattern(
            "✅ Verified checkpoint signet-demo/audit size (\\d+) root [0-9a-f]{64}; \\1 entries"
                + " recomputed; entry service/pipeline.signed.yml.audit-entry.json is leaf "
                + signedLeaf)
        .contains(
            "⛔ signet: refused: service/audit/log.tampered.jsonl does not hash to the"
                + " checkpoint's root")
        .contains(
            "⛔ signet: refused: inclusion proof of leaf "
                + signedLeaf
                + " does not lead to the root")
        .contains(
            "The service signed for branch main, denied feature/x and logged it; the receipt"
                + " verified offline and a changed byte was refused.");
    Cli audit =
        Cli.run(
            "audit",
            "verify",
            "--log-key",
            service.resolve("audit/log.vkey").toString(),
            "--checkpoint",
            service.resolve("audit/checkpoint").toString(),
            "--entries",
            service.resolve("audit/log.jsonl").toString());
    assertThat(audit.exitCode()).as(audit.err()).isZero();
    String leaf = Files.readString(service.resolve("pipeline.signed.yml.audit-entry.json"));
    assertThat(leaf).contains("\"type\":\"SIGNED\"").contains("\"build_branch\":\"main\"");

    // secrets stay on disk: the ID tokens and the admin token are never printed
    for (String token : List.of("token-main.jwt", "token-feature.jwt")) {
      Path file = service.resolve(token);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
      assertThat(out).doesNotContain(Files.readString(file).strip());
    }
    assertThat(out).doesNotContain("signet_admin_");

    // stopped: neither the server nor the issuer listens any more
    for (String url : List.of("https://127.0.0.1:", " at http://127.0.0.1:")) {
      Matcher m = Pattern.compile(url + "(\\d+)").matcher(out);
      assertThat(m.find()).as(url).isTrue();
      int port = Integer.parseInt(m.group(1));
      try (Socket s = new Socket()) {
        assertThatThrownBy(() -> s.connect(new InetSocketAddress("127.0.0.1", port), 2000))
            .as("port %d is closed", port)
            .isInstanceOf(IOException.class);
      }
    }
  }

  @Test
  void noServiceSkipsTheSigningService() {
    Cli r = Cli.run("demo", "--no-service");
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .contains("All 7 genuine jobs ran")
        .doesNotContain("signing service", "service:", "https://");
  }

  @Test
  void removesItsTemporaryDirectoryWithoutKeep() throws Exception {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    long before;
    try (Stream<Path> s = Files.list(tmp)) {
      before = s.filter(p -> p.getFileName().toString().startsWith("signet-demo-")).count();
    }
    Cli r = Cli.run("demo");
    assertThat(r.exitCode()).as(r.out()).isZero();
    assertThat(r.out()).doesNotContain("Files kept in");
    try (Stream<Path> s = Files.list(tmp)) {
      assertThat(s.filter(p -> p.getFileName().toString().startsWith("signet-demo-")).count())
          .isEqualTo(before);
    }
  }
}
