package dev.signet.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.json.Jcs;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonFloat;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.jws.DetachedJws;
import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyException;
import dev.signet.keys.KeyGenerator;
import dev.signet.keys.KeySet;
import dev.signet.keys.Signer;
import dev.signet.pipeline.CommandStep;
import dev.signet.pipeline.GroupStep;
import dev.signet.pipeline.Pipeline;
import dev.signet.pipeline.Plugin;
import dev.signet.pipeline.Secret;
import dev.signet.pipeline.Step;
import dev.signet.pipeline.StepJson;
import dev.signet.pipeline.StepSignature;
import dev.signet.pipeline.TriggerStep;
import dev.signet.pipeline.WaitStep;
import dev.signet.signing.CanonicalPayload;
import dev.signet.signing.PipelineSigner;
import dev.signet.signing.SignedFields;
import dev.signet.signing.SignedFieldsException;
import dev.signet.testing.StepModel;
import dev.signet.testing.TestKeys;
import dev.signet.testing.Vectors;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The worked examples D1–D8 of {@code derived_examples.json}. */
class DerivedExamplesTest {
  static final JsonObject FILE = Vectors.load("buildkite/derived_examples.json");
  static final String KEY = "EdDSA/TEST_DO_NOT_USE";

  static JsonObject example(String prefix) {
    for (JsonValue e : ((JsonArray) FILE.get("examples")).items()) {
      if (Vectors.str(e, "id").startsWith(prefix)) {
        return (JsonObject) e;
      }
    }
    throw new IllegalArgumentException(prefix);
  }

  @Test
  void everyExampleIsCovered() {
    assertThat(
            ((JsonArray) FILE.get("examples"))
                .items().stream().map(e -> Vectors.str(e, "id").substring(0, 2)))
        .containsExactly("D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8");
  }

  @Test
  void d1WholePipelineIsSignedStepByStep() throws Exception {
    JsonObject d1 = example("D1");
    Map<String, JsonObject> byPath = new LinkedHashMap<>();
    for (JsonValue s : ((JsonArray) d1.get("steps")).items()) {
      byPath.put(Vectors.str(s, "path"), (JsonObject) s);
    }
    JsonValue trigger = JsonObject.builder().put("trigger", "deploy-pipeline").build();
    List<Step> steps =
        List.of(
            StepModel.commandStep(byPath.get("steps[0]").get("model")),
            new WaitStep(new JsonString("wait")),
            new GroupStep(
                ":test_tube: tests",
                null,
                List.of(StepModel.commandStep(byPath.get("steps[2].steps[0]").get("model"))),
                JsonObject.EMPTY),
            new TriggerStep(trigger),
            StepModel.commandStep(byPath.get("steps[4]").get("model")));
    Pipeline pipeline =
        new Pipeline(
            steps,
            StepModel.stringMap(d1.get("pipeline_env_after_parsing")),
            List.of(),
            null,
            JsonObject.EMPTY,
            false);
    Map<String, String> payloads = new LinkedHashMap<>();
    Pipeline signed =
        PipelineSigner.sign(
            pipeline,
            TestKeys.signer(KEY),
            new PipelineSigner.Options(
                null,
                Vectors.str(d1, "repository_url"),
                false,
                (path, p) -> payloads.put(path, new String(p, StandardCharsets.UTF_8))));

    assertThat(payloads.keySet()).containsExactly("steps[0]", "steps[2].steps[0]", "steps[4]");
    for (Map.Entry<String, String> e : payloads.entrySet()) {
      JsonObject expected = (JsonObject) byPath.get(e.getKey()).get("expected");
      assertThat(e.getValue()).isEqualTo(Vectors.str(expected, "canonical_payload"));
    }
    assertThat(((CommandStep) signed.steps().get(0)).signature())
        .isEqualTo(sig(byPath, "steps[0]"));
    assertThat(((CommandStep) ((GroupStep) signed.steps().get(2)).steps().get(0)).signature())
        .isEqualTo(sig(byPath, "steps[2].steps[0]"));
    assertThat(((CommandStep) signed.steps().get(4)).signature())
        .isEqualTo(sig(byPath, "steps[4]"));
    assertThat(signed.steps().get(1)).isEqualTo(steps.get(1));
    assertThat(signed.steps().get(3)).isEqualTo(steps.get(3));
    // Only the signature changed.
    assertThat(((CommandStep) signed.steps().get(0)).withSignature(null)).isEqualTo(steps.get(0));
  }

  private static StepSignature sig(Map<String, JsonObject> byPath, String path) {
    return StepModel.signature(((JsonObject) byPath.get(path).get("expected")).get("signature"));
  }

  static Stream<Named<JsonObject>> d2Jobs() {
    JsonArray jobs = (JsonArray) example("D2").get("jobs");
    List<Named<JsonObject>> out = new ArrayList<>();
    for (int i = 0; i < jobs.size(); i++) {
      out.add(
          Named.of(
              "job " + i + ": " + Vectors.str(jobs.get(i), "expected_outcome"),
              (JsonObject) jobs.get(i)));
    }
    return out.stream();
  }

