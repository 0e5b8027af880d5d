package dev.signet.cli;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key on a real SoftHSM2 token, through the CLI's key references: {@code key public} exports it,
 * {@code artifact sign} and {@code pipeline sign} use it (only digests reach the token), and
 * openssl and Signet verify with the exported public key. A wrong PIN is a one-line key error that
 * does not show the PIN.
 */
class Pkcs11CliTest {
  private static final Path MODULE = Path.of("/usr/lib/softhsm/libsofthsm2.so");
  private static final String PIN = "4711-pin";
  private static String ref;

  @BeforeAll
  static void token(@TempDir Path dir) throws Throwable {
    if (!Files.isRegularFile(MODULE)) {
      fail("SoftHSM2 and OpenSC are needed: apt-get install -y softhsm2 opensc");
    }
    Files.createDirectory(dir.resolve("tokens"));
    Path conf = dir.resolve("softhsm2.conf");
    Files.writeString(
        conf,
        "directories.tokendir = "
            + dir.resolve("tokens")
            + "\nobjectstore.backend = file\nlog.level = ERROR\n");
    setenv("SOFTHSM2_CONF", conf.toString());
    run(
        conf,
        "softhsm2-util",
        "--init-token",
        "--free",
        "--label",
        "cli",
        "--so-pin",
        "so-12345678",
        "--pin",
        PIN);
    run(
        conf,
        "pkcs11-tool",
        "--module",
        MODULE.toString(),
        "--token-label",
        "cli",
        "--login",
        "--pin",
        PIN,
        "--keypairgen",
        "--key-type",
        "EC:prime256v1",
        "--label",
        "release",
        "--id",
        "01");
    ref = "pkcs11:token=cli;object=release?module-path=" + MODULE + "&pin-value=" + PIN;
  }

  private static void run(Path conf, String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("SOFTHSM2_CONF", conf.toString());
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s: %s", List.of(cmd), out).isZero();
  }

  /** SoftHSM reads SOFTHSM2_CONF at C_Initialize, in this process: set it through libc. */
  @SuppressWarnings("restricted")
  private static void setenv(String name, String value) throws Throwable {
    Linker linker = Linker.nativeLinker();
    MethodHandle setenv =
        linker.downcallHandle(
            linker.defaultLookup().find("setenv").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    try (Arena a = Arena.ofConfined()) {
      assertThat((int) setenv.invokeExact(a.allocateFrom(name), a.allocateFrom(value), 1)).isZero();
    }
  }

  @Test
  void aTokenKeySignsArtifactsAndPipelinesThatVerifyWithItsExportedPublicKey(@TempDir Path dir)
      throws Exception {
    Path pub = dir.resolve("hsm.pub");
    Cli k = Cli.run("key", "public", ref, "--format", "pem", "--output", pub.toString());
    assertThat(k.exitCode()).as(k.err()).isZero();

    Path art = Fixtures.write(dir, "firmware.bin", "firmware image ".repeat(10_000));
    Path bundle = dir.resolve("firmware.bin.sigstore.json");
    Path sig = dir.resolve("firmware.bin.sig");
    Cli s =
        Cli.run(
            "artifact",
            "sign",
            art.toString(),
            "--key",
            ref,
            "--digest-only",
            "--bundle",
            bundle.toString(),
            "--output-signature",
            sig.toString());
    assertThat(s.exitCode()).as(s.err()).isZero();
    assertThat(s.err()).contains("with pkcs11:token=cli;object=release").doesNotContain(PIN);
    Files.write(dir.resolve("sig.der"), Base64.getDecoder().decode(Files.readString(sig)));
    Tools.Result os =
        Tools.openssl(
            dir,
            "dgst",
            "-sha256",
            "-verify",
            pub.toString(),
            "-signature",
            "sig.der",
            art.toString());
    assertThat(os.exit()).as(os.stdout() + os.stderr()).isZero();
    Cli v =
        Cli.run(
            "artifact",
            "verify",
            art.toString(),
            "--key",
            pub.toString(),
            "--bundle",
            bundle.toString());
    assertThat(v.exitCode()).as(v.err()).isZero();
    assertThat(
            Cli.run(
                    "artifact",
                    "verify",
                    art.toString(),
                    "--key",
                    ref,
                    "--bundle",
                    bundle.toString())
                .exitCode())
        .isZero();

    Path in = Fixtures.write(dir, "pipeline.yml", Fixtures.PIPELINE);
    Path signed = dir.resolve("signed.yml");
    Cli p =
        Cli.run(
            "pipeline",
            "sign",
            in.toString(),
            "--signing-key",
            ref,
            "--repo",
            Fixtures.REPO,
            "--output",
            signed.toString());
    assertThat(p.exitCode()).as(p.err()).isZero();
    for (Path job : Fixtures.jobs(dir, signed)) {
      assertThat(
              Cli.run("job", "verify", job.toString(), "--verification-key", pub.toString())
                  .exitCode())
          .isZero();
    }
  }

  @Test
  void aTokenKeyAttestsAndTheAttestationVerifiesWithItsPublicKey(@TempDir Path dir)
      throws Exception {
    Path art = Files.writeString(dir.resolve("app.bin"), "built on the token host");
    Path pub = dir.resolve("token.pub");
    assertThat(
            Cli.run("key", "public", ref, "--format", "pem", "--output", pub.toString()).exitCode())
        .isZero();
    Path envelope = dir.resolve("app.intoto.json");
    Cli a =
        Cli.run(
            "attest", "--subject", art.toString(), "--key", ref, "--output", envelope.toString());
    assertThat(a.exitCode()).as(a.err()).isZero();
    assertThat(a.err()).doesNotContain(PIN);
    Cli v =
        Cli.run(
            "attest",
            "verify",
            envelope.toString(),
            "--key",
            pub.toString(),
            "--subject",
            art.toString());
    assertThat(v.exitCode()).as(v.err()).isZero();
    Files.writeString(art, "changed after attesting");
    assertThat(
            Cli.run(
                    "attest",
                    "verify",
                    envelope.toString(),
                    "--key",
                    pub.toString(),
                    "--subject",
                    art.toString())
                .exitCode())
        .isEqualTo(ExitCode.REFUSED);
  }

  @Test
  void wrongPinAndMissingKeyAreOneLineKeyErrors(@TempDir Path dir) {
    Path art = Fixtures.write(dir, "a", "a");
    List<String[]> cases = new ArrayList<>();
    cases.add(new String[] {ref.replace(PIN, "0000-wrong"), "0000-wrong"});
    cases.add(new String[] {ref.replace("object=release", "object=absent"), PIN});
    for (String[] c : cases) {
      Cli r = Cli.run("artifact", "sign", art.toString(), "--key", c[0]);
      assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.KEY);
      assertThat(r.errLines()).hasSize(1);
      assertThat(r.err()).doesNotContain(c[1]);
      Fixtures.assertNoStackTrace(r.err());
    }
  }
}
