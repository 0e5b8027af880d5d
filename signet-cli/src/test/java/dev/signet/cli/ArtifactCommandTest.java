package dev.signet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code signet artifact sign/verify} end to end, with openssl as the independent verifier of the
 * signatures (the check spec §1.2 gives for cosign's) and as the maker of the keys.
 */
class ArtifactCommandTest {
  @TempDir Path dir;
  private Path key;
  private Path pub;

  @BeforeEach
  void keys() {
    key = genpkey("cosign-like.pem", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256");
    pub = pubOf(key);
  }

  private Path genpkey(String name, String... args) {
    List<String> a = new ArrayList<>(List.of("genpkey"));
    a.addAll(List.of(args));
    a.addAll(List.of("-out", dir.resolve(name).toString()));
    Tools.Result r = Tools.openssl(dir, a.toArray(String[]::new));
    assertThat(r.exit()).as(r.stderr()).isZero();
    return dir.resolve(name);
  }

  private Path pubOf(Path privateKey) {
    Path p = dir.resolve(privateKey.getFileName() + ".pub");
    Tools.Result r =
        Tools.openssl(dir, "pkey", "-in", privateKey.toString(), "-pubout", "-out", p.toString());
    assertThat(r.exit()).as(r.stderr()).isZero();
    return p;
  }

  private Path file(String name, String content) {
    return Fixtures.write(dir, name, content);
  }

  /** openssl dgst -verify over the file with the DER decoded from our base64 signature. */
  private int opensslVerify(
      Path publicPem, Path sigB64, Path artifact, String digest, String... sigopts)
      throws Exception {
    Path der = dir.resolve(sigB64.getFileName() + ".der");
    Files.write(der, Base64.getDecoder().decode(Files.readString(sigB64).strip()));
    List<String> args =
        new ArrayList<>(
            List.of(
                "dgst",
                "-" + digest,
                "-verify",
                publicPem.toString(),
                "-signature",
                der.toString()));
    args.addAll(List.of(sigopts));
    args.add(artifact.toString());
    Tools.Result r = Tools.openssl(dir, args.toArray(String[]::new));
    return r.exit();
  }

  @ParameterizedTest
  @CsvSource({
    "P-256, sha256",
    "P-384, sha384",
    "P-521, sha512",
  })
  void opensslVerifiesOurBlobSignatures(String curve, String digest) throws Exception {
    Path k = genpkey("ec.pem", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:" + curve);
    Path p = pubOf(k);
    Path art = file("release.tar", "the release\n".repeat(1000));
    Path sig = dir.resolve("release.tar.sig");
    Cli r =
        Cli.run(
            "artifact",
            "sign",
            art.toString(),
            "--key",
            k.toString(),
            "--output-signature",
            sig.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(Files.readString(sig)).doesNotEndWith("\n").matches("[A-Za-z0-9+/]+=*");
    assertThat(opensslVerify(p, sig, art, digest)).isZero();
    Path tampered = file("tampered.tar", "the release\n".repeat(999) + "the relaese\n");
    assertThat(opensslVerify(p, sig, tampered, digest)).isNotZero();
    Cli v =
        Cli.run(
            "artifact",
            "verify",
            art.toString(),
            "--key",
            p.toString(),
            "--signature",
            sig.toString());
    assertThat(v.exitCode()).as(v.err()).isZero();
  }

  @Test
  void opensslVerifiesRsaPssAndEd25519Signatures() throws Exception {
    Path rsa = genpkey("rsa.pem", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048");
    Path art = file("a.bin", "artifact");
    Path sig = dir.resolve("a.bin.sig");
    assertThat(
            Cli.run(
                    "artifact",
                    "sign",
                    art.toString(),
                    "--key",
                    rsa.toString(),
                    "--output-signature",
                    sig.toString())
                .exitCode())
        .isZero();
    assertThat(
            opensslVerify(
                pubOf(rsa),
                sig,
                art,
                "sha256",
                "-sigopt",
                "rsa_padding_mode:pss",
                "-sigopt",
                "rsa_pss_saltlen:32"))
        .isZero();

    Path ed = genpkey("ed.pem", "-algorithm", "ED25519");
    Path edSig = dir.resolve("a.bin.ed.sig");
    Cli s =
        Cli.run(
            "artifact",
            "sign",
            art.toString(),
            "--key",
            ed.toString(),
            "--output-signature",
            edSig.toString());
    assertThat(s.exitCode()).as(s.err()).isZero();
    Path raw = dir.resolve("ed.raw");
    Files.write(raw, Base64.getDecoder().decode(Files.readString(edSig)));
    Tools.Result r =
        Tools.openssl(
            dir,
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            pubOf(ed).toString(),
            "-rawin",
            "-in",
            art.toString(),
            "-sigfile",
            raw.toString());
    assertThat(r.exit()).as(r.stdout() + r.stderr()).isZero();
    // Ed25519 makes no bundle, and says so before signing anything.
    Cli b =
        Cli.run(
            "artifact",
            "sign",
            art.toString(),
            "--key",
            ed.toString(),
            "--bundle",
            dir.resolve("x.json").toString());
    assertThat(b.exitCode()).isEqualTo(ExitCode.INPUT);
    assertThat(b.err()).contains("an Ed25519 key makes a detached signature only");
    assertThat(dir.resolve("x.json")).doesNotExist();
  }

  @Test
  void bundleRoundTripAndTheDigestItRecordsIsTheFilesSha256() throws Exception {
    Path art = file("app.jar", "PK fake jar");
    Path bundle = dir.resolve("app.jar.sigstore.json");
    Cli s =
        Cli.run(
            "artifact",
            "sign",
            art.toString(),
            "--key",
            key.toString(),
            "--bundle",
            bundle.toString());
    assertThat(s.exitCode()).as(s.err()).isZero();
    assertThat(s.out()).isEmpty();
    assertThat(s.err())
        .startsWith("Signed 1 file (11 B) with file:" + key + " (ES256, sha256) in ");
    String json = Files.readString(bundle);
    String sha =
        Base64.getEncoder()
            .encodeToString(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(art)));
    assertThat(json).contains("\"digest\":\"" + sha + "\"");
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
    assertThat(v.out())
        .isEqualTo(
            "Verified OK: "
                + art
                + " (sha256:"
                + HexFormat.of().formatHex(Base64.getDecoder().decode(sha))
                + ") signed by "
                + pub
                + " (ES256)\n");

    Files.writeString(art, "PK fake jaR");
    Cli refused =
        Cli.run(
            "artifact",
            "verify",
            art.toString(),
            "--key",
            pub.toString(),
            "--bundle",
            bundle.toString());
    assertThat(refused.exitCode()).isEqualTo(ExitCode.REFUSED);
    assertThat(refused.errLines())
        .containsExactly(
            "signet: "
                + art
                + ": its sha256 digest differs from the one in "
                + bundle
                + " (the file was changed, or the bundle is for another file)");

    Files.writeString(art, "PK fake jar");
    Path other =
        pubOf(genpkey("other.pem", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"));
    Cli wrongKey =
        Cli.run(
            "artifact",
            "verify",
            art.toString(),
            "--key",
            other.toString(),
            "--bundle",
            bundle.toString());
    assertThat(wrongKey.exitCode()).isEqualTo(ExitCode.REFUSED);
    assertThat(wrongKey.err())
        .contains("signed by another key: its public-key hint matches no key in " + other);
  }

  @Test
  void manyFilesAreSignedInParallelWithSignaturesBesideEach() throws Exception {
    List<String> args = new ArrayList<>(List.of("artifact", "sign", "--key", key.toString()));
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      Path f = file("f" + i + ".txt", "file " + i);
      files.add(f);
      args.add(f.toString());
    }
    Cli s = Cli.run(args.toArray(String[]::new));
    assertThat(s.exitCode()).as(s.err()).isZero();
    assertThat(s.errLines()).hasSize(1);
    assertThat(s.err()).startsWith("Signed 25 files (");
    for (Path f : files) {
      Path sig = f.resolveSibling(f.getFileName() + ".sig");
      Path bundle = f.resolveSibling(f.getFileName() + ".sigstore.json");
      assertThat(opensslVerify(pub, sig, f, "sha256")).isZero();
      assertThat(
              Cli.run(
                      "artifact",
                      "verify",
                      f.toString(),
                      "--key",
                      pub.toString(),
                      "--bundle",
                      bundle.toString())
                  .exitCode())
          .isZero();
    }
    try (var list = Files.list(dir)) {
      assertThat(list.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList()).isEmpty();
    }
    Cli twoOutputs =
        Cli.run(
            "artifact",
            "sign",
            files.get(0).toString(),
            files.get(1).toString(),
            "--key",
            key.toString(),
            "--bundle",
            "x");
    assertThat(twoOutputs.exitCode()).isEqualTo(ExitCode.INPUT);
    Cli missing =
        Cli.run(
            "artifact",
            "sign",
            files.get(0).toString(),
            dir.resolve("nope").toString(),
            "--key",
            key.toString());
    assertThat(missing.exitCode()).isEqualTo(ExitCode.INPUT);
    assertThat(missing.errLines())
        .containsExactly("signet: " + dir.resolve("nope") + ": no such file");
  }

  @Test
  void digestOnlySigningVerifiesAgainstTheFileAndTheDigest() throws Exception {
    Path art = file("never-leaves.bin", "secret build output");
    String hex =
        HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(art)));
    Path bundle = dir.resolve("d.sigstore.json");
    Cli s =
        Cli.run(
            "artifact",
            "sign",
            "--digest",
            "sha256:" + hex,
            "--key",
            key.toString(),
            "--bundle",
            bundle.toString());
    assertThat(s.exitCode()).as(s.err()).isZero();
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
                    "--digest",
                    "sha256:" + hex,
                    "--key",
                    pub.toString(),
                    "--bundle",
                    bundle.toString())
                .exitCode())
        .isZero();
    Cli stdout = Cli.run("artifact", "sign", "--digest", "sha256:" + hex, "--key", key.toString());
    assertThat(stdout.out()).matches("[A-Za-z0-9+/]+=*\n");
    Path sig = file("d.sig", stdout.out());
    assertThat(opensslVerify(pub, sig, art, "sha256")).isZero();
    Cli wrongHash =
        Cli.run(
            "artifact", "sign", "--digest", "sha512:" + "ab".repeat(64), "--key", key.toString());
    assertThat(wrongHash.exitCode()).isEqualTo(ExitCode.INPUT);
    assertThat(wrongHash.err()).contains("signs sha256 digests, not sha512");
    Cli bad = Cli.run("artifact", "sign", "--digest", "sha256:XYZ", "--key", key.toString());
    assertThat(bad.exitCode()).isEqualTo(ExitCode.INPUT);
    assertThat(bad.errLines())
        .containsExactly(
            "signet: --digest: expected ALGORITHM:HEX such as sha256:<64 lower-case hex digits>");
    Path ed = genpkey("ed.pem", "-algorithm", "ED25519");
    Cli edOnly =
        Cli.run("artifact", "sign", art.toString(), "--digest-only", "--key", ed.toString());
    assertThat(edOnly.exitCode()).isEqualTo(ExitCode.INPUT);
    assertThat(edOnly.err()).contains("cannot sign a digest");
  }

  @Test
  void badBundlesAreInputErrorsAndKeyProblemsAreExit3() throws Exception {
    Path art = file("a", "a");
    Path bundle = dir.resolve("a.sigstore.json");
    assertThat(
            Cli.run(
                    "artifact",
                    "sign",
                    art.toString(),
                    "--key",
                    key.toString(),
                    "--bundle",
                    bundle.toString())
                .exitCode())
        .isZero();
    String good = Files.readString(bundle);
    String[][] cases = {
      {good.substring(0, good.length() / 2), "bad.json: line 1, column"},
      {"garbage", "bad.json: line 1, column"},
      {good.replace("v0.3", "v9.9"), "mediaType: unsupported bundle media type"},
      {
        "{\"mediaType\":\"" + "x".repeat(17 << 20) + "\"}",
        "larger than the input limit of 16384 KiB"
      },
    };
    for (String[] c : cases) {
      Path b = Fixtures.write(dir, "bad.json", c[0]);
      Cli v =
          Cli.run(
              "artifact",
              "verify",
              art.toString(),
              "--key",
              pub.toString(),
              "--bundle",
              b.toString());
      assertThat(v.exitCode()).as(v.err()).isEqualTo(ExitCode.INPUT);
      assertThat(v.errLines()).hasSize(1);
      assertThat(v.err()).startsWith("signet: " + b).contains(c[1]);
    }
    Cli noKey =
        Cli.run(
            "artifact",
            "verify",
            art.toString(),
            "--key",
            dir.resolve("nokey.pub").toString(),
            "--bundle",
            bundle.toString());
    assertThat(noKey.exitCode()).isEqualTo(ExitCode.KEY);
    Cli both =
        Cli.run(
            "artifact",
            "verify",
            art.toString(),
            "--key",
            pub.toString(),
            "--bundle",
            bundle.toString(),
            "--signature",
            bundle.toString());
    assertThat(both.exitCode()).isEqualTo(ExitCode.INPUT);
    Path badSig =
        file(
            "bad.sig",
            Base64.getEncoder().encodeToString("not a signature".getBytes(StandardCharsets.UTF_8)));
    Cli refused =
        Cli.run(
            "artifact",
            "verify",
            art.toString(),
            "--key",
            pub.toString(),
            "--signature",
            badSig.toString());
    assertThat(refused.exitCode()).isEqualTo(ExitCode.REFUSED);
    assertThat(refused.errLines())
        .containsExactly(
            "signet: "
                + badSig
                + ": the signature over "
                + art
                + " does not verify with the ES256 key in "
                + pub);
  }

  @Test
  void signatureFilesAreReadUpToTheLimit() throws Exception {
    Path art = file("a", "a");
    int max = dev.signet.input.InputLimits.MAX_SIGNATURE_FILE_BYTES;
    Path at = dir.resolve("at.sig");
    Files.write(at, new byte[max]);
    Cli refused =
        Cli.run(
            "artifact",
            "verify",
            art.toString(),
            "--key",
            pub.toString(),
            "--signature",
            at.toString());
    assertThat(refused.exitCode()).as(refused.err()).isEqualTo(ExitCode.REFUSED);
    Path past = dir.resolve("past.sig");
    Files.write(past, new byte[max + 1]);
    Cli tooLarge =
        Cli.run(
            "artifact",
            "verify",
            art.toString(),
            "--key",
            pub.toString(),
            "--signature",
            past.toString());
    assertThat(tooLarge.exitCode()).isEqualTo(ExitCode.INPUT);
    assertThat(tooLarge.errLines())
        .containsExactly("signet: " + past + ": larger than the input limit of 64 KiB");
  }

  @Test
  void jwksRotationSetsAndJwksSigningKeysWork() throws Exception {
    Fixtures.Keys old = Fixtures.keygen(dir, "old", "ES256");
    Fixtures.Keys current = Fixtures.keygen(dir, "new", "ES512");
    Path set =
        Fixtures.write(
            dir,
            "trusted.json",
            "{\"keys\":[" + inner(old.publicJwks()) + "," + inner(current.publicJwks()) + "]}");
    Path art = file("x", "x");
    Path bundle = dir.resolve("x.sigstore.json");
    assertThat(
            Cli.run(
                    "artifact",
                    "sign",
                    art.toString(),
                    "--key",
                    current.privateJwks().toString(),
                    "--bundle",
                    bundle.toString())
                .exitCode())
        .isZero();
    Cli v =
        Cli.run(
            "artifact",
            "verify",
            art.toString(),
            "--key",
            set.toString(),
            "--bundle",
            bundle.toString());
    assertThat(v.exitCode()).as(v.err()).isZero();
    assertThat(v.out()).contains("(ES512, key \"new\")");
    assertThat(
            Cli.run(
                    "artifact",
                    "verify",
                    art.toString(),
                    "--key",
                    "file:" + set + "#old",
                    "--bundle",
                    bundle.toString())
                .exitCode())
        .isEqualTo(ExitCode.REFUSED);
  }

  private static String inner(Path jwks) {
    String s = Fixtures.read(jwks).strip();
    return s.substring(s.indexOf('[') + 1, s.lastIndexOf(']'));
  }
}
