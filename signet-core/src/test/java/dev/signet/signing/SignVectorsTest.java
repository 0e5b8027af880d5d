package dev.signet.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.json.Jcs;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.jws.DetachedJws;
import dev.signet.keys.Algorithm;
import dev.signet.keys.KeySet;
import dev.signet.keys.Signer;
import dev.signet.keys.VerificationKeys;
import dev.signet.pipeline.CommandStep;
import dev.signet.pipeline.Pipeline;
import dev.signet.pipeline.StepSignature;
import dev.signet.pipeline.UnknownStep;
import dev.signet.testing.StepModel;
import dev.signet.testing.TestKeys;
import dev.signet.testing.Vectors;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of {@code go-pipeline_signature_sign_test.json} (go-pipeline signature/sign_test.go).
 */
class SignVectorsTest {
  static final String FILE = "buildkite/go-pipeline_signature_sign_test.json";

  static Stream<Named<JsonObject>> tests() {
    return ((JsonArray) Vectors.load(FILE).get("tests"))
        .items().stream().map(t -> Named.of(Vectors.str(t, "go_test"), (JsonObject) t));
  }

  static Stream<Named<JsonObject>> signVerifyTests() {
    return tests()
        .filter(t ->
            t.getPayload().has("sign_input")
                && t.getPayload().has("expected")
                && ((JsonObject) t.getPayload().get("expected")).has("signature"));
  }

  static boolean deterministic(JsonObject t) {
    String alg = Vectors.str(t, "expected", "signature", "algorithm");
    return alg.equals("EdDSA") || alg.equals("HS256");
  }

  static Stream<Named<JsonObject>> deterministicTests() {
    return signVerifyTests().filter(t -> deterministic(t.getPayload()));
  }

  static Stream<Named<JsonObject>> randomisedTests() {
    return signVerifyTests().filter(t -> !deterministic(t.getPayload()));
  }

  static Stream<Named<JsonObject>> verifyTests() {
    return signVerifyTests().filter(t -> t.getPayload().has("verify_input"));
  }

  @Test
  void everyTestIsCovered() {
    List<JsonObject> all = tests().map(Named::getPayload).toList();
    assertThat(all).hasSize(39);
    assertThat(deterministicTests().count() + randomisedTests().count())
        .isEqualTo(signVerifyTests().count());
    assertThat(randomisedTests().count()).isEqualTo(3);
    // Each test is either a sign/verify case or one of the special kinds below.
    long special =
        all.stream()
            .filter(t -> !((JsonObject) t.get("expected")).has("signature") || !t.has("sign_input"))
            .count();
    assertThat(signVerifyTests().count() + special).isEqualTo(all.size());
  }

