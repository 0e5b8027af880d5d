package dev.signet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Key references in the CLI: PEM keys made by openssl sign pipelines whose jobs verify with the PEM
 * public key (kid-less, as KMS-signed pipelines are); {@code key public} exports any key; key files
 * Signet cannot use and a signing-service key without an identity are one-line exit-3 errors.
 */
class KeyRefsCommandTest {
  @TempDir Path dir;

  private Path opensslKey(String name, String... genpkey) {
    Path key = dir.resolve(name);
    List<String> args = new java.util.ArrayList<>(List.of("genpkey"));
    args.addAll(List.of(genpkey));
    args.addAll(List.of("-out", key.toString()));
    Tools.Result r = Tools.openssl(dir, args.toArray(String[]::new));
    assertThat(r.exit()).as(r.stderr()).isZero();
    return key;
  }

  private Path publicPem(Path privatePem) {
    Path pub = dir.resolve(privatePem.getFileName() + ".pub");
    Tools.Result r =
        Tools.openssl(dir, "pkey", "-in", privatePem.toString(), "-pubout", "-out", pub.toString());
    assertThat(r.exit()).as(r.stderr()).isZero();
    return pub;
  }

  @ParameterizedTest
  @ValueSource(strings = {"EC:P-256", "EC:P-384", "ED25519", "RSA"})
  void opensslPemKeysSignPipelinesAndTheirPublicKeyVerifiesTheJobs(String type) throws Exception {
    Path key =
        switch (type) {
          case "ED25519" -> opensslKey("k.pem", "-algorithm", "ED25519");
          case "RSA" ->
              opensslKey("k.pem", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048");
          default ->
              opensslKey(
                  "k.pem",
                  "-algorithm",
                  "EC",
                  "-pkeyopt",
                  "ec_paramgen_curve:" + type.substring(3));
        };
    Path pub = publicPem(key);
    Path in = Fixtures.write(dir, "pipeline.yml", Fixtures.PIPELINE);
    Path signed = dir.resolve("signed.yml");
    Cli s =
        Cli.run(
            "pipeline",
            "sign",
            in.toString(),
            "--signing-key",
            key.toString(),
            "--repo",
            Fixtures.REPO,
            "--output",
            signed.toString());
    assertThat(s.exitCode()).as(s.err()).isZero();
    // No kid: the header is {"alg":"…"} only, as Buildkite's KMS signatures are.
    String value =
        Fixtures.read(signed).lines().filter(l -> l.contains("value:")).findFirst().orElseThrow();
    String header =
        new String(
            java.util.Base64.getUrlDecoder()
                .decode(value.substring(value.indexOf(':') + 1).strip().split("\\.")[0]));
    assertThat(header).doesNotContain("kid");

    for (Path job : Fixtures.jobs(dir, signed)) {
      Cli v = Cli.run("job", "verify", job.toString(), "--verification-key", pub.toString());
      assertThat(v.exitCode()).as(v.err()).isZero();
      assertThat(v.out()).startsWith("~~~ ✅ Job signature verified");
    }
    Cli pv =
        Cli.run(
            "pipeline",
            "verify",
            signed.toString(),
            "--verification-key",
            "file:" + pub,
            "--repo",
            Fixtures.REPO);
    assertThat(pv.exitCode()).as(pv.out() + pv.err()).isZero();
    assertThat(pv.out()).contains("3 verified, 0 unsigned, 0 invalid");

    // Another key's public half refuses them.
    Path other =
        publicPem(
            opensslKey("other.pem", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"));
    Cli refused =
        Cli.run(
            "job",
            "verify",
            Fixtures.jobs(dir, signed).getFirst().toString(),
            "--verification-key",
            other.toString());
    assertThat(refused.exitCode()).isEqualTo(ExitCode.REFUSED);
  }

  @Test
  void signingKeyWithJwksAndKidIsTheSameAsJwksFile() {
    Fixtures.Keys k = Fixtures.keygen(dir, "k1");
    Path in = Fixtures.write(dir, "pipeline.yml", Fixtures.PIPELINE);
    Cli a =
        Cli.run(
            "pipeline",
            "sign",
            in.toString(),
            "--jwks-file",
            k.privateJwks().toString(),
            "--repo",
            Fixtures.REPO);
    Cli b =
        Cli.run(
            "pipeline",
            "sign",
            in.toString(),
            "--signing-key",
            "file:" + k.privateJwks() + "#k1",
            "--repo",
            Fixtures.REPO);
    assertThat(b.exitCode()).as(b.err()).isZero();
    assertThat(b.out()).isEqualTo(a.out()); // EdDSA is deterministic
    Cli twice =
        Cli.run(
            "pipeline",
            "sign",
            in.toString(),
            "--jwks-file",
            k.privateJwks().toString(),
            "--signing-key",
            k.privateJwks().toString(),
            "--repo",
            Fixtures.REPO);
    assertThat(twice.exitCode()).isEqualTo(ExitCode.INPUT);
    assertThat(twice.err()).startsWith("signet: give one of --signing-key, --jwks-file");
  }

  @Test
  void jwksWithKidVerifiesAndPublicPemOfAJwksKeyDoesNotAcceptItsKid() {
    Fixtures.Keys k = Fixtures.keygen(dir, "k1", "ES256");
    Path signed = Fixtures.sign(dir, k, Fixtures.PIPELINE);
    Path job = Fixtures.jobs(dir, signed).getFirst();
    assertThat(
            Cli.run(
                    "job",
                    "verify",
                    job.toString(),
                    "--verification-key",
                    "file:" + k.publicJwks() + "#k1")
                .exitCode())
        .isZero();
    Cli wrongKid =
        Cli.run(
            "job",
            "verify",
            job.toString(),
            "--verification-key",
            "file:" + k.publicJwks() + "#k2");
    assertThat(wrongKid.exitCode()).isEqualTo(ExitCode.REFUSED);

    Cli pem = Cli.run("key", "public", k.publicJwks().toString(), "--format", "pem");
    assertThat(pem.exitCode()).as(pem.err()).isZero();
    Path pemFile = Fixtures.write(dir, "k1.pub", pem.out());
    Cli v =
        Cli.run(
            "job", "verify", job.toString(), "--verification-key", pemFile.toString(), "--explain");
    assertThat(v.exitCode()).isEqualTo(ExitCode.REFUSED);
    assertThat(v.err()).contains("has no key ID; verify with the JWKS that holds that key");
  }

  @Test
  void keyPublicPrintsJwksWithThumbprintKidAndPemThatOpensslReads() throws Exception {
    Path key = opensslKey("k.pem", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256");
    Cli jwks = Cli.run("key", "public", key.toString());
    assertThat(jwks.exitCode()).as(jwks.err()).isZero();
    assertThat(jwks.out())
        .startsWith("{\"keys\":[{\"alg\":\"ES256\",\"crv\":\"P-256\",\"kid\":\"")
        .contains("\"use\":\"sig\"")
        .doesNotContain("\"d\"");
    // The exported JWKS verifies (JWKS path: kid = thumbprint).
    Path jwksFile = Fixtures.write(dir, "pub.json", jwks.out());
    Cli again = Cli.run("key", "public", jwksFile.toString(), "--format", "pem");
    Path pem = dir.resolve("k.pub");
    Cli toFile =
        Cli.run("key", "public", key.toString(), "--format", "pem", "--output", pem.toString());
    assertThat(toFile.exitCode()).isZero();
    assertThat(again.out()).isEqualTo(Fixtures.read(pem));
    Tools.Result r =
        Tools.openssl(
            dir, "pkey", "-pubin", "-in", pem.toString(), "-outform", "DER", "-out", "k.der");
    assertThat(r.exit()).as(r.stderr()).isZero();
    Tools.Result ours =
        Tools.openssl(
            dir, "pkey", "-in", key.toString(), "-pubout", "-outform", "DER", "-out", "o.der");
    assertThat(ours.exit()).isZero();
    assertThat(Files.readAllBytes(dir.resolve("k.der")))
        .isEqualTo(Files.readAllBytes(dir.resolve("o.der")));
    assertThat(jwks.err()).contains("warning").contains("is a private key");
  }

  @Test
  void aSigningServiceKeyWithoutAnIdentityIsAOneLineKeyError() {
    // KMS, Vault and PKCS#11 references are exercised in KmsCliTest and Pkcs11CliTest, against
    // servers and tokens on this machine only; signet:// keys in ServiceCliTest, against a server.
    Path in = Fixtures.write(dir, "pipeline.yml", Fixtures.PIPELINE);
    KeyRefs.env = java.util.Map::of; // not this machine's: a CI runner would have an identity
    Cli r;
    try {
      r =
          Cli.run(
              "pipeline",
              "sign",
              in.toString(),
              "--repo",
              Fixtures.REPO,
              "--signing-key",
              "signet://signet.example/acme");
    } finally {
      KeyRefs.env = System::getenv;
    }
    assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.KEY);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).contains("signet://signet.example/acme").contains("no identity");
  }

  @Test
  void unsupportedKeyFilesAreOneLineKeyErrors() throws Exception {
    Path ec = opensslKey("k.pem", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256");
    Tools.Result r =
        Tools.openssl(
            dir,
            "pkcs8",
            "-topk8",
            "-in",
            ec.toString(),
            "-out",
            "encrypted.pem",
            "-passout",
            "pass:x");
    assertThat(r.exit()).as(r.stderr()).isZero();
    Path cosign =
        Fixtures.write(
            dir,
            "cosign.key",
            "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\neyJrZGYiOnt9fQ==\n"
                + "-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n");
    Path junk = Fixtures.write(dir, "junk.txt", "hello");
    Path pub = publicPem(ec);
    String[][] cases = {
      {dir.resolve("encrypted.pem").toString(), "password-encrypted PKCS#8"},
      {cosign.toString(), "needs a password"},
      {junk.toString(), "not a key file"},
      {pub.toString(), "is a public key (or not a key); signing needs the private key"},
      {"file:" + pub + "#kid", "selects a key in a JWKS, not in a PEM"},
      {dir.resolve("missing.pem").toString(), "no such file"},
    };
    Path in = Fixtures.write(dir, "pipeline.yml", Fixtures.PIPELINE);
    KeyPasswords.env = name -> null;
    try {
      for (String[] c : cases) {
        Cli s =
            Cli.run(
                "pipeline", "sign", in.toString(), "--signing-key", c[0], "--repo", Fixtures.REPO);
        assertThat(s.exitCode()).as(s.err()).isEqualTo(ExitCode.KEY);
        assertThat(s.errLines()).hasSize(1);
        assertThat(s.err()).contains(c[1]);
        Fixtures.assertNoStackTrace(s.err());
      }
    } finally {
      KeyPasswords.env = System::getenv;
    }
  }

  @Test
  void cosignKeysSignPipelinesAndArtifacts() throws Exception {
    Fixtures.Keys k = Fixtures.keygen(dir, "rel", "ES256");
    KeyPasswords.env = name -> name.equals("COSIGN_PASSWORD") ? "correct horse" : null;
    try {
      Path prefix = dir.resolve("cosign");
      Cli e =
          Cli.run(
              "key",
              "export-cosign",
              "--jwks-file",
              k.privateJwks().toString(),
              "--output-key-prefix",
              prefix.toString());
      assertThat(e.exitCode()).as(e.err()).isZero();
      Path cosignKey = dir.resolve("cosign.key");
      Path cosignPub = dir.resolve("cosign.pub");
      // A pipeline signed with cosign.key verifies with cosign.pub (kid-less) ...
      Path in = Fixtures.write(dir, "pipeline.yml", Fixtures.PIPELINE);
      Path signed = dir.resolve("signed.yml");
      Cli s =
          Cli.run(
              "pipeline",
              "sign",
              in.toString(),
              "--signing-key",
              cosignKey.toString(),
              "--repo",
              Fixtures.REPO,
              "--output",
              signed.toString());
      assertThat(s.exitCode()).as(s.err()).isZero();
      Path job = Fixtures.jobs(dir, signed).getFirst();
      assertThat(
              Cli.run("job", "verify", job.toString(), "--verification-key", cosignPub.toString())
                  .exitCode())
          .isZero();
      // ... and an artifact signed with it verifies with cosign.pub and with the JWKS.
      Path art = Fixtures.write(dir, "a.txt", "artifact");
      Path bundle = dir.resolve("a.txt.sigstore.json");
      assertThat(
              Cli.run(
                      "artifact",
                      "sign",
                      art.toString(),
                      "--key",
                      cosignKey.toString(),
                      "--bundle",
                      bundle.toString())
                  .exitCode())
          .isZero();
      for (Path trusted : List.of(cosignPub, k.publicJwks())) {
        Cli v =
            Cli.run(
                "artifact",
                "verify",
                art.toString(),
                "--key",
                trusted.toString(),
                "--bundle",
                bundle.toString());
        assertThat(v.exitCode()).as(v.err()).isZero();
      }
      KeyPasswords.env = name -> name.equals("COSIGN_PASSWORD") ? "wrong" : null;
      Cli wrong = Cli.run("artifact", "sign", art.toString(), "--key", cosignKey.toString());
      assertThat(wrong.exitCode()).isEqualTo(ExitCode.KEY);
      assertThat(wrong.err()).contains("wrong password").doesNotContain("wrong\n");
    } finally {
      KeyPasswords.env = System::getenv;
    }
  }
}
