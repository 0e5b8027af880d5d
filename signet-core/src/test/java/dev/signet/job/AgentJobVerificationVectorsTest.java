package dev.signet.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.keys.VerificationKeys;
import dev.signet.pipeline.CommandStep;
import dev.signet.signing.CanonicalPayload;
import dev.signet.signing.PipelineSigner;
import dev.signet.signing.SignedFields;
import dev.signet.testing.StepModel;
import dev.signet.testing.TestKeys;
import dev.signet.testing.Vectors;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * All 25 cases of {@code agent_job_verification_integration_test.json}: the job's step is signed
 * with the HS256 test key exactly as the Go test does, then the job is verified with the agent's
 * configuration, and the verdict must match the agent's (refused under block, run under warn).
 */
class AgentJobVerificationVectorsTest {
  static Stream<Named<JsonObject>> cases() {
    return ((JsonArray)
            Vectors.load("buildkite/agent_job_verification_integration_test.json").get("tests"))
        .items().stream().map(t -> Named.of(Vectors.str(t, "go_test"), (JsonObject) t));
  }

  @Test
  void all25CasesAreRun() {
    assertThat(cases()).hasSize(25);
  }

  @ParameterizedTest
  @MethodSource("cases")
  void verdictMatchesTheAgent(JsonObject t) throws Exception {
    JsonObject jobJson = (JsonObject) t.get("job");
    JsonObject derived = (JsonObject) t.get("derived");
    CommandStep step = StepModel.commandStep(jobJson.get("step"));

    if (t.get("signing_key") instanceof JsonString key) {
      var pipelineEnv = StepModel.stringMap(t.get("pipeline_upload_env_used_for_signing"));
      String repo = Vectors.str(t, "repository_url_used_for_signing");
      JsonObject signing = (JsonObject) derived.get("signing");
      SignedFields fields = SignedFields.forSigning(step, pipelineEnv, repo);
      assertThat(new String(CanonicalPayload.of("HS256", fields), StandardCharsets.UTF_8))
          .isEqualTo(Vectors.str(signing, "canonical_payload"));
      step = PipelineSigner.signStep(step, TestKeys.signer(key.value()), pipelineEnv, repo);
      assertThat(step.signature()).isEqualTo(StepModel.signature(signing.get("signature")));
    }

    Job job =
        new Job(
            "job",
            StepModel.stringMap(jobJson.get("env")),
            step,
            StepModel.stringMap(jobJson.get("matrix_permutation")));
    VerificationKeys keys = null;
    if (t.get("verification_jwks") instanceof JsonArray ids) {
      List<String> kids = new ArrayList<>();
      for (JsonValue id : ids.items()) {
        String s = ((JsonString) id).value();
        kids.add(s.substring(s.indexOf('#') >= 0 ? s.indexOf('#') + 1 : s.indexOf('/') + 1));
      }
      keys = TestKeys.hmacKeysNamed(kids.toArray(String[]::new));
    }
    JobVerifier.FailureBehavior behavior =
        Vectors.str(t, "agent_config", "verification_failure_behavior").equals("warn")
            ? JobVerifier.FailureBehavior.WARN
            : JobVerifier.FailureBehavior.BLOCK;

    JobVerdict verdict = new JobVerifier(keys, behavior).verify(job);

    boolean runs = Vectors.str(t, "expected_from_go_test", "exit_status").equals("0");
    assertThat(verdict.mayRun()).as("job runs").isEqualTo(runs);
    String result = Vectors.str(derived, "verification_result");
    switch (result) {
      case "ok" -> {
        assertThat(verdict).isInstanceOf(JobVerdict.Verified.class);
        assertThat(verdict.step().command()).isEqualTo(job.env().get("BUILDKITE_COMMAND"));
      }
      default -> {
        JobVerdict.Check check =
            switch (result) {
              case "ErrNoSignature" -> JobVerdict.Check.NO_SIGNATURE;
              case "ErrVerificationFailed" -> JobVerdict.Check.INVALID_SIGNATURE;
              case "ErrInvalidJob" -> JobVerdict.Check.JOB_MISMATCH;
              case "NoJWKS" -> JobVerdict.Check.NO_VERIFICATION_KEY;
              default -> throw new AssertionError("unknown result " + result);
            };
        assertThat(verdict)
            .isInstanceOfSatisfying(
                JobVerdict.Failed.class,
                f -> {
                  assertThat(f.check()).isEqualTo(check);
                  assertThat(f.behavior()).isEqualTo(behavior);
                  assertThat("error: " + f.agentLine())
                      .isEqualTo(Vectors.str(derived, "job_log_error_line"));
                  // Details name variables, never their values.
                  for (String value : job.env().values()) {
                    if (value.length() > 3) {
                      assertThat(f.detail()).doesNotContain(value);
                    }
                  }
                });
      }
    }
  }
}
