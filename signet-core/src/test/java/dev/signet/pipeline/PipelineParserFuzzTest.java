package dev.signet.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonValue;
import dev.signet.keys.Signer;
import dev.signet.keys.VerificationKeys;
import dev.signet.signing.CanonicalPayload;
import dev.signet.signing.PipelineSigner;
import dev.signet.signing.PipelineSigningException;
import dev.signet.signing.SignedFields;
import dev.signet.signing.StepVerificationException;
import dev.signet.signing.StepVerifier;
import dev.signet.testing.FuzzChecks;
import dev.signet.testing.TestKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Fuzzes the pipeline parser with the text a {@code pipeline upload} or {@code pipeline sign} reads
 * (YAML, or JSON, which is YAML) and with the {@code job.step} JSON an agent receives.
 *
 * <p>Beyond "refuses only with an {@link InputException}": what parses is written back (YAML and
 * upload JSON) and parses to the same model, and signing it gives signatures that verify, also
 * after the signed pipeline went through the writer and the parser, as it does on its way to an
 * agent. A changed command is refused.
 *
 * <p>Seeds: {@code PipelineParserFuzzTestInputs/<method>/}. Run one target in fuzzing mode with
 * {@code JAZZER_FUZZ=1}, see {@code docs/fuzzing-results.md}.
 */
class PipelineParserFuzzTest {
  private static final String REPO = "git@github.com:acme/fuzz.git";
  private static final Signer SIGNER;
  private static final VerificationKeys KEYS;

