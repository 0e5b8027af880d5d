package dev.signet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
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
    } finally {
      try (Stream<Path> walk = Files.walk(kept)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
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
