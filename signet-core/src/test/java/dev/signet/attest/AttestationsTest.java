package dev.signet.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.json.JsonObject;
import dev.signet.keys.Algorithm;
import dev.signet.keys.SigningKey;
import dev.signet.keys.VerifyingKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** DSSE, statements and bundles: round trips, the spec vector, and every refusal. */
class AttestationsTest {
  private static final String SHA_A = "a".repeat(64);
  private static final String SHA_B = "b".repeat(64);
  private static SigningKey key;
  private static VerifyingKey verifier;

  @BeforeAll
  static void keys() throws Exception {
    key = AttestKeys.key(Algorithm.ES256);
    verifier = AttestKeys.verifier(key);
  }

  private static Statement slsa(String... sha256) throws Exception {
    List<Statement.Subject> subjects = new java.util.ArrayList<>();
    for (int i = 0; i < sha256.length; i++) {
      subjects.add(Statement.Subject.sha256("file" + i + ".jar", sha256[i]));
    }
    return new Statement(
        subjects,
        PredicateTypes.SLSA_PROVENANCE_V1,
        SlsaProvenance.predicate(Map.of(), Instant.parse("2026-01-02T03:04:05.678Z")));
  }

  private static Attestations.Expectations expect(String sha256, String predicateType) {
    return new Attestations.Expectations(
        List.of(Statement.Subject.sha256("file.jar", sha256)), predicateType);
  }

