package dev.signet.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.pipeline.CommandStep;
import dev.signet.pipeline.GroupStep;
import dev.signet.pipeline.InputStep;
import dev.signet.pipeline.Matrix;
import dev.signet.pipeline.Pipeline;
import dev.signet.pipeline.Step;
import dev.signet.pipeline.TriggerStep;
import dev.signet.pipeline.WaitStep;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Which steps become jobs, and how a matrix that cannot be expanded is reported. */
class JobExpanderStepKindsTest {
  private static Pipeline pipeline(List<Step> steps) {
    return new Pipeline(steps, new LinkedHashMap<>(), List.of(), null, JsonObject.EMPTY, false);
  }

  @Test
  void onlyCommandStepsBecomeJobsWhereverTheyAre() throws Exception {
    Step wait = new WaitStep(new JsonString("wait"));
    Step block = new InputStep(JsonObject.builder().put("block", "Release?").build());
    Step trigger = new TriggerStep(JsonObject.builder().put("trigger", "deploy").build());
    Pipeline p =
        pipeline(
            List.of(
                wait,
                CommandStep.of("a"),
                block,
                new GroupStep(
                    "g", null, List.of(trigger, CommandStep.of("b"), block), JsonObject.EMPTY),
                trigger));
    List<Job> jobs = JobExpander.expand(p, "r", Map.of());
    assertThat(jobs.stream().map(j -> j.step().command())).containsExactly("a", "b");
    assertThat(JobExpander.expand(pipeline(List.of(wait, block, trigger)), "r", Map.of()))
        .isEmpty();
  }

  @Test
  void aMatrixThatCannotBeExpandedNamesTheStepAndKeepsTheCause() {
    LinkedHashMap<String, @Nullable List<String>> setup = new LinkedHashMap<>();
    setup.put("os", List.of("linux"));
    setup.put("arch", null);
    Pipeline p =
        pipeline(
            List.of(
                CommandStep.of("ok"),
                new GroupStep(
                    "g",
                    null,
                    List.of(
                        CommandStep.of("x")
                            .withMatrix(new Matrix(setup, List.of(), JsonObject.EMPTY))),
                    JsonObject.EMPTY)));
    assertThatThrownBy(() -> JobExpander.expand(p, "r", Map.of()))
        .isInstanceOfSatisfying(
            JobExpansionException.class,
            e -> {
              assertThat(e.stepPath()).isEqualTo("steps[1].steps[0]");
              assertThat(e.getMessage())
                  .startsWith(
                      "steps[1].steps[0]: invalid matrix: permutation has unknown dimension");
              assertThat(e.getCause())
                  .isInstanceOfSatisfying(
                      MatrixException.class,
                      m ->
                          assertThat(m.reason())
                              .isEqualTo(MatrixException.Reason.PERMUTATION_UNKNOWN_DIMENSION));
            });
  }
}
