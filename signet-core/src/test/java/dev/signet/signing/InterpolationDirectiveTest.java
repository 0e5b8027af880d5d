package dev.signet.signing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How {@link PipelineSigner#refuseInterpolation} names what it found: the directive as written, cut
 * at a closing brace, the end of a name, or the end of the line, never running on.
 */
class InterpolationDirectiveTest {
  private static void assertDirective(String text, int line, String directive) {
    assertThatThrownBy(() -> PipelineSigner.refuseInterpolation(text, "p.yml"))
        .isInstanceOf(PipelineSigningException.class)
        .hasMessage(
            "p.yml: line "
                + line
                + ": pipeline contains environment interpolation "
                + directive
                + ", which is only supported when dynamically uploading a pipeline; Buildkite"
                + " would rewrite it after signing and break the signature");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // A name runs over letters, digits and underscores.
        "command: echo $A_B-c|$A_B",
        "command: echo $_private9.x|$_private9",
        // A braced form ends at its closing brace, even at the very end of the text.
        "command: echo ${A:-x y}|${A:-x y}",
        "command: echo ${A}|${A}"
      })
  void theDirectiveIsNamedAsWritten(String text, String directive) {
    assertDirective(text, 1, directive);
  }

  @Test
  void anUnclosedBraceIsNamedByItsOpeningOnly() {
    assertDirective("steps:\n  - command: echo ${A", 2, "${");
    // A closing brace on a later line does not belong to it.
    assertDirective("a: ${A\nb: }", 1, "${");
  }

  @ParameterizedTest
  @ValueSource(strings = {"command: echo a\\nb", "command: C:\\temp", "command: \\\\$", "x: \\"})
  void aBackslashNotBeforeADollarIsLeftAlone(String text) {
    assertThatCode(() -> PipelineSigner.refuseInterpolation(text, "p.yml"))
        .doesNotThrowAnyException();
  }
}
