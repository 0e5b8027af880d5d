package dev.signet.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import org.junit.jupiter.api.Test;

class JobJsonTest {
  private static final String STEP = "\"step\": {\"command\": \"x\"}";

  @Test
  void aNonStringEnvValueIsNamedByItsVariableNeverItsValue() {
    assertThatThrownBy(() ->
            JobJson.parse(
                "{" + STEP + ", \"env\": {\"DEPLOY\": {\"secret\": \"s3cr3t\"}}}",
                "job.json",
                InputLimits.DEFAULT))
        .isInstanceOf(InputException.class)
        .hasMessage("job.json: env.DEPLOY: must be a string");
  }

  @Test
  void aVariableNameWithLineBreaksStillGivesAOneLineMessage() {
    // Found by JobVerifierFuzzTest (crash-5ff9d402…): the name went into the message raw.
    assertThatThrownBy(() ->
            JobJson.parse(
                "{" + STEP + ", \"env\": {\"A\\nB\\u2028C\": 1}}", "job.json", InputLimits.DEFAULT))
        .isInstanceOf(InputException.class)
        .hasMessage("job.json: env.\"A\\nB C\": must be a string");
  }

  @Test
  void aLocationWithLineBreaksIsMadeOneLine() {
    InputException e = new InputException("f", "a\nb", "x\r\ny");
    assertThat(e.getMessage()).isEqualTo("f: a b: x y");
  }
}
