package dev.signet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.keys.CosignKeyFile;
import dev.signet.keys.KeySet;
import dev.signet.keys.PemKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code signet key import-cosign} and {@code export-cosign} end to end. */
class CosignKeyCommandsTest {
  static final Path FIXTURES = Path.of("../signet-core/src/test/resources/cosign").toAbsolutePath();

  @TempDir Path dir;

  static void password(String pw) {
    KeyPasswords.env = name -> Map.of("COSIGN_PASSWORD", pw).get(name);
  }

  @AfterEach
  void restore() {
    KeyPasswords.env = System::getenv;
  }

  private static String perms(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void importedCosignKeySignsPipelines() throws Exception {
    password("hello");
    Path jwks = dir.resolve("private.json");
    Cli r =
        Cli.run(
            "key",
            "import-cosign",
            "--key",
            FIXTURES.resolve("sigstore-n32768.key").toString(),
            "--output-jwks",
            jwks.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(perms(jwks)).isEqualTo("rw-------");
    var pub =
        PemKeys.readPublicKey(Files.readString(FIXTURES.resolve("sigstore-n32768.pub")), "pub");
    var key = KeySet.parse(Files.readString(jwks), "private.json").signingKey(null);
    assertThat(key.publicKey().getEncoded()).isEqualTo(pub.getEncoded());
    assertThat(key.keyId()).isEqualTo(PemKeys.thumbprint(pub));
    assertThat(r.out()).contains("ES256", key.keyId()).doesNotContain("\"d\"");

    Path pipeline = Fixtures.write(dir, "pipeline.yml", Fixtures.PIPELINE);
    Cli sign =
        Cli.run(
            "pipeline",
            "sign",
            pipeline.toString(),
            "--jwks-file",
            jwks.toString(),
            "--repo",
            Fixtures.REPO);
    assertThat(sign.exitCode()).as(sign.err()).isZero();
    assertThat(sign.out()).contains("signature:");
  }

  @Test
  void importWithKidAndToStdout() throws Exception {
    password("hello");
    Cli r =
        Cli.run(
            "key",
            "import-cosign",
            "--key",
            FIXTURES.resolve("cosign-n65536.key").toString(),
            "--kid",
            "release");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(KeySet.parse(r.out(), "out").signingKey("release").keyId()).isEqualTo("release");
  }

  @Test
  void wrongPasswordIsOneLineExit3WithoutThePassword() {
    password("hunter2");
    Cli r =
        Cli.run("key", "import-cosign", "--key", FIXTURES.resolve("cosign-n65536.key").toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.KEY);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).contains("cosign-n65536.key", "wrong password").doesNotContain("hunter2");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void noPasswordAndNoTerminalIsAnError() {
    KeyPasswords.env = name -> null;
    Cli r =
        Cli.run("key", "import-cosign", "--key", FIXTURES.resolve("cosign-n65536.key").toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.KEY);
    assertThat(r.err()).contains("SIGNET_KEY_PASSWORD", "COSIGN_PASSWORD");
  }

  @Test
  void truncatedAndMislabelledFilesAreOneLineErrors() throws Exception {
    password("hello");
    String full = Files.readString(FIXTURES.resolve("cosign-n65536.key"));
    Path cut = Fixtures.write(dir, "cut.key", full.substring(0, full.length() - 60));
    Cli r = Cli.run("key", "import-cosign", "--key", cut.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.KEY);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).contains("cut.key");
    Path other = Fixtures.write(dir, "other.key", full.replace("COSIGN", "OTHER"));
    Cli o = Cli.run("key", "import-cosign", "--key", other.toString());
    assertThat(o.exitCode()).isEqualTo(ExitCode.KEY);
    assertThat(o.err()).contains("other.key", "OTHER");
  }

  @Test
  void exportWritesKeyAndPubWithCosignsModesAndRefusesToOverwrite() throws Exception {
    Fixtures.Keys keys = Fixtures.keygen(dir, "exp-1", "ES256");
    password("s3cret");
    String prefix = dir.resolve("release").toString();
    Cli r =
        Cli.run(
            "key",
            "export-cosign",
            "--jwks-file",
            keys.privateJwks().toString(),
            "--output-key-prefix",
            prefix);
    assertThat(r.exitCode()).as(r.err()).isZero();
    Path priv = Path.of(prefix + ".key");
    Path pub = Path.of(prefix + ".pub");
    assertThat(perms(priv)).isEqualTo("rw-------");
    assertThat(perms(pub)).isEqualTo("rw-r--r--");
    assertThat(Files.readString(priv)).startsWith("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----");
    var decrypted =
        CosignKeyFile.decrypt(Files.readString(priv), "s3cret".toCharArray(), "k", null);
    assertThat(PemKeys.readPublicKey(Files.readString(pub), "pub"))
        .isEqualTo(decrypted.publicKey());
    assertThat(r.out()).doesNotContain("s3cret");

    String before = Files.readString(priv);
    Cli again =
        Cli.run(
            "key",
            "export-cosign",
            "--jwks-file",
            keys.privateJwks().toString(),
            "--output-key-prefix",
            prefix);
    assertThat(again.exitCode()).isEqualTo(ExitCode.OUTPUT);
    assertThat(again.err()).contains("already exists", "--force");
    assertThat(Files.readString(priv)).isEqualTo(before);

    Cli forced =
        Cli.run(
            "key",
            "export-cosign",
            "--jwks-file",
            keys.privateJwks().toString(),
            "--output-key-prefix",
            prefix,
            "--force");
    assertThat(forced.exitCode()).as(forced.err()).isZero();
    assertThat(Files.readString(priv)).isNotEqualTo(before);
    assertThat(perms(priv)).isEqualTo("rw-------");
  }

  @Test
  void exportOfAPublicJwksIsRefused() throws Exception {
    Fixtures.Keys keys = Fixtures.keygen(dir, "exp-2", "EdDSA");
    password("x");
    Cli r =
        Cli.run(
            "key",
            "export-cosign",
            "--jwks-file",
            keys.publicJwks().toString(),
            "--output-key-prefix",
            dir.resolve("p").toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.KEY);
    assertThat(r.err()).contains("public key");
    assertThat(Files.exists(dir.resolve("p.key"))).isFalse();
  }
}