  @ParameterizedTest
  @MethodSource("d2Jobs")
  void d2AgentVerifiesMatrixJobs(JsonObject j) throws Exception {
    JsonObject d2 = example("D2");
    CommandStep step = StepModel.commandStep(d2.get("step_as_received"));
    assertThat(step.signature()).isEqualTo(StepModel.signature(d2.get("signature")));
    Job job =
        new Job(
            "j",
            StepModel.stringMap(j.get("job_env")),
            step,
            StepModel.stringMap(j.get("matrix_permutation")));
    if (j.get("verify_side_payload") instanceof JsonString payload) {
      SignedFields fields =
          SignedFields.forVerification(
              step, step.signature().signedFields(), job.env(), job.env().get("BUILDKITE_REPO"));
      assertThat(new String(CanonicalPayload.of("EdDSA", fields), StandardCharsets.UTF_8))
          .isEqualTo(payload.value());
    }
    JobVerdict verdict =
        new JobVerifier(TestKeys.verificationKeys(KEY), JobVerifier.FailureBehavior.BLOCK)
            .verify(job);
    String outcome = Vectors.str(j, "expected_outcome");
    if (outcome.startsWith("pass")) {
      assertThat(verdict).isInstanceOf(JobVerdict.Verified.class);
      assertThat(verdict.step().command()).isEqualTo(job.env().get("BUILDKITE_COMMAND"));
      return;
    }
    String kind = outcome.substring("fail: ".length(), outcome.indexOf(" ("));
    String detail = outcome.substring(outcome.indexOf(" (") + 2, outcome.length() - 1);
    assertThat(verdict)
        .isInstanceOfSatisfying(
            JobVerdict.Failed.class,
            f -> {
              assertThat(f.mayRun()).isFalse();
              switch (kind) {
                case "ErrInvalidJob" -> {
                  assertThat(f.check()).isEqualTo(JobVerdict.Check.JOB_MISMATCH);
                  assertThat(f.field()).isEqualTo("matrix");
                  assertThat(f.detail()).isEqualTo(detail);
                }
                case "ErrVerificationFailed" -> {
                  assertThat(f.check()).isEqualTo(JobVerdict.Check.INVALID_SIGNATURE);
                  if (detail.startsWith("variable")) {
                    assertThat(f.detail()).isEqualTo(detail);
                    assertThat(f.field()).isEqualTo("env::DEPLOY_ENV");
                  }
                }
                default -> throw new AssertionError(kind);
              }
            });
  }

  @Test
  void d3SecretsMergeOnlyInToolSignOfflineAndOnlyTopLevel() throws Exception {
    JsonObject d3 = example("D3");
    Pipeline pipeline =
        new Pipeline(
            List.of(
                CommandStep.of("make deploy")
                    .withSecrets(List.of(new Secret("db-url-secret", "DB_URL"))),
                new GroupStep("g", null, List.of(CommandStep.of("make nested")), JsonObject.EMPTY)),
            new LinkedHashMap<>(),
            List.of(new Secret("SHARED_TOKEN", "SHARED_TOKEN")),
            null,
            JsonObject.EMPTY,
            false);
    String repo = Vectors.str(d3, "repository_url");
    for (String mode : List.of("tool_sign_offline", "pipeline_upload")) {
      JsonObject expected = (JsonObject) d3.get(mode);
      Pipeline signed =
          PipelineSigner.sign(
              pipeline,
              TestKeys.signer(KEY),
              new PipelineSigner.Options(null, repo, mode.equals("tool_sign_offline"), null));
      assertThat(((CommandStep) signed.steps().get(0)).signature())
          .as(mode)
          .isEqualTo(StepModel.signature(((JsonObject) expected.get("steps[0]")).get("signature")));
      if (expected.has("steps[1].steps[0]")) {
        assertThat(((CommandStep) ((GroupStep) signed.steps().get(1)).steps().get(0)).signature())
            .isEqualTo(
                StepModel.signature(
                    ((JsonObject) expected.get("steps[1].steps[0]")).get("signature")));
      }
    }
  }

  @Test
  void d4JcsEdgeCasesInPluginConfig() throws Exception {
    JsonObject d4 = example("D4");
    JsonObject plugin = (JsonObject) ((JsonArray) d4.get("plugins_model")).get(0);
    JsonObject described = (JsonObject) plugin.get("config_description");
    // Floats are described as strings in the vector (JSON cannot carry 1.0 or -0.0 distinctly).
    List<String> floats =
        List.of("float_one", "float", "exp_big", "exp_small", "tiny_ok", "neg_zero");
    JsonObject.Builder config = JsonObject.builder();
    described
        .members()
        .forEach((k, v) ->
            config.put(
                k,
                floats.contains(k)
                    ? new JsonFloat(Double.parseDouble(((JsonString) v).value()))
                    : v));
    List<Plugin> plugins = List.of(new Plugin(Vectors.str(plugin, "source"), config.build()));
    assertThat(Jcs.canonicalString(StepJson.plugins(plugins)))
        .isEqualTo(Vectors.str(d4, "expected_plugins_value_jcs"));
    JsonObject signedWith = (JsonObject) d4.get("signed_with_EdDSA");
    CommandStep signed =
        PipelineSigner.signStep(
            CommandStep.of("true").withPlugins(plugins),
            TestKeys.signer(KEY),
            new LinkedHashMap<>(),
            "git@github.com:acme/widgets.git");
    assertThat(signed.signature()).isEqualTo(StepModel.signature(signedWith.get("signature")));
  }

