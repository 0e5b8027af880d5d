package dev.signet.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyException;
import dev.signet.keys.Signer;
import dev.signet.pipeline.CommandStep;
import dev.signet.pipeline.GroupStep;
import dev.signet.pipeline.Pipeline;
import dev.signet.pipeline.Step;
import dev.signet.pipeline.UnknownStep;
import dev.signet.pipeline.WaitStep;
import dev.signet.testing.TestKeys;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PipelineSignerTest {
  static Pipeline pipeline(List<Step> steps, Map<String, String> env) {
    return new Pipeline(steps, new LinkedHashMap<>(env), List.of(), null, JsonObject.EMPTY, false);
  }

  /** Counts calls, to show that refusals happen before any signing. */
  static final class CountingSigner implements Signer {
    final AtomicInteger calls = new AtomicInteger();
    final boolean fail;

    CountingSigner(boolean fail) {
      this.fail = fail;
    }

    @Override
    public Algorithm algorithm() {
      return Algorithm.HS256;
    }

    @Override
    public @Nullable String keyId() {
      return "k";
    }

    @Override
    public byte[] sign(byte[] signingInput) throws KeyException {
      calls.incrementAndGet();
      if (fail) {
        throw new KeyException(KeyException.Reason.SIGNING_FAILED, "KMS unavailable");
      }
      return new byte[32];
    }
  }

  @Test
  void unknownStepInAGroupIsRefusedByPathBeforeAnythingIsSigned() {
    UnknownStep unknown =
        new UnknownStep(
            new JsonString("mystery"), "step type \"mystery\" is not known", "line 9, column 7");
    Pipeline p =
        pipeline(
            List.of(
                CommandStep.of("a"),
                new WaitStep(new JsonString("wait")),
                new GroupStep("g", null, List.of(unknown), JsonObject.EMPTY)),
            Map.of());
    CountingSigner signer = new CountingSigner(false);
    assertThatThrownBy(
            () -> PipelineSigner.sign(p, signer, PipelineSigner.Options.forRepository("r")))
        .isInstanceOfSatisfying(
            PipelineSigningException.class,
            e -> {
              assertThat(e.getMessage())
                  .startsWith("refusing to sign pipeline containing a step of unknown type")
                  .contains(
                      "steps[2].steps[0] (line 9, column 7): step type \"mystery\" is not known")
                  .doesNotContain("\n");
              assertThat(e.where()).isEqualTo("steps[2].steps[0]");
            });
    assertThat(signer.calls).hasValue(0);
  }

  @Test
  void signerFailureNamesTheStep() {
    Pipeline p =
        pipeline(
            List.of(new GroupStep("g", null, List.of(CommandStep.of("a")), JsonObject.EMPTY)),
            Map.of());
    assertThatThrownBy(() ->
            PipelineSigner.sign(
                p, new CountingSigner(true), PipelineSigner.Options.forRepository("r")))
        .isInstanceOfSatisfying(
            PipelineSigningException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(PipelineSigningException.Reason.SIGNING_FAILED);
              assertThat(e.getMessage())
                  .isEqualTo("steps[0].steps[0]: signing failed: KMS unavailable");
            });
  }

  @Test
  void signsGroupsAndUsesThePipelineEnvUnlessOverridden() throws Exception {
    Signer signer = TestKeys.signer("EdDSA/TEST_DO_NOT_USE");
    Pipeline p =
        pipeline(
            List.of(new GroupStep("g", null, List.of(CommandStep.of("a")), JsonObject.EMPTY)),
            Map.of("DEPLOY", "1"));
    Pipeline own = PipelineSigner.sign(p, signer, PipelineSigner.Options.forRepository("r"));
    CommandStep signed = (CommandStep) ((GroupStep) own.steps().getFirst()).steps().getFirst();
    assertThat(signed.signature().signedFields()).contains("env::DEPLOY");
    assertThat(
            StepVerifier.verify(
                    signed,
                    Map.of("DEPLOY", "1"),
                    "r",
                    TestKeys.verificationKeys("EdDSA/TEST_DO_NOT_USE"))
                .keyId())
        .isEqualTo("TEST_DO_NOT_USE");

    LinkedHashMap<String, String> interpolated = new LinkedHashMap<>(Map.of("OTHER", "x"));
    Pipeline other =
        PipelineSigner.sign(p, signer, new PipelineSigner.Options(interpolated, "r", false, null));
    CommandStep s2 = (CommandStep) ((GroupStep) other.steps().getFirst()).steps().getFirst();
    assertThat(s2.signature().signedFields()).contains("env::OTHER").doesNotContain("env::DEPLOY");
  }

  @Test
  void signedFieldsAreSortedBytewiseNotByUtf16() {
    // U+FB01 sorts before U+1F600 by UTF-16 code units but after it in UTF-8 bytes.
    LinkedHashMap<String, String> env = new LinkedHashMap<>();
    env.put("\uFB01", "a");
    env.put("\uD83D\uDE00", "b");
    SignedFields f = SignedFields.forSigning(CommandStep.of("x"), env, "r");
    assertThat(f.names())
        .endsWith("env::\uFB01", "env::\uD83D\uDE00", "matrix", "plugins", "repository_url")
        .isNotEqualTo(f.names().stream().sorted().toList());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "command: echo $HOME", "command: echo ${HOME}", "command: ${A:-b}", "command: echo $$HOME",
        "command: echo $$", "command: echo \\$HOME", "command: awk '{print $1}'", "command: x$_y",
        "env:\n  A: ${B}", "# a comment $VAR", "command: $\u00e9t\u00e9", "command: $@",
        // Not expansions, but Buildkite's parser fails on them, so tool sign refuses them too.
        "command: echo $ 5", "command: price is 5$\n", "command: tab$\tafter"
      })
  void interpolationIsRefused(String text) {
    assertThatThrownBy(
            () -> PipelineSigner.refuseInterpolation("steps:\n  - " + text + "\n", "p.yml"))
        .isInstanceOfSatisfying(
            PipelineSigningException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(PipelineSigningException.Reason.INTERPOLATION);
              assertThat(e.getMessage()).startsWith("p.yml: line ").doesNotContain("\n");
            });
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "command: echo hello",
        "command: echo $",
        "command: echo $(date)",
        "command: a \\\\ b",
        "command: \"{{matrix}}\""
      })
  void textWithoutInterpolationIsAccepted(String text) {
    assertThatCode(() -> PipelineSigner.refuseInterpolation("steps:\n  - " + text, "p.yml"))
        .doesNotThrowAnyException();
  }

  @Test
  void interpolationMessageNamesTheLineAndTheDirective() {
    assertThatThrownBy(() ->
            PipelineSigner.refuseInterpolation(
                "env:\n  A: 1\nsteps:\n  - command: make ${TARGET:-all}\n", "pipeline.yml"))
        .hasMessageStartingWith(
            "pipeline.yml: line 4: pipeline contains environment interpolation ${TARGET:-all},"
                + " which is only supported");
    assertThatThrownBy(() -> PipelineSigner.refuseInterpolation("a\nb \\\\$X", "p"))
        .hasMessageStartingWith("p: line 2: pipeline contains environment interpolation $X,");
  }
}