  static {
    try {
      SIGNER = TestKeys.signer("EdDSA/TEST_DO_NOT_USE");
      KEYS = TestKeys.verificationKeys("EdDSA/TEST_DO_NOT_USE");
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @DictionaryEntries({
    "\\ud800",
    "\\udc00",
    "\\U0001F600",
    "\\x85",
    "id: ",
    "identifier: ",
    "name: ",
    "key: null",
    "label: ",
    "<<: *a",
    "&a ",
    "!!str ",
    "!!int ",
    "!!float ",
    "!!timestamp ",
    "!!binary ",
    "{{matrix}}",
    "{{matrix.os}}",
    "matrix:",
    "setup:",
    "adjustments:",
    "with:",
    "skip: ",
    "plugins:",
    "secrets:",
    "checkout:",
    "env:",
    "group: ",
    "steps:",
    "command: ",
    "commands:",
    "signature:",
    "signed_fields:",
    "type: ",
    "0x1F",
    "0o17",
    "0b101",
    "017",
    ".inf",
    ".nan",
    "2001-12-14t21:59:43.10-05:00",
    "2002-08-15",
    "--- ",
    "...",
    "? ",
    "\"",
    "|-",
    "1e6",
    "1_000"
  })
  @FuzzTest
  void pipelineText(@NotNull String text) throws Exception {
    List<Pipeline> documents;
    try {
      documents = PipelineParser.parseAll(text, "fuzz.yml", InputLimits.DEFAULT);
    } catch (InputException e) {
      FuzzChecks.typed(e);
      return;
    }
    for (Pipeline p : documents) {
      if (hasUnknown(p.steps())) {
        // Signing refuses it, and an unknown step's raw form is not meant to parse the same.
        assertThatThrownBy(
                () -> PipelineSigner.sign(p, SIGNER, PipelineSigner.Options.forRepository(REPO)))
            .isInstanceOf(PipelineSigningException.class);
        continue;
      }
      roundTrip(p);
      signAndVerify(p);
    }
  }

  @DictionaryEntries({
    "\\ud800",
    "\\udc00",
    "\"id\":",
    "\"identifier\":",
    "\"name\":",
    "\"key\":null",
    "\"label\":\"\"",
    "\"group\":",
    "\"steps\":[",
    "\"command\":",
    "\"commands\":[",
    "\"plugins\":",
    "\"env\":{",
    "\"secrets\":",
    "\"checkout\":{",
    "\"depth\":",
    "\"matrix\":",
    "\"setup\":",
    "\"adjustments\":[",
    "\"with\":",
    "\"skip\":",
    "\"signature\":",
    "{{matrix}}",
    "1.0",
    "1e21"
  })
  @FuzzTest
  void jobStep(@NotNull String json) throws Exception {
    JsonValue tree;
    try {
      tree = JsonReader.withDefaultLimits().parse(json, "step.json");
    } catch (InputException e) {
      FuzzChecks.typed(e);
      return;
    }
    // StepMapper itself, not parseStep, whose safety net would turn a bug into an UnknownStep.
    Step step;
    try {
      step = new StepMapper("step.json", InputLimits.DEFAULT).step(YamlTree.fromJson(tree, "step"));
    } catch (InputException e) {
      FuzzChecks.typed(e);
      return;
    }
    assertThat(PipelineParser.parseStep(tree, "step.json", "step")).isEqualTo(step);
    if (!(step instanceof CommandStep c)) {
      return;
    }
    // What a backend stores and hands to an agent reads back as the same step, signing the same.
    CommandStep back = PipelineParser.parseCommandStep(PipelineWriter.stepToJson(c), "again", "");
    assertThat(payload(back)).isEqualTo(payload(c));
    assertThat(back).isEqualTo(normalised(c));

    CommandStep signed = PipelineSigner.signStep(c, SIGNER, new LinkedHashMap<>(), REPO);
    CommandStep received =
        PipelineParser.parseCommandStep(PipelineWriter.stepToJson(signed), "job", "step");
    StepVerifier.verify(received, new LinkedHashMap<>(), REPO, KEYS);
    assertThatThrownBy(() ->
            StepVerifier.verify(
                received.withCommand(received.command() + ";x"), new LinkedHashMap<>(), REPO, KEYS))
        .isInstanceOf(StepVerificationException.class);
  }

  /**
   * parse(write(p)) gives p again, for both forms the writer has (as PipelineWriterRoundTripTest).
   */
  private static void roundTrip(Pipeline p) throws InputException {
    String yaml = PipelineWriter.toYaml(p);
    Pipeline back = PipelineParser.parse(yaml, "written.yml", InputLimits.DEFAULT);
    assertThat(back).as("parse(toYaml(p)) of\n%s", yaml).isEqualTo(normalised(p));
    assertThat(PipelineWriter.toYaml(back)).isEqualTo(yaml);

    String json = PipelineWriter.toJson(p);
    if (yamlLineBreaks(json)) {
      return;
    }
    List<Pipeline> fromJson = PipelineParser.parseAll(json, "written.json", InputLimits.DEFAULT);
    assertThat(fromJson).hasSize(1);
    assertThat(PipelineWriter.toJson(fromJson.getFirst())).isEqualTo(json);
  }

  /**
   * Every command step's signature verifies with the pipeline env as the outer env, on the signed
   * model and after the signed pipeline is written and parsed again; a changed command does not.
   */
  private static void signAndVerify(Pipeline p) throws Exception {
    Pipeline signed = PipelineSigner.sign(p, SIGNER, PipelineSigner.Options.forRepository(REPO));
    verifyAll(signed);
    verifyAll(
        PipelineParser.parse(PipelineWriter.toYaml(signed), "signed.yml", InputLimits.DEFAULT));
    String json = PipelineWriter.toJson(signed);
    if (!yamlLineBreaks(json)) {
      verifyAll(PipelineParser.parse(json, "signed.json", InputLimits.DEFAULT));
    }
    List<CommandStep> steps = commandSteps(signed.steps());
    if (!steps.isEmpty()) {
      CommandStep first = steps.getFirst();
      assertThatThrownBy(() ->
              StepVerifier.verify(
                  first.withCommand(first.command() + "\n"), signed.env(), REPO, KEYS))
          .isInstanceOf(StepVerificationException.class);
    }
  }

  private static void verifyAll(Pipeline p) throws StepVerificationException {
    for (CommandStep c : commandSteps(p.steps())) {
      StepVerifier.verify(c, p.env(), REPO, KEYS);
    }
  }

  private static byte[] payload(CommandStep c) {
    return CanonicalPayload.of("EdDSA", SignedFields.forSigning(c, new LinkedHashMap<>(), REPO));
  }

  /** The step as the JSON writer normalises it: also empty key and label are left out. */
  private static CommandStep normalised(CommandStep c) {
    Pipeline wrapped =
        new Pipeline(List.of(c), new LinkedHashMap<>(), List.of(), null, JsonObject.EMPTY, false);
    CommandStep n =
        (CommandStep) PipelineWriterRoundTripTest.normalised(wrapped).steps().getFirst();
    return new CommandStep(
        c.key() == null || c.key().isEmpty() ? null : c.key(),
        c.label() == null || c.label().isEmpty() ? null : c.label(),
        n.command(),
        n.plugins(),
        n.secrets(),
        n.env(),
        n.signature(),
        n.matrix(),
        n.cache(),
        n.checkout(),
        n.remaining());
  }

  private static Pipeline normalised(Pipeline p) {
    return PipelineWriterRoundTripTest.normalised(p);
  }

  /** Raw NEL, LS and PS are line breaks to YAML, so JSON holding them is not read through YAML. */
  private static boolean yamlLineBreaks(String s) {
    return s.indexOf('\u0085') >= 0 || s.indexOf('\u2028') >= 0 || s.indexOf('\u2029') >= 0;
  }

  static boolean hasUnknown(List<Step> steps) {
    for (Step s : steps) {
      if (s instanceof UnknownStep || (s instanceof GroupStep g && hasUnknown(g.steps()))) {
        return true;
      }
    }
    return false;
  }

  static List<CommandStep> commandSteps(List<Step> steps) {
    List<CommandStep> out = new ArrayList<>();
    for (Step s : steps) {
      switch (s) {
        case CommandStep c -> out.add(c);
        case GroupStep g -> out.addAll(commandSteps(g.steps()));
        default -> {}
      }
    }
    return out;
  }
}
