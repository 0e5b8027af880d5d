package dev.signet.attest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.keys.Algorithm;
import dev.signet.keys.PemKeys;
import dev.signet.keys.SigningKey;
import dev.signet.testing.Interop;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Signet's attestations checked by verifiers that share no code with it: npm {@code
 * @sigstore/verify} (Sigstore's JavaScript verifier, offline, trusting only the public key) reads
 * the v0.3 bundles, and pyca/cryptography checks the DSSE signature over a PAE it builds itself.
 */
class AttestInteropTest {
  private static String node;
  private static String python;

  @BeforeAll
  static void tools() throws Exception {
    node = Interop.node("@sigstore/verify");
    python = Interop.python("cryptography");
  }

  private record Made(Path envelope, Path bundle, Path pub, DsseEnvelope env) {}

  private static Made make(Algorithm alg, Path dir) throws Exception {
    SigningKey key = AttestKeys.key(alg);
    Statement st =
        new Statement(
            List.of(Statement.Subject.sha256("app.jar", "c".repeat(64))),
            PredicateTypes.SLSA_PROVENANCE_V1,
            SlsaProvenance.predicate(SlsaProvenanceTest.buildkiteEnv(), Instant.now()));
    DsseEnvelope env = Attestations.sign(key, st);
    return new Made(
        Files.writeString(dir.resolve("att.json"), env.toJson()),
        Files.writeString(
            dir.resolve("att.sigstore.json"), DsseBundle.toJson(env, key.publicKey())),
        Files.writeString(dir.resolve("key.pub"), PemKeys.publicKeyPem(key.publicKey())),
        env);
  }

  private static DsseEnvelope tampered(DsseEnvelope env) {
    String s = new String(env.payload(), StandardCharsets.UTF_8).replace("app.jar", "app.war");
    return new DsseEnvelope(
        env.payloadType(), s.getBytes(StandardCharsets.UTF_8), env.signatures());
  }

  @ParameterizedTest
  @EnumSource(names = {"EdDSA", "ES256"})
  void sigstoreJsVerifiesOurDsseBundlesAndRefusesTamperedOnes(Algorithm alg, @TempDir Path dir)
      throws Exception {
    Made m = make(alg, dir);
    Interop.Result ok =
        Interop.run(
            Interop.dir(),
            List.of(node, "sigstore-verify.cjs", m.bundle.toString(), m.pub.toString()));
    assertThat(ok.exit()).as(ok.stderr()).isZero();

    Path bad =
        Files.writeString(
            dir.resolve("bad.json"),
            DsseBundle.toJson(
                tampered(m.env), PemKeys.readPublicKey(Files.readString(m.pub), "k")));
    Interop.Result refused =
        Interop.run(
            Interop.dir(), List.of(node, "sigstore-verify.cjs", bad.toString(), m.pub.toString()));
    assertThat(refused.exit()).as(refused.stderr()).isEqualTo(1);
    assertThat(refused.stderr()).contains("SIGNATURE");
  }

  @ParameterizedTest
  @EnumSource(names = {"EdDSA", "ES256", "ES384", "ES512", "PS256"})
  void pythonCryptographyVerifiesTheDsseSignatureOverPae(Algorithm alg, @TempDir Path dir)
      throws Exception {
    Made m = make(alg, dir);
    for (Path p : List.of(m.envelope, m.bundle)) {
      Interop.Result ok =
          Interop.run(
              Interop.dir(),
              List.of(
                  python,
                  "pyca_dsse.py",
                  p.toString(),
                  m.pub.toString(),
                  Dsse.IN_TOTO_PAYLOAD_TYPE));
      assertThat(ok.exit()).as(ok.stderr()).isZero();
    }
    Path bad = Files.writeString(dir.resolve("bad.json"), tampered(m.env).toJson());
    Interop.Result refused =
        Interop.run(
            Interop.dir(), List.of(python, "pyca_dsse.py", bad.toString(), m.pub.toString()));
    assertThat(refused.exit()).as(refused.stderr()).isEqualTo(1);
  }
}
