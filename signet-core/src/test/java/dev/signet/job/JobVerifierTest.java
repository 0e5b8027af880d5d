package dev.signet.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.json.JsonFloat;
import dev.signet.json.JsonObject;
import dev.signet.keys.Signer;
import dev.signet.keys.VerificationKeys;
import dev.signet.pipeline.CommandStep;
import dev.signet.pipeline.Pipeline;
import dev.signet.pipeline.Plugin;
import dev.signet.pipeline.StepSignature;
import dev.signet.signing.PipelineSigner;
import dev.signet.testing.TestKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JobVerifierTest {
  static Signer signer;
  static VerificationKeys keys;

  @BeforeAll
  static void keys() throws Exception {
    signer = TestKeys.signer("EdDSA/TEST_DO_NOT_USE");
    keys = TestKeys.verificationKeys("EdDSA/TEST_DO_NOT_USE");
  }

  static Job signedJob(CommandStep step, Map<String, String> envOverrides) throws Exception {
    Pipeline p =
        new Pipeline(
            List.of(step), new LinkedHashMap<>(), List.of(), null, JsonObject.EMPTY, false);
    Pipeline signed = PipelineSigner.sign(p, signer, PipelineSigner.Options.forRepository("r"));
    Job job = JobExpander.expand(signed, "r", Map.of()).getFirst();
    LinkedHashMap<String, String> env = new LinkedHashMap<>(job.env());
    env.putAll(envOverrides);
    return new Job(job.id(), env, job.step(), job.matrixPermutation());
  }

  static JobVerdict verify(Job job) {
    return new JobVerifier(keys, JobVerifier.FailureBehavior.BLOCK).verify(job);
  }

  @Test
  void pluginsAreComparedSemantically() throws Exception {
    CommandStep step =
        CommandStep.of("x")
            .withPlugins(
                List.of(
                    new Plugin(
                        "docker#v1",
                        JsonObject.builder().put("b", "2").put("a", new JsonFloat(1.0)).build())));
    String reordered =
        "[ {\"github.com/buildkite-plugins/docker-buildkite-plugin#v1\": {\"a\": 1.0, \"b\":"
            + " \"2\"}} ]";
    assertThat(verify(signedJob(step, Map.of("BUILDKITE_PLUGINS", reordered))))
        .isInstanceOf(JobVerdict.Verified.class);
    String changed = reordered.replace("\"2\"", "\"3\"");
    assertThat(verify(signedJob(step, Map.of("BUILDKITE_PLUGINS", changed))))
        .isInstanceOfSatisfying(
            JobVerdict.Failed.class,
            f -> {
              assertThat(f.check()).isEqualTo(JobVerdict.Check.JOB_MISMATCH);
              assertThat(f.field()).isEqualTo("plugins");
              assertThat(f.step()).isNotNull();
            });
    assertThat(verify(signedJob(step, Map.of("BUILDKITE_PLUGINS", "{not json"))))
        .isInstanceOfSatisfying(
            JobVerdict.Failed.class,
            f -> assertThat(f.detail()).isEqualTo("BUILDKITE_PLUGINS is not valid JSON"));
  }

  @Test
  void emptyPluginFormsAreEquivalentButNotWhenTheStepHasPlugins() throws Exception {
    for (String empty : List.of("", "null", "[]")) {
      assertThat(verify(signedJob(CommandStep.of("x"), Map.of("BUILDKITE_PLUGINS", empty))))
          .as(empty)
          .isInstanceOf(JobVerdict.Verified.class);
    }
    assertThat(
            verify(
                signedJob(CommandStep.of("x"), Map.of("BUILDKITE_PLUGINS", "[{\"evil\":null}]"))))
        .isInstanceOfSatisfying(
            JobVerdict.Failed.class, f -> assertThat(f.field()).isEqualTo("plugins"));
    CommandStep withPlugin =
        CommandStep.of("x").withPlugins(List.of(new Plugin("docker#v1", null)));
    assertThat(verify(signedJob(withPlugin, Map.of("BUILDKITE_PLUGINS", "[]"))))
        .isInstanceOfSatisfying(
            JobVerdict.Failed.class, f -> assertThat(f.field()).isEqualTo("plugins"));
  }

  @Test
  void noKeyAndNoSignatureRunsUnchecked() {
    Job job =
        new Job(
            "j",
            new LinkedHashMap<>(Map.of("BUILDKITE_COMMAND", "x")),
            CommandStep.of("x"),
            new LinkedHashMap<>());
    JobVerdict v = new JobVerifier(null, JobVerifier.FailureBehavior.BLOCK).verify(job);
    assertThat(v).isInstanceOf(JobVerdict.NotChecked.class);
    assertThat(v.mayRun()).isTrue();
    assertThat(v.step()).isEqualTo(CommandStep.of("x"));
  }

  @Test
  void detailsNameVariablesButNeverValues() throws Exception {
    LinkedHashMap<String, String> env = new LinkedHashMap<>(Map.of("TOKEN", "s3cr3t-value"));
    Job job = signedJob(CommandStep.of("x").withEnv(env), Map.of("TOKEN", "other-s3cr3t"));
    assertThat(verify(job))
        .isInstanceOfSatisfying(
            JobVerdict.Failed.class,
            f -> {
              assertThat(f.check()).isEqualTo(JobVerdict.Check.JOB_MISMATCH);
              assertThat(f.field()).isEqualTo("env");
              assertThat(f.detail()).contains("TOKEN").doesNotContain("s3cr3t");
            });
  }

  @Test
  void aMatrixJobWithoutPermutationIsRefusedAndWarnStillRuns() throws Exception {
    CommandStep step =
        CommandStep.of("echo {{matrix}}")
            .withMatrix(dev.signet.pipeline.Matrix.anonymous(List.of("a")));
    Job job = signedJob(step, Map.of());
    Job bare = new Job(job.id(), job.env(), job.step(), new LinkedHashMap<>());
    assertThat(verify(bare))
        .isInstanceOfSatisfying(
            JobVerdict.Failed.class,
            f -> {
              assertThat(f.check()).isEqualTo(JobVerdict.Check.JOB_MISMATCH);
              assertThat(f.detail()).isEqualTo("permutation has wrong length: 0 != 1");
              assertThat(f.mayRun()).isFalse();
            });
    JobVerdict warned = new JobVerifier(keys, JobVerifier.FailureBehavior.WARN).verify(bare);
    assertThat(warned.mayRun()).isTrue();
    assertThat(warned).isInstanceOf(JobVerdict.Failed.class);
  }

  /**
   * The job comparison after the signature check (spec §6 step 2.4) only sees field names the
   * signature check accepted: an unknown field or a missing {@code env::} variable is refused as an
   * invalid signature, naming the field, before any comparison.
   */
  @Test
  void unknownFieldsAndMissingVariablesAreRefusedByTheSignatureCheck() throws Exception {
    LinkedHashMap<String, String> pipelineEnv = new LinkedHashMap<>(Map.of("DEPLOY", "prod"));
    CommandStep signed = PipelineSigner.signStep(CommandStep.of("x"), signer, pipelineEnv, "r");
    LinkedHashMap<String, String> env = new LinkedHashMap<>(Map.of("BUILDKITE_COMMAND", "x"));
    env.put("BUILDKITE_REPO", "r");

    Job missing = new Job("j", env, signed, new LinkedHashMap<>());
    assertThat(verify(missing))
        .isInstanceOfSatisfying(
            JobVerdict.Failed.class,
            f -> {
              assertThat(f.check()).isEqualTo(JobVerdict.Check.INVALID_SIGNATURE);
              assertThat(f.field()).isEqualTo("env::DEPLOY");
              assertThat(f.step()).isNull();
            });

    env.put("DEPLOY", "prod");
    assertThat(verify(new Job("j", env, signed, new LinkedHashMap<>())))
        .isInstanceOf(JobVerdict.Verified.class);
    StepSignature sig = signed.signature();
    List<String> withUnknown = new ArrayList<>(sig.signedFields());
    withUnknown.add("timeout_in_minutes");
    CommandStep unknown =
        signed.withSignature(new StepSignature(sig.algorithm(), withUnknown, sig.value()));
    assertThat(verify(new Job("j", env, unknown, new LinkedHashMap<>())))
        .isInstanceOfSatisfying(
            JobVerdict.Failed.class,
            f -> {
              assertThat(f.check()).isEqualTo(JobVerdict.Check.INVALID_SIGNATURE);
              assertThat(f.field()).isEqualTo("timeout_in_minutes");
              assertThat(f.detail())
                  .isEqualTo("unknown or unsupported field for signing \"timeout_in_minutes\"");
            });
  }
}
