package dev.signet.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.pipeline.CommandStep;
import dev.signet.pipeline.GroupStep;
import dev.signet.pipeline.Matrix;
import dev.signet.pipeline.Pipeline;
import dev.signet.pipeline.Plugin;
import dev.signet.pipeline.Step;
import dev.signet.pipeline.UnknownStep;
import dev.signet.pipeline.WaitStep;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobExpanderTest {
  static Pipeline pipeline(List<Step> steps, Map<String, String> env) {
    return new Pipeline(steps, new LinkedHashMap<>(env), List.of(), null, JsonObject.EMPTY, false);
  }

  @Test
  void jobEnvLayersPipelineStepBuildkiteAndExtraEnvInThatOrder() throws Exception {
    LinkedHashMap<String, String> stepEnv = new LinkedHashMap<>();
    stepEnv.put("SHARED", "step");
    stepEnv.put("ARCH", "{{matrix}}");
    CommandStep step =
        CommandStep.of("make {{matrix}}")
            .withEnv(stepEnv)
            .withMatrix(Matrix.anonymous(List.of("x86", "arm")))
            .withPlugins(
                List.of(
                    new Plugin(
                        "docker#v1", JsonObject.builder().put("image", "{{matrix}}").build())));
    Pipeline p = pipeline(List.of(step), Map.of("SHARED", "pipeline", "ONLY_PIPELINE", "p"));
    List<Job> jobs =
        JobExpander.expand(p, "git@x:y.git", Map.of("BUILDKITE_REPO", "override", "EXTRA", "e"));

    assertThat(jobs).hasSize(2);
    Job arm = jobs.get(1);
    assertThat(arm.matrixPermutation()).containsExactly(Map.entry("", "arm"));
    assertThat(arm.step()).isSameAs(step); // the signed step as stored, pre-matrix
    assertThat(arm.env())
        .containsEntry("SHARED", "step")
        .containsEntry("ONLY_PIPELINE", "p")
        .containsEntry("ARCH", "arm")
        .containsEntry("BUILDKITE_COMMAND", "make arm")
        .containsEntry(
            "BUILDKITE_PLUGINS",
            "[{\"github.com/buildkite-plugins/docker-buildkite-plugin#v1\":{\"image\":\"arm\"}}]")
        .containsEntry("BUILDKITE_REPO", "override")
        .containsEntry("EXTRA", "e");
  }

  @Test
  void jobIdsAreDistinctAcrossDocumentsAndStableAcrossRuns() throws Exception {
    Pipeline doc = pipeline(List.of(CommandStep.of("true")), Map.of());
    List<Job> jobs = JobExpander.expand(List.of(doc, doc), "r", Map.of());
    assertThat(jobs).hasSize(2);
    assertThat(jobs.get(0).id()).isNotEqualTo(jobs.get(1).id());
    assertThat(JobExpander.expand(List.of(doc, doc), "r", Map.of()).get(1).id())
        .isEqualTo(jobs.get(1).id());
    // A single document keeps the plain step paths, so its IDs do not change with this overload.
    assertThat(JobExpander.expand(List.of(doc), "r", Map.of()).getFirst().id())
        .isEqualTo(JobExpander.expand(doc, "r", Map.of()).getFirst().id());
  }

  @Test
  void noPluginsMeansNoBuildkitePlugins() throws Exception {
    Pipeline p =
        pipeline(List.of(CommandStep.of("true")), Map.of("BUILDKITE_PLUGINS", "[{\"x\":null}]"));
    Job job = JobExpander.expand(p, "r", Map.of()).getFirst();
    assertThat(job.env())
        .doesNotContainKey("BUILDKITE_PLUGINS")
        .containsEntry("BUILDKITE_REPO", "r");
    assertThat(job.matrixPermutation()).isEmpty();
  }

  @Test
  void groupsAreExpandedAndIdsAreDeterministicAndUnique() throws Exception {
    Pipeline p =
        pipeline(
            List.of(
                CommandStep.of("a"),
                new WaitStep(new JsonString("wait")),
                new GroupStep(
                    "g",
                    null,
                    List.of(CommandStep.of("b").withMatrix(Matrix.anonymous(List.of("1", "2")))),
                    JsonObject.EMPTY)),
            Map.of());
    List<Job> first = JobExpander.expand(p, "r", Map.of());
    List<Job> second = JobExpander.expand(p, "r", Map.of());
    assertThat(first).hasSize(3).isEqualTo(second);
    assertThat(first.stream().map(Job::id).distinct()).hasSize(3);
    assertThat(first.stream().map(j -> j.env().get("BUILDKITE_COMMAND")))
        .containsExactly("a", "b", "b");
  }

  @Test
  void unknownStepsAndUnfillableTokensAreRefusedByPath() {
    Pipeline unknown =
        pipeline(
            List.of(
                new GroupStep(
                    "g",
                    null,
                    List.of(new UnknownStep(new JsonString("?"), "not a step", "")),
                    JsonObject.EMPTY)),
            Map.of());
    assertThatThrownBy(() -> JobExpander.expand(unknown, "r", Map.of()))
        .isInstanceOfSatisfying(
            JobExpansionException.class,
            e -> assertThat(e.stepPath()).isEqualTo("steps[0].steps[0]"));
    Pipeline badToken =
        pipeline(
            List.of(CommandStep.of("{{matrix.os}}").withMatrix(Matrix.anonymous(List.of("a")))),
            Map.of());
    assertThatThrownBy(() -> JobExpander.expand(badToken, "r", Map.of()))
        .hasMessage("steps[0]: unknown matrix tokens in input: matrix.os");
  }
}