  static Stream<Named<JsonObject>> d5Cases() {
    return ((JsonArray) example("D5").get("cases"))
        .items().stream().map(c -> Named.of(Vectors.str(c, "name"), (JsonObject) c));
  }

  @ParameterizedTest
  @MethodSource("d5Cases")
  void d5MatrixSerialisation(JsonObject c) {
    assertThat(Jcs.canonicalString(StepJson.matrix(StepModel.matrix(c.get("model")))))
        .isEqualTo(Vectors.str(c, "signed_value_jcs"));
  }

  @Test
  void d5SkipEmptyStringIsOmittedButStillSkips() throws Exception {
    JsonObject c =
        d5Cases()
            .filter(n -> n.getName().startsWith("skip empty"))
            .findFirst()
            .orElseThrow()
            .getPayload();
    assertThatThrownBy(
            () -> MatrixPermutations.validate(StepModel.matrix(c.get("model")), Map.of("x", "1")))
        .hasMessage("permutation is skipped by adjustment");
    assertThat(MatrixPermutations.enumerate(StepModel.matrix(c.get("model")))).isEmpty();
  }

  static Stream<Named<JsonObject>> d6Cases() {
    return ((JsonArray) example("D6").get("cases"))
        .items().stream().map(c -> Named.of(Vectors.str(c, "source"), (JsonObject) c));
  }

  @ParameterizedTest
  @MethodSource("d6Cases")
  void d6PluginFullSource(JsonObject c) {
    assertThat(StepJson.fullSource(Vectors.str(c, "source")))
        .isEqualTo(Vectors.str(c, "full_source"));
  }

  static Stream<Named<JsonObject>> d7Cases() {
    return ((JsonArray) example("D7").get("cases"))
        .items().stream()
            .map(c ->
                Named.of(
                    StepModel.strings((JsonArray) ((JsonObject) c).get("signed_fields")).toString(),
                    (JsonObject) c));
  }

  @ParameterizedTest
  @MethodSource("d7Cases")
  void d7SignedFieldsAcceptance(JsonObject c) throws Exception {
    JsonObject d7 = example("D7");
    CommandStep step = StepModel.commandStep(d7.get("step"));
    Map<String, String> env = StepModel.stringMap(d7.get("job_env"));
    List<String> fields = StepModel.strings((JsonArray) c.get("signed_fields"));
    String repo = env.get("BUILDKITE_REPO");
    if (Vectors.str(c, "values_result").equals("ok")) {
      SignedFields f = SignedFields.forVerification(step, fields, env, repo);
      assertThat(new String(CanonicalPayload.of("EdDSA", f), StandardCharsets.UTF_8))
          .isEqualTo(Vectors.str(c, "verify_payload"));
    } else {
      assertThatThrownBy(() -> SignedFields.forVerification(step, fields, env, repo))
          .isInstanceOf(SignedFieldsException.class)
          .hasMessage(Vectors.str(c, "error"));
    }
  }

  static Stream<Named<JsonObject>> d8Cases() {
    return ((JsonArray) example("D8").get("cases"))
        .items().stream().map(c -> Named.of(Vectors.str(c, "key"), (JsonObject) c));
  }

  @ParameterizedTest
  @MethodSource("d8Cases")
  void d8ProtectedHeaderBytes(JsonObject c) throws Exception {
    String key = Vectors.str(c, "key");
    Signer signer =
        key.startsWith("JWK")
            ? TestKeys.signer(KEY)
            : key.startsWith("HS256")
                ? TestKeys.signer("HS256/alpacas#chartreuse")
                : withoutKeyId(
                    KeySet.parse(
                            KeyGenerator.generate(Algorithm.ES256, "kms", new SecureRandom())
                                .privateJwks(),
                            "kms")
                        .signer(null));
    String value = DetachedJws.sign(signer, "{}".getBytes(StandardCharsets.UTF_8));
    String header = value.substring(0, value.indexOf('.'));
    assertThat(header).isEqualTo(Vectors.str(c, "b64"));
    assertThat(new String(Base64.getUrlDecoder().decode(header), StandardCharsets.UTF_8))
        .isEqualTo(Vectors.str(c, "header"));
  }

  /** A KMS-style signer: the same key, no kid in the header. */
  private static Signer withoutKeyId(Signer s) {
    return new Signer() {
      @Override
      public Algorithm algorithm() {
        return s.algorithm();
      }

      @Override
      public @Nullable String keyId() {
        return null;
      }

      @Override
      public byte[] sign(byte[] signingInput) throws KeyException {
        return s.sign(signingInput);
      }
    };
  }
}