  @ParameterizedTest
  @MethodSource("signVerifyTests")
  void signedFieldsAndCanonicalPayloadAreByteExact(JsonObject t) throws Exception {
    JsonObject in = (JsonObject) t.get("sign_input");
    JsonObject expected = (JsonObject) t.get("expected");
    SignedFields fields =
        SignedFields.forSigning(
            StepModel.commandStep(in.get("step")),
            StepModel.stringMap(in.get("outer_env_pipeline")),
            Vectors.str(in, "repository_url"));
    assertThat(fields.names())
        .isEqualTo(StepModel.strings((JsonArray) expected.get("signed_fields")));
    assertThat(Jcs.canonicalString(JsonObject.of(fields.values())))
        .isEqualTo(Vectors.str(expected, "values_jcs"));
    String alg = Vectors.str(expected, "signature", "algorithm");
    byte[] payload = CanonicalPayload.of(alg, fields);
    assertThat(new String(payload, StandardCharsets.UTF_8))
        .isEqualTo(Vectors.str(expected, "canonical_payload"));
    assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload)))
        .isEqualTo(Vectors.str(expected, "payload_sha256"));
    String value = Vectors.str(expected, "signature", "value");
    String header = value.substring(0, value.indexOf('.'));
    assertThat(new String(Base64.getUrlDecoder().decode(header), StandardCharsets.UTF_8))
        .isEqualTo(Vectors.str(expected, "jws_protected_header"));
  }

  /** EdDSA and HMAC are deterministic: Signet must produce the vector's value byte for byte. */
  @ParameterizedTest
  @MethodSource("deterministicTests")
  void deterministicSignaturesAreByteExact(JsonObject t) throws Exception {
    JsonObject in = (JsonObject) t.get("sign_input");
    CommandStep signed =
        PipelineSigner.signStep(
            StepModel.commandStep(in.get("step")),
            TestKeys.signer(keyId(t)),
            StepModel.stringMap(in.get("outer_env_pipeline")),
            Vectors.str(in, "repository_url"));
    assertThat(signed.signature())
        .isEqualTo(StepModel.signature(((JsonObject) t.get("expected")).get("signature")));
  }

  /** ES*, PS*: the vector's sample signature verifies, and so does a fresh one from Signet. */
  @ParameterizedTest
  @MethodSource("randomisedTests")
  void randomisedSignaturesVerifyBothWays(JsonObject t) throws Exception {
    String alg = Vectors.str(t, "expected", "signature", "algorithm");
    JsonObject in = (JsonObject) t.get("sign_input");
    CommandStep step = StepModel.commandStep(in.get("step"));
    SequencedMap<String, String> env = StepModel.stringMap(in.get("outer_env_pipeline"));
    String repo = Vectors.str(in, "repository_url");
    VerificationKeys keys = TestKeys.verificationKeys(keyId(t));
    StepSignature sample = StepModel.signature(((JsonObject) t.get("expected")).get("signature"));
    VerifiedStep v = StepVerifier.verify(step.withSignature(sample), env, repo, keys);
    assertThat(v.algorithm().jwa()).isEqualTo(alg);
    JsonObject expected = (JsonObject) t.get("expected");
    if (expected.has("pinned_value_from_go_test")) {
      StepSignature pinned =
          new StepSignature(
              alg, sample.signedFields(), Vectors.str(expected, "pinned_value_from_go_test"));
      assertThat(StepVerifier.verify(step.withSignature(pinned), env, repo, keys).keyId()).isNull();
    } else {
      CommandStep fresh = PipelineSigner.signStep(step, TestKeys.signer(keyId(t)), env, repo);
      assertThat(fresh.signature().value()).isNotEqualTo(sample.value()); // randomised
      assertThat(StepVerifier.verify(fresh, env, repo, keys).signedFields())
          .isEqualTo(sample.signedFields());
    }
  }

  @ParameterizedTest
  @MethodSource("verifyTests")
  void verificationPassesOrFailsAtTheExpectedStage(JsonObject t) throws Exception {
    JsonObject expected = (JsonObject) t.get("expected");
    JsonObject verify = (JsonObject) expected.get("verify");
    JsonObject in = (JsonObject) t.get("verify_input");
    CommandStep step = StepModel.commandStep(in.get("step"));
    StepSignature sig = StepModel.signature(expected.get("signature"));
    Map<String, String> env = StepModel.stringMap(in.get("outer_env_job"));
    String repo = Vectors.str(in, "repository_url");
    if (verify.has("canonical_payload")) {
      SignedFields fields = SignedFields.forVerification(step, sig.signedFields(), env, repo);
      assertThat(new String(CanonicalPayload.of(sig.algorithm(), fields), StandardCharsets.UTF_8))
          .isEqualTo(Vectors.str(verify, "canonical_payload"));
    }
    VerificationKeys keys = TestKeys.verificationKeys(keyId(t));
    switch (Vectors.str(verify, "outcome")) {
      case "pass" ->
          assertThat(StepVerifier.verify(step.withSignature(sig), env, repo, keys).signedFields())
              .isEqualTo(sig.signedFields());
      case "fail" -> {
        String stage = Vectors.str(verify, "stage");
        StepVerificationException.Reason reason =
            stage.equals("jws.Verify")
                ? StepVerificationException.Reason.BAD_SIGNATURE
                : StepVerificationException.Reason.REQUIRED_FIELDS_MISSING;
        assertThatThrownBy(() -> StepVerifier.verify(step.withSignature(sig), env, repo, keys))
            .isInstanceOfSatisfying(
                StepVerificationException.class,
                e -> {
                  assertThat(e.reason()).isEqualTo(reason);
                  if (stage.equals("ValuesForFields")) {
                    assertThat("obtaining values for fields: " + e.getMessage())
                        .isEqualTo(Vectors.str(verify, "error"));
                  }
                });
      }
      default -> throw new AssertionError("unknown outcome");
    }
  }

  @Test
  void concatenatedFieldsSignDistinctly() throws Exception {
    JsonObject t = test("TestSignConcatenatedFields");
    Signer signer = TestKeys.signer(keyId(t));
    HashSet<String> values = new HashSet<>();
    for (JsonValue c : ((JsonArray) t.get("cases")).items()) {
      JsonObject vals = (JsonObject) ((JsonObject) c).get("values");
      byte[] payload = CanonicalPayload.of("HS256", vals.members());
      assertThat(new String(payload, StandardCharsets.UTF_8))
          .isEqualTo(Vectors.str(c, "canonical_payload"));
      String value = DetachedJws.sign(signer, payload);
      assertThat(value).isEqualTo(Vectors.str(c, "signature_value"));
      values.add(value);
    }
    assertThat(values).hasSize(((JsonArray) t.get("cases")).size());
  }

  @Test
  void unknownAlgorithmIsBoundIntoThePayloadAndCannotSign() throws Exception {
    JsonObject t = test("TestUnknownAlgorithm");
    JsonObject in = (JsonObject) t.get("sign_input");
    CommandStep step = StepModel.commandStep(in.get("step"));
    SignedFields fields = SignedFields.forSigning(step, new LinkedHashMap<>(), "");
    assertThat(new String(CanonicalPayload.of("rot13", fields), StandardCharsets.UTF_8))
        .isEqualTo(Vectors.str(t, "expected", "canonical_payload_that_would_have_been_signed"));
    // Signers carry an Algorithm, so "rot13" cannot even be expressed; a step claiming it fails.
    assertThat(Algorithm.fromJwa("rot13")).isEmpty();
    CommandStep signed =
        PipelineSigner.signStep(
            step, TestKeys.signer("HS256/alpacas#chartreuse"), new LinkedHashMap<>(), "");
    StepSignature claimed =
        new StepSignature("rot13", signed.signature().signedFields(), signed.signature().value());
    assertThatThrownBy(() ->
            StepVerifier.verify(
                signed.withSignature(claimed),
                Map.of(),
                "",
                TestKeys.verificationKeys("HS256/alpacas#chartreuse")))
        .isInstanceOfSatisfying(
            StepVerificationException.class,
            e ->
                assertThat(e.reason())
                    .isEqualTo(StepVerificationException.Reason.ALGORITHM_MISMATCH));
  }

  @Test
  void badSignatureIsRefused() throws Exception {
    JsonObject t = test("TestVerifyBadSignature");
    JsonObject in = (JsonObject) t.get("verify_input");
    CommandStep step = StepModel.commandStep(in.get("step"));
    StepSignature sig = StepModel.signature(in.get("signature"));
    VerificationKeys keys = TestKeys.verificationKeys("HS256/alpacas#chartreuse");
    assertThatThrownBy(() -> StepVerifier.verify(step.withSignature(sig), Map.of(), "", keys))
        .isInstanceOfSatisfying(
            StepVerificationException.class,
            e -> {
              assertThat(e.reason())
                  .isEqualTo(StepVerificationException.Reason.REQUIRED_FIELDS_MISSING);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "one or more required fields are not present: [env matrix plugins"
                          + " repository_url]");
            });
    // With a complete field list the value itself is refused: it is not a compact JWS.
    StepSignature full =
        new StepSignature(
            "HS256", List.of("command", "env", "matrix", "plugins", "repository_url"), sig.value());
    assertThatThrownBy(() -> StepVerifier.verify(step.withSignature(full), Map.of(), "", keys))
        .isInstanceOfSatisfying(
            StepVerificationException.class,
            e -> assertThat(e.reason()).isEqualTo(StepVerificationException.Reason.MALFORMED));
  }

  @Test
  void unknownStepIsRefused() throws Exception {
    JsonObject t = test("TestSignUnknownStep");
    JsonValue raw = ((JsonArray) ((JsonObject) t.get("input")).get("steps")).get(0);
    Pipeline p =
        new Pipeline(
            List.of(new UnknownStep(raw, "step type could not be determined", "line 2, column 5")),
            new LinkedHashMap<>(),
            List.of(),
            null,
            JsonObject.EMPTY,
            false);
    String goError = Vectors.str(t, "expected", "error");
    String goPrefix = goError.substring(0, goError.indexOf(" - please"));
    assertThatThrownBy(() ->
            PipelineSigner.sign(
                p,
                TestKeys.signer("EdDSA/TEST_DO_NOT_USE"),
                PipelineSigner.Options.forRepository("r")))
        .isInstanceOfSatisfying(
            PipelineSigningException.class,
            e -> {
              assertThat(e.getMessage())
                  .startsWith(goPrefix)
                  .contains("steps[0] (line 2, column 5)");
              assertThat(e.reason()).isEqualTo(PipelineSigningException.Reason.UNKNOWN_STEP);
            });
  }

  @Test
  void signatureIsStableUnderMapOrder() throws Exception {
    JsonObject t = test("TestSignatureStability");
    JsonObject in = (JsonObject) t.get("sign_input");
    JsonObject reversedStep = reverse((JsonObject) in.get("step"));
    Signer signer = TestKeys.signer(keyId(t));
    CommandStep a =
        PipelineSigner.signStep(
            StepModel.commandStep(in.get("step")),
            signer,
            StepModel.stringMap(in.get("outer_env_pipeline")),
            "fake-repo");
    CommandStep b =
        PipelineSigner.signStep(
            StepModel.commandStep(reversedStep),
            signer,
            StepModel.stringMap(reverse((JsonObject) in.get("outer_env_pipeline"))),
            "fake-repo");
    assertThat(StepModel.commandStep(reversedStep).env().firstEntry())
        .isNotEqualTo(StepModel.commandStep(in.get("step")).env().firstEntry());
    assertThat(a.signature()).isEqualTo(b.signature());
    assertThat(a.signature())
        .isEqualTo(StepModel.signature(((JsonObject) t.get("expected")).get("signature")));
  }

  @Test
  void debugSigningSeesThePayloadBuildkiteLogs() throws Exception {
    JsonObject t = test("TestDebugSigning");
    String line = Vectors.str(t, "expected", "logged_only_with_debug_signing");
    String payload = line.substring("Signed Step: ".length(), line.lastIndexOf(" checksum: "));
    String checksum = line.substring(line.lastIndexOf(' ') + 1);
    JsonObject first = test("TestSignVerify/EdDSA Ed25519");
    JsonObject in = (JsonObject) first.get("sign_input");
    Pipeline p =
        new Pipeline(
            List.of(StepModel.commandStep(in.get("step"))),
            StepModel.stringMap(in.get("outer_env_pipeline")),
            List.of(),
            null,
            JsonObject.EMPTY,
            false);
    List<String> seen = new ArrayList<>();
    PipelineSigner.sign(
        p,
        TestKeys.signer(keyId(t)),
        new PipelineSigner.Options(
            null,
            "fake-repo",
            false,
            (path, bytes) -> seen.add(path + " " + new String(bytes, StandardCharsets.UTF_8))));
    assertThat(seen).containsExactly("steps[0] " + payload);
    assertThat(
            HexFormat.of()
                .formatHex(
                    MessageDigest.getInstance("SHA-256")
                        .digest(payload.getBytes(StandardCharsets.UTF_8))))
        .isEqualTo(checksum);
    String thumb = Vectors.str(t, "expected", "always_logged_debug_line");
    assertThat(
            KeySet.parse(Vectors.buildkiteJwks("EdDSA/TEST_DO_NOT_USE-public"), "k")
                .describe()
                .getFirst()
                .thumbprint())
        .isEqualTo(thumb.substring(thumb.lastIndexOf(' ') + 1));
  }

  static JsonObject reverse(JsonObject o) {
    List<Map.Entry<String, JsonValue>> entries = new ArrayList<>(o.members().entrySet());
    java.util.Collections.reverse(entries);
    LinkedHashMap<String, JsonValue> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonValue> e : entries) {
      JsonValue v = e.getValue();
      if (v instanceof JsonObject child) {
        v = reverse(child);
      } else if (v instanceof JsonArray a) {
        v =
            new JsonArray(
                a.items().stream().map(i -> i instanceof JsonObject c ? reverse(c) : i).toList());
      }
      out.put(e.getKey(), v);
    }
    return new JsonObject(out);
  }

  static JsonObject test(String goTest) {
    return tests().filter(n -> n.getName().equals(goTest)).findFirst().orElseThrow().getPayload();
  }

  /** The key id without the vectors' annotations ({@code "HS256/x (verifier set)"}). */
  static String keyId(JsonObject t) {
    String k = ((JsonString) t.get("key")).value();
    int cut = k.indexOf(" (");
    if (cut < 0) {
      cut = k.indexOf(" with ");
    }
    return cut < 0 ? k : k.substring(0, cut);
  }
}
