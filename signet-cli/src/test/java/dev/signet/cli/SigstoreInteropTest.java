package dev.signet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Signet's Sigstore bundles against sigstore-js ({@code @sigstore/verify} and {@code
 * @sigstore/bundle}, pinned in {@code interop/package-lock.json}), offline with the public key and
 * an empty trust root (spec Appendix B, {@code interop/sigstore-verify.cjs}): it accepts our
 * bundles and refuses them for a changed artifact, a changed signature and another key.
 *
 * <p>ECDSA only: sigstore-js verifies an RSA key's message signature with PKCS#1 v1.5 padding
 * (cosign's default for RSA), so Signet's RSA-PSS bundles need a PSS-aware verifier (openssl, in
 * {@link ArtifactCommandTest}). A missing node or npm is a failure, never a skip.
 */
class SigstoreInteropTest {
  private static Path interop;

  @BeforeAll
  static void install() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("interop/package.json"))) {
        interop = d.resolve("interop");
        break;
      }
    }
    if (interop == null) {
      fail("interop/package.json not found above %s", Path.of("").toAbsolutePath());
    }
    if (!Files.isRegularFile(interop.resolve("node_modules/@sigstore/verify/package.json"))) {
      Tools.Result ci =
          Tools.run(interop, List.of(env("SIGNET_NPM", "npm"), "ci", "--no-audit", "--no-fund"));
      assertThat(ci.exit())
          .as("npm ci in %s: %s; run `npm ci --prefix interop`", interop, ci.stderr())
          .isZero();
    }
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  private static Tools.Result sigstoreVerify(Path bundle, Path artifact, Path pub) {
    return Tools.run(
        interop,
        List.of(
            env("SIGNET_NODE", "node"),
            "sigstore-verify.cjs",
            bundle.toString(),
            pub.toString(),
            artifact.toString()));
  }

  private static Path key(Path dir, String name, String curve) {
    Path k = dir.resolve(name);
    Tools.Result r =
        Tools.openssl(
            dir,
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:" + curve,
            "-out",
            k.toString());
    assertThat(r.exit()).as(r.stderr()).isZero();
    return k;
  }

  @ParameterizedTest
  @ValueSource(strings = {"P-256", "P-384", "P-521"})
  void sigstoreJsVerifiesSignetBundlesAndRefusesTamperedOnes(String curve, @TempDir Path dir)
      throws Exception {
    Path k = key(dir, "k.pem", curve);
    Path pub = dir.resolve("k.pub");
    assertThat(
            Cli.run("key", "public", k.toString(), "--format", "pem", "--output", pub.toString())
                .exitCode())
        .isZero();
    Path art = Fixtures.write(dir, "app.tar.gz", "a release artifact ".repeat(500));
    Path bundle = dir.resolve("app.tar.gz.sigstore.json");
    Cli s =
        Cli.run(
            "artifact",
            "sign",
            art.toString(),
            "--key",
            k.toString(),
            "--bundle",
            bundle.toString());
    assertThat(s.exitCode()).as(s.err()).isZero();

    Tools.Result ok = sigstoreVerify(bundle, art, pub);
    assertThat(ok.exit()).as("sigstore-js: %s", ok.stderr()).isZero();

    Path changed =
        Fixtures.write(
            dir, "changed.tar.gz", "a release artifact ".repeat(499) + "a release artifacT ");
    Tools.Result r1 = sigstoreVerify(bundle, changed, pub);
    assertThat(r1.exit()).as(r1.stderr()).isEqualTo(1);

    String json = Files.readString(bundle);
    String sig = json.replaceAll("(?s).*\"signature\":\"([^\"]+)\".*", "$1");
    byte[] raw = Base64.getDecoder().decode(sig);
    raw[raw.length - 3] ^= 0x01;
    Path badSig =
        Fixtures.write(
            dir, "bad-sig.json", json.replace(sig, Base64.getEncoder().encodeToString(raw)));
    Tools.Result r2 = sigstoreVerify(badSig, art, pub);
    assertThat(r2.exit()).as(r2.stderr()).isEqualTo(1);

    Path otherPub = dir.resolve("other.pub");
    assertThat(
            Cli.run(
                    "key",
                    "public",
                    key(dir, "other.pem", curve).toString(),
                    "--format",
                    "pem",
                    "--output",
                    otherPub.toString())
                .exitCode())
        .isZero();
    Tools.Result r3 = sigstoreVerify(bundle, art, otherPub);
    assertThat(r3.exit()).as(r3.stderr()).isEqualTo(1);
    assertThat(r3.stderr()).contains("unknown key hint");

    // And Signet's own verifier agrees on each case.
    assertThat(
            Cli.run(
                    "artifact",
                    "verify",
                    art.toString(),
                    "--key",
                    pub.toString(),
                    "--bundle",
                    bundle.toString())
                .exitCode())
        .isZero();
    assertThat(
            Cli.run(
                    "artifact",
                    "verify",
                    changed.toString(),
                    "--key",
                    pub.toString(),
                    "--bundle",
                    bundle.toString())
                .exitCode())
        .isEqualTo(1);
    assertThat(
            Cli.run(
                    "artifact",
                    "verify",
                    art.toString(),
                    "--key",
                    pub.toString(),
                    "--bundle",
                    badSig.toString())
                .exitCode())
        .isEqualTo(1);
    assertThat(
            Cli.run(
                    "artifact",
                    "verify",
                    art.toString(),
                    "--key",
                    otherPub.toString(),
                    "--bundle",
                    bundle.toString())
                .exitCode())
        .isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ES256", "ES512"})
  void bundlesSignedWithJwksKeysVerifyInSigstoreJsToo(String alg, @TempDir Path dir)
      throws Exception {
    Fixtures.Keys keys = Fixtures.keygen(dir, "release", alg);
    Path pub = dir.resolve("release.pub");
    assertThat(
            Cli.run(
                    "key",
                    "public",
                    keys.publicJwks().toString(),
                    "--format",
                    "pem",
                    "--output",
                    pub.toString())
                .exitCode())
        .isZero();
    Path art = Fixtures.write(dir, "sbom.json", "{\"bomFormat\":\"CycloneDX\"}");
    Path bundle = dir.resolve("sbom.json.sigstore.json");
    assertThat(
            Cli.run(
                    "artifact",
                    "sign",
                    art.toString(),
                    "--key",
                    keys.privateJwks().toString(),
                    "--bundle",
                    bundle.toString())
                .exitCode())
        .isZero();
    Tools.Result ok = sigstoreVerify(bundle, art, pub);
    assertThat(ok.exit()).as("sigstore-js: %s", ok.stderr()).isZero();
  }
}
