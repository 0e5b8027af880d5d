package dev.signet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeygenCommandTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"EdDSA", "ES256", "ES512", "PS512"})
  void writesPrivateAndPublicJwksWithMode0600(String alg) throws Exception {
    Path priv = dir.resolve("priv.json");
    Path pub = dir.resolve("pub.json");
    Cli r =
        Cli.run(
            "keygen",
            "--alg",
            alg,
            "--key-id",
            "k1",
            "--private-jwks-file",
            priv.toString(),
            "--public-jwks-file",
            pub.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(priv)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pub)))
        .isEqualTo("rw-------");
    String pubText = Files.readString(pub);
    assertThat(pubText)
        .startsWith("{\"keys\":[{\"alg\":\"" + alg + "\"")
        .contains("\"kid\":\"k1\"", "\"use\":\"sig\"");
    assertThat(pubText).doesNotContain("\"d\"");
    assertThat(Files.readString(priv)).contains("\"d\":");
    assertThat(r.out()).contains("thumbprint").doesNotContain(Files.readString(priv).trim());
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("priv.json", "pub.json");
    }
  }

  @Test
  void defaultsToEdDsaWithBuildkiteFileNames() throws Exception {
    Path priv = dir.resolve("x-private.json");
    Cli r =
        Cli.run(
            "keygen",
            "--private-jwks-file",
            priv.toString(),
            "--public-jwks-file",
            dir.resolve("x-public.json").toString());
    assertThat(r.exitCode()).isZero();
    assertThat(Files.readString(priv)).contains("\"alg\":\"EdDSA\"", "\"crv\":\"Ed25519\"");
    assertThat(r.out()).containsPattern("Generated EdDSA key \"[a-z]+-[a-z]+-\\d{4}\"");
  }

  @Test
  void neverOverwritesAndLeavesNothingHalfWritten() throws Exception {
    Path priv = dir.resolve("p.json");
    Path pub = dir.resolve("q.json");
    Files.writeString(pub, "precious");
    Cli r =
        Cli.run(
            "keygen",
            "--key-id",
            "k",
            "--private-jwks-file",
            priv.toString(),
            "--public-jwks-file",
            pub.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.OUTPUT);
    assertThat(r.err()).contains("already exists").doesNotContain("Exception");
    assertThat(Files.readString(pub)).isEqualTo("precious");
    assertThat(priv).doesNotExist();
  }

  @Test
  void refusesHmacAndUnknownAlgorithmsWithKeyExitCode() {
    Cli r = Cli.run("keygen", "--alg", "HS256");
    assertThat(r.exitCode()).isEqualTo(ExitCode.KEY);
    assertThat(r.err()).isEqualTo("signet: --alg HS256: choose EdDSA, ES256, ES512 or PS512\n");
  }

  @Test
  void refusesKeyIdsThatWouldNeedEscaping() {
    Cli r =
        Cli.run(
            "keygen",
            "--key-id",
            "../../etc/passwd",
            "--private-jwks-file",
            dir.resolve("a").toString(),
            "--public-jwks-file",
            dir.resolve("b").toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.KEY);
    assertThat(r.err()).contains("invalid key ID");
  }

  @Test
  void usageErrorsAreOneLinePlusHint() {
    Cli r = Cli.run("keygen", "--bogus");
    assertThat(r.exitCode()).isEqualTo(ExitCode.INPUT);
    assertThat(r.err().lines()).hasSize(2);
    assertThat(r.err()).startsWith("signet: Unknown option: '--bogus'");
  }
}