  @Test
  void paeMatchesTheDsseSpecVector() {
    assertThat(
            new String(
                Dsse.pae(
                    "http://example.com/HelloWorld",
                    "hello world".getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8))
        .isEqualTo("DSSEv1 29 http://example.com/HelloWorld 11 hello world");
    // lengths count bytes, not characters
    assertThat(
            new String(Dsse.pae("t", "é".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8))
        .isEqualTo("DSSEv1 1 t 2 é");
  }

  @ParameterizedTest
  @EnumSource(names = {"EdDSA", "ES256", "ES384", "ES512", "PS256", "PS512"})
  void signedStatementsVerifyThroughJsonAndBundles(Algorithm alg) throws Exception {
    SigningKey k = AttestKeys.key(alg);
    DsseEnvelope env = Attestations.sign(k, slsa(SHA_A, SHA_B));
    DsseEnvelope parsed = DsseEnvelope.parse(env.toJson(), "att.json");
    assertThat(parsed).isEqualTo(env);
    var v = Attestations.verify(parsed, AttestKeys.verifier(k), expect(SHA_B, null), "att.json");
    assertThat(v.statement().predicateType()).isEqualTo(PredicateTypes.SLSA_PROVENANCE_V1);
    assertThat(v.matched()).extracting(Statement.Subject::name).containsExactly("file1.jar");

    String bundle = DsseBundle.toJson(env, k.publicKey());
    var b = DsseBundle.parse(bundle, "att.sigstore.json");
    assertThat(
            Attestations.verifyBundle(b, AttestKeys.verifier(k), expect(SHA_A, null), "b")
                .statement())
        .isEqualTo(v.statement());
  }

  @Test
  void envelopeJsonHasCosignsShape() throws Exception {
    DsseEnvelope env = Attestations.sign(key, slsa(SHA_A));
    assertThat(env.toJson())
        .startsWith("{\"payloadType\":\"application/vnd.in-toto+json\",\"payload\":\"")
        .contains("\"signatures\":[{\"keyid\":\"k-ES256\",\"sig\":\"");
    String statement = new String(env.payload(), StandardCharsets.UTF_8);
    assertThat(statement)
        .startsWith(
            "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"file0.jar\","
                + "\"digest\":{\"sha256\":\""
                + SHA_A
                + "\"}}],\"predicateType\":\"https://slsa.dev/provenance/v1\"");
    assertThat(DsseBundle.toJson(env, key.publicKey()))
        .startsWith(
            "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\","
                + "\"verificationMaterial\":{\"publicKey\":{\"hint\":\"");
  }

  @Test
  void urlSafeBase64IsAcceptedAsTheSpecRequires() throws Exception {
    DsseEnvelope env = Attestations.sign(key, slsa(SHA_A));
    String json =
        env.toJson()
            .replace(
                Base64.getEncoder().encodeToString(env.payload()),
                Base64.getUrlEncoder().withoutPadding().encodeToString(env.payload()));
    assertThat(
            Attestations.verify(DsseEnvelope.parse(json, "u"), verifier, expect(SHA_A, null), "u"))
        .isNotNull();
  }

  // ---- refusals ----

  @Test
  void tamperedPayloadIsRefused() throws Exception {
    DsseEnvelope env = Attestations.sign(key, slsa(SHA_A));
    String changed = new String(env.payload(), StandardCharsets.UTF_8).replace(SHA_A, SHA_B);
    DsseEnvelope tampered =
        new DsseEnvelope(
            env.payloadType(), changed.getBytes(StandardCharsets.UTF_8), env.signatures());
    refused(
        () -> Attestations.verify(tampered, verifier, expect(SHA_B, null), "t.json"),
        AttestationException.Reason.BAD_SIGNATURE,
        "t.json");
  }

  @Test
  void changedPayloadTypeBreaksTheSignatureAndAnotherSignedTypeIsRefused() throws Exception {
    DsseEnvelope env = Attestations.sign(key, slsa(SHA_A));
    DsseEnvelope retyped = new DsseEnvelope("application/json", env.payload(), env.signatures());
    refused(
        () -> Attestations.verify(retyped, verifier, expect(SHA_A, null), "t"),
        AttestationException.Reason.BAD_SIGNATURE);
    DsseEnvelope other = Dsse.sign(key, "application/json", slsa(SHA_A).toJson());
    refused(
        () -> Attestations.verify(other, verifier, expect(SHA_A, null), "t"),
        AttestationException.Reason.PAYLOAD_TYPE,
        "application/vnd.in-toto+json");
  }

  @Test
  void unknownPredicateTypeIsRefusedUnlessNamed() throws Exception {
    String custom = "https://example.com/test-result/v1";
    DsseEnvelope env =
        Attestations.sign(
            key,
            new Statement(
                List.of(Statement.Subject.sha256("a", SHA_A)),
                custom,
                JsonObject.builder().put("passed", "yes").build()));
    refused(
        () -> Attestations.verify(env, verifier, expect(SHA_A, null), "t"),
        AttestationException.Reason.PREDICATE_TYPE,
        custom,
        "--predicate-type");
    assertThat(
            Attestations.verify(env, verifier, expect(SHA_A, custom), "t").statement().predicate())
        .isNotNull();
    refused(
        () ->
            Attestations.verify(
                Attestations.sign(key, slsa(SHA_A)), verifier, expect(SHA_A, custom), "t"),
        AttestationException.Reason.PREDICATE_TYPE,
        "not the expected");
  }

  @Test
  void subjectDigestMismatchIsRefusedNamingTheFile() throws Exception {
    DsseEnvelope env = Attestations.sign(key, slsa(SHA_A));
    refused(
        () ->
            Attestations.verify(
                env,
                verifier,
                new Attestations.Expectations(
                    List.of(Statement.Subject.sha256("app.jar", SHA_B)), null),
                "t"),
        AttestationException.Reason.SUBJECT_MISMATCH,
        "app.jar",
        SHA_B);
    assertThatThrownBy(() -> new Attestations.Expectations(List.of(), null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void wrongKeyAndBundleHintMismatchAreRefused() throws Exception {
    DsseEnvelope env = Attestations.sign(key, slsa(SHA_A));
    VerifyingKey other = AttestKeys.verifier(AttestKeys.key(Algorithm.ES256));
    refused(
        () -> Attestations.verify(env, other, expect(SHA_A, null), "t"),
        AttestationException.Reason.BAD_SIGNATURE);
    var bundle = DsseBundle.parse(DsseBundle.toJson(env, key.publicKey()), "b");
    refused(
        () -> Attestations.verifyBundle(bundle, other, expect(SHA_A, null), "b"),
        AttestationException.Reason.HINT_MISMATCH);
  }

  @Test
  void statementsOfOtherVersionsOrShapesAreRefused() throws Exception {
    String ok = new String(slsa(SHA_A).toJson(), StandardCharsets.UTF_8);
    refusedStatement(
        ok.replace("Statement/v1", "Statement/v0.1"), AttestationException.Reason.STATEMENT_TYPE);
    refusedStatement(
        ok.replace("\"subject\":[", "\"subject\":[],\"x\":["),
        AttestationException.Reason.MALFORMED);
    refusedStatement(ok.replace(SHA_A, SHA_A.toUpperCase()), AttestationException.Reason.MALFORMED);
    refusedStatement(ok.replace(SHA_A, "abc"), AttestationException.Reason.MALFORMED);
    refusedStatement(
        ok.replace("\"_type\"", "\"_type\":\"x\",\"_type\""),
        AttestationException.Reason.MALFORMED);
    refusedStatement("[]", AttestationException.Reason.MALFORMED);
    refusedStatement(
        ok.replace("\"buildDefinition\"", "\"buildDefinitionX\""),
        AttestationException.Reason.MALFORMED);
  }

  private void refusedStatement(String statement, AttestationException.Reason reason)
      throws Exception {
    DsseEnvelope env =
        Dsse.sign(key, Dsse.IN_TOTO_PAYLOAD_TYPE, statement.getBytes(StandardCharsets.UTF_8));
    refused(
        () -> Attestations.verify(env, verifier, expect(SHA_A, null), "s.json"), reason, "s.json");
  }

  @Test
  void malformedEnvelopesAreRefusedWithOneLine() throws Exception {
    String good = Attestations.sign(key, slsa(SHA_A)).toJson();
    String sig = good.replaceAll(".*\"sig\":\"([^\"]*)\".*", "$1");
    for (String bad :
        List.of(
            "",
            "not json",
            "[]",
            good.replace("\"payload\":\"", "\"payload\":\"%%%"),
            good.replace("\"sig\":\"", "\"sig\":\"-+"),
            good.replace("\"signatures\":[{", "\"signatures\":[],\"x\":[{"),
            good.replace("\"payloadType\":\"application/vnd.in-toto+json\"", "\"payloadType\":7"),
            good.replace("\"keyid\":\"k-ES256\"", "\"keyid\":1"),
            good.replace("\"sig\":\"" + sig + "\"", "\"sig\":\"\""),
            good.replace("{\"keyid\"", "\"x\",{\"keyid\""),
            good.replace("\"payload\":", "\"payload\":\"\",\"payload\":"),
            good.substring(0, good.length() - 3))) {
      AttestationException e = catchAtt(() -> DsseEnvelope.parse(bad, "bad.json"));
      assertThat(e.reason()).isEqualTo(AttestationException.Reason.MALFORMED);
      assertThat(e.getMessage()).startsWith("bad.json").doesNotContain("\n");
    }
  }

  @Test
  void tooManySignaturesAndHugeEnvelopesAreRefused() throws Exception {
    DsseEnvelope env = Attestations.sign(key, slsa(SHA_A));
    String one = env.toJson().replaceAll(".*\"signatures\":\\[(.*)]}$", "$1");
    String many =
        env.toJson().replace(one, String.join(",", java.util.Collections.nCopies(17, one)));
    refused(
        () -> DsseEnvelope.parse(many, "many.json"),
        AttestationException.Reason.MALFORMED,
        "more than 16");
    String huge =
        env.toJson()
            .replace(
                "\"payloadType\"",
                "\"pad\":\"" + "x".repeat(DsseEnvelope.MAX_BYTES) + "\",\"payloadType\"");
    long start = System.nanoTime();
    refused(
        () -> DsseEnvelope.parse(huge, "huge.json"),
        AttestationException.Reason.MALFORMED,
        "huge.json");
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2000);
  }

  @Test
  void bundlesOfOtherKindsAreRefused() throws Exception {
    DsseEnvelope env = Attestations.sign(key, slsa(SHA_A));
    String b = DsseBundle.toJson(env, key.publicKey());
    refused(
        () -> DsseBundle.parse(b.replace("v0.3", "v0.4"), "b"),
        AttestationException.Reason.MALFORMED,
        "mediaType");
    refused(
        () -> DsseBundle.parse(b.replace("\"dsseEnvelope\"", "\"messageSignature\":{},\"x\""), "b"),
        AttestationException.Reason.MALFORMED,
        "messageSignature");
    refused(
        () ->
            DsseBundle.parse(
                b.replace("\"publicKey\":{", "\"certificate\":{\"rawBytes\":\"AA==\"},\"x\":{"),
                "b"),
        AttestationException.Reason.MALFORMED,
        "keyless");
    String sigs = b.replaceAll(".*\"signatures\":\\[(.*)]}}$", "$1");
    refused(
        () -> DsseBundle.parse(b.replace(sigs, sigs + "," + sigs), "b"),
        AttestationException.Reason.MALFORMED,
        "exactly one signature");
    // the alternative mediaType spelling is read
    assertThat(
            DsseBundle.parse(
                    b.replace(
                        "application/vnd.dev.sigstore.bundle.v0.3+json",
                        "application/vnd.dev.sigstore.bundle+json;version=0.3"),
                    "b")
                .hint())
        .isNotNull();
  }

  @Test
  void predicateTypeNames() throws Exception {
    assertThat(PredicateTypes.resolve("slsa-provenance/v1"))
        .isEqualTo(PredicateTypes.SLSA_PROVENANCE_V1);
    assertThat(PredicateTypes.resolve("https://example.com/x/v1"))
        .isEqualTo("https://example.com/x/v1");
    refused(
        () -> PredicateTypes.resolve("slsa"),
        AttestationException.Reason.MALFORMED,
        "absolute URI");
  }

  static AttestationException catchAtt(ThrowingCallable call) {
    try {
      call.call();
    } catch (AttestationException e) {
      return e;
    } catch (Throwable t) {
      throw new AssertionError("expected an AttestationException, got " + t, t);
    }
    throw new AssertionError("expected an AttestationException, got none");
  }

  static void refused(
      ThrowingCallable call, AttestationException.Reason reason, String... contains) {
    AttestationException e = catchAtt(call);
    assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
    assertThat(e.getMessage()).doesNotContain("\n");
    if (contains.length > 0) {
      assertThat(e.getMessage()).contains(contains);
    }
  }
}
