package dev.signet.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonWriter;
import dev.signet.pipeline.CommandStep;
import dev.signet.pipeline.Matrix;
import dev.signet.pipeline.Pipeline;
import dev.signet.pipeline.Plugin;
import dev.signet.signing.PipelineSigner;
import dev.signet.testing.TestKeys;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The job JSON an agent receives (wire format 7.1): what {@code pipeline jobs} writes reads back
 * and verifies, and a job of the wrong shape is refused as input, naming where, never a value.
 */
class JobJsonShapeTest {
  private static final String STEP = "\"step\": {\"command\": \"make\"}";

  private static Job parse(String json) throws InputException {
    return JobJson.parse(json, "job.json", InputLimits.DEFAULT);
  }

  private static InputException refusal(String json) {
    try {
      parse(json);
    } catch (InputException e) {
      assertThat(e.getMessage()).startsWith("job.json: ").doesNotContain("\n");
      return e;
    }
    throw new AssertionError("accepted " + json);
  }

  @Test
  void aWrittenJobReadsBackAndStillVerifies() throws Exception {
    LinkedHashMap<String, String> stepEnv = new LinkedHashMap<>();
    stepEnv.put("OS", "{{matrix.os}}");
    CommandStep step =
        CommandStep.of("make test-{{matrix.os}}")
            .withEnv(stepEnv)
            .withPlugins(
                List.of(
                    new Plugin(
                        "docker#v5", JsonObject.builder().put("image", "{{matrix.os}}").build())))
            .withMatrix(
                new Matrix(
                    new LinkedHashMap<>(Map.of("os", List.of("linux", "mac"))),
                    List.of(),
                    JsonObject.EMPTY));
    Pipeline p =
        new Pipeline(
            List.of(step),
            new LinkedHashMap<>(Map.of("DEPLOY", "no")),
            List.of(),
            null,
            JsonObject.EMPTY,
            false);
    Pipeline signed =
        PipelineSigner.sign(
            p, TestKeys.signer("EdDSA/TEST_DO_NOT_USE"), PipelineSigner.Options.forRepository("r"));
    JobVerifier verifier =
        new JobVerifier(
            TestKeys.verificationKeys("EdDSA/TEST_DO_NOT_USE"), JobVerifier.FailureBehavior.BLOCK);

    for (Job job : JobExpander.expand(signed, "r", Map.of())) {
      String text = JsonWriter.pretty(JobJson.toJson(job));
      Job read = parse(text);
      assertThat(read.id()).isEqualTo(job.id());
      assertThat(read.env()).containsExactlyEntriesOf(job.env());
      assertThat(read.matrixPermutation()).containsExactlyEntriesOf(job.matrixPermutation());
      assertThat(read.step().signature()).isEqualTo(job.step().signature());
      assertThat(JsonWriter.pretty(JobJson.toJson(read))).isEqualTo(text);
      assertThat(verifier.verify(read)).isInstanceOf(JobVerdict.Verified.class);
    }
  }

  @Test
  void membersOtherThanTheFourAreIgnoredAndAbsentOnesAreEmpty() throws Exception {
    Job job = parse("{" + STEP + ", \"state\": \"scheduled\", \"runnable_at\": 7}");
    assertThat(job.id()).isEmpty();
    assertThat(job.env()).isEmpty();
    assertThat(job.matrixPermutation()).isEmpty();
    assertThat(job.step()).isEqualTo(CommandStep.of("make"));
    Job nulls = parse("{" + STEP + ", \"env\": null, \"matrix_permutation\": null, \"id\": \"j\"}");
    assertThat(nulls.id()).isEqualTo("j");
    assertThat(nulls.env()).isEmpty();
    assertThat(nulls.matrixPermutation()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"42", "null", "{}", "[\"j\"]", "true"})
  void anIdThatIsNotAStringReadsAsEmpty(String id) throws Exception {
    assertThat(parse("{" + STEP + ", \"id\": " + id + "}").id()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "\"job\"", "null", "42"})
  void aJobMustBeAnObject(String json) {
    InputException e = refusal(json);
    assertThat(e.getMessage()).isEqualTo("job.json: a job must be a JSON object");
    assertThat(e.where()).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ", \"step\": null", ", \"step\": \"make\"", ", \"step\": [{}]"})
  void theStepMustBeAnObject(String step) {
    InputException e = refusal("{\"id\": \"j\"" + step + "}");
    assertThat(e.getMessage()).isEqualTo("job.json: step: missing or not an object");
    assertThat(e.where()).isEqualTo("step");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"wait\": null}|job.json: step: not a command step",
        "{\"trigger\": \"deploy\"}|job.json: step: not a command step",
        "{}|job.json: step: cannot infer the step type from its keys",
        "{\"command\": \"x\", \"plugins\": \"docker\"}"
            + "|job.json: step: plugins must be a list or a mapping, not a string"
      })
  void theStepMustBeACommandStep(String step, String message) {
    assertThat(refusal("{\"step\": " + step + "}").getMessage()).isEqualTo(message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"env", "matrix_permutation"})
  void envAndPermutationMustBeObjects(String member) {
    for (String value : List.of("[]", "\"A=1\"", "42", "[\"A\"]")) {
      assertThat(refusal("{" + STEP + ", \"" + member + "\": " + value + "}").getMessage())
          .isEqualTo("job.json: " + member + ": must be an object of strings");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"env", "matrix_permutation"})
  void aValueThatIsNotAStringIsNamedByItsKeyNeverByItsValue(String member) {
    for (String value : List.of("1234567", "null", "true", "{\"v\": \"s3cr3t\"}", "[\"s3cr3t\"]")) {
      InputException e =
          refusal("{" + STEP + ", \"" + member + "\": {\"OK\": \"x\", \"DEPLOY\": " + value + "}}");
      assertThat(e.getMessage())
          .isEqualTo("job.json: " + member + ".DEPLOY: must be a string")
          .doesNotContain("s3cr3t")
          .doesNotContain("1234567");
      assertThat(e.where()).isEqualTo(member + ".DEPLOY");
    }
  }

  @Test
  void malformedJsonIsRefusedWithItsLocation() {
    assertThat(refusal("{" + STEP + ",\n \"env\": {}, \"env\": {}}").getMessage())
        .startsWith("job.json: line 2, column ")
        .contains("Duplicate");
    assertThat(refusal("{" + STEP + "} trailing").getMessage()).startsWith("job.json: line 1");
  }
}
