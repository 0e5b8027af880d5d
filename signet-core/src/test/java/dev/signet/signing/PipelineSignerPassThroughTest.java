package dev.signet.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.keys.Signer;
import dev.signet.pipeline.CommandStep;
import dev.signet.pipeline.GroupStep;
import dev.signet.pipeline.InputStep;
import dev.signet.pipeline.Pipeline;
import dev.signet.pipeline.Secret;
import dev.signet.pipeline.Step;
import dev.signet.pipeline.TriggerStep;
import dev.signet.pipeline.UnknownStep;
import dev.signet.pipeline.WaitStep;
import dev.signet.testing.TestKeys;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What signing leaves alone: steps that are not command steps, and secrets with nothing to merge.
 */
class PipelineSignerPassThroughTest {
  private static Signer signer;

  @BeforeAll
  static void key() throws Exception {
    signer = TestKeys.signer("EdDSA/TEST_DO_NOT_USE");
  }

  private static Pipeline pipeline(List<Step> steps, List<Secret> secrets) {
    return new Pipeline(steps, new LinkedHashMap<>(), secrets, null, JsonObject.EMPTY, false);
  }

  @Test
  void waitInputAndTriggerStepsPassThroughUnchangedAtTopLevelAndInGroups() throws Exception {
    WaitStep wait = new WaitStep(new JsonString("wait"));
    InputStep block = new InputStep(JsonObject.builder().put("block", "Release?").build());
    TriggerStep trigger = new TriggerStep(JsonObject.builder().put("trigger", "deploy").build());
    GroupStep group =
        new GroupStep("g", null, List.of(block, CommandStep.of("b"), trigger), JsonObject.EMPTY);
    Pipeline p = pipeline(List.of(CommandStep.of("a"), wait, block, trigger, group), List.of());

    List<Step> out =
        PipelineSigner.sign(p, signer, PipelineSigner.Options.forRepository("r")).steps();

    assertThat(out).hasSize(5);
    assertThat(((CommandStep) out.get(0)).signature()).isNotNull();
    assertThat(out.subList(1, 4)).containsExactly(wait, block, trigger);
    List<Step> inGroup = ((GroupStep) out.get(4)).steps();
    assertThat(inGroup.get(0)).isSameAs(block);
    assertThat(((CommandStep) inGroup.get(1)).signature()).isNotNull();
    assertThat(inGroup.get(2)).isSameAs(trigger);
  }

  @Test
  void mergingPipelineSecretsWhenThePipelineHasNoneLeavesEveryStepAsItWas() throws Exception {
    CommandStep withSecret = CommandStep.of("a").withSecrets(List.of(new Secret("k", "K")));
    Pipeline p = pipeline(List.of(withSecret, CommandStep.of("b")), List.of());
    PipelineSigner.Options merge = new PipelineSigner.Options(null, "r", true, null);

    List<Step> merged = PipelineSigner.sign(p, signer, merge).steps();
    List<Step> plain =
        PipelineSigner.sign(p, signer, PipelineSigner.Options.forRepository("r")).steps();

    assertThat(((CommandStep) merged.get(0)).secrets()).containsExactly(new Secret("k", "K"));
    assertThat(((CommandStep) merged.get(1)).secrets()).isEmpty();
    // Ed25519 is deterministic: the same step signs to the same value either way.
    assertThat(merged).isEqualTo(plain);
  }

  @Test
  void anUnknownStepWithoutALocationIsNamedByItsPathAlone() {
    Pipeline p =
        pipeline(
            List.of(
                CommandStep.of("a"),
                new UnknownStep(new JsonString("?"), "step type \"?\" is not known", "")),
            List.of());
    assertThatThrownBy(
            () -> PipelineSigner.sign(p, signer, PipelineSigner.Options.forRepository("r")))
        .isInstanceOfSatisfying(
            PipelineSigningException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(PipelineSigningException.Reason.UNKNOWN_STEP);
              assertThat(e.where()).isEqualTo("steps[1]");
              assertThat(e.getMessage())
                  .isEqualTo(
                      "refusing to sign pipeline containing a step of unknown type, because the"
                          + " pipeline could be incorrectly parsed: steps[1]: step type \"?\" is"
                          + " not known");
            });
  }
}
