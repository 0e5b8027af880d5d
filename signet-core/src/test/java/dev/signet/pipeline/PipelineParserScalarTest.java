package dev.signet.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.json.JsonBool;
import dev.signet.json.JsonFloat;
import dev.signet.json.JsonInteger;
import dev.signet.json.JsonNull;
import dev.signet.json.JsonNumber;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Scalar typing as Go's yaml.v3 does it, and Go fmt.Sprint in string fields (spec §2.1). */
class PipelineParserScalarTest {

  private static CommandStep step(String yaml) throws InputException {
    Step s = PipelineParser.parse(yaml, "t.yml", InputLimits.DEFAULT).steps().getFirst();
    assertThat(s).isInstanceOf(CommandStep.class);
    return (CommandStep) s;
  }

  /** The value a plain scalar gets in an unmodelled (remaining) field, which keeps YAML types. */
  private static JsonValue typed(String scalar) throws InputException {
    return step("steps:\n  - command: x\n    v: " + scalar + "\n").remaining().get("v");
  }

  /** The string a scalar becomes in a string field (a step env value). */
  private static String sprint(String scalar) throws InputException {
    return step("steps:\n  - command: x\n    env:\n      V: " + scalar + "\n").env().get("V");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // input | string in a string field
        "true | true",
        "True | true",
        "TRUE | true",
        "false | false",
        "yes | yes",
        "no | no",
        "on | on",
        "off | off",
        "y | y",
        "~ | ''",
        "null | ''",
        "Null | ''",
        "NULL | ''",
        "nil | nil",
        "'' | ''",
        "3 | 3",
        "-3 | -3",
        "+3 | 3",
        "0x1F | 31",
        "0X1f | 31",
        "0o17 | 15",
        "017 | 15",
        "08 | 8",
        "0b101 | 5",
        "1_000 | 1000",
        "9223372036854775807 | 9223372036854775807",
        "9223372036854775808 | 9223372036854775808",
        "18446744073709551615 | 18446744073709551615",
        "18446744073709551616 | 1.8446744073709552e+19",
        "-9223372036854775809 | -9.223372036854776e+18",
        "1.0 | 1",
        "1.10 | 1.1",
        "1e6 | 1e+06",
        "1234567.0 | 1.234567e+06",
        "123456.0 | 123456",
        "0.0001 | 0.0001",
        "0.00001 | 1e-05",
        ".5 | 0.5",
        "-.5 | -0.5",
        "1. | 1",
        "-0.0 | -0",
        "1e999 | 1e999",
        ".inf | +Inf",
        "-.Inf | -Inf",
        ".nan | NaN",
        "0x | 0x",
        "1_ | 1",
        "_1 | _1",
        "'3' | 3",
        "\"true\" | true",
        "!!str 3 | 3",
        "!!int '7' | 7",
        "!!float 3 | 3",
        "1:20 | 1:20",
        "0b-101 | -5",
      })
  void stringFieldsGetGoSprint(String scalar, String expected) throws InputException {
    assertThat(sprint(scalar)).isEqualTo(expected);
  }

  @Test
  void plainScalarsAreTypedLikeYamlV3() throws InputException {
    assertThat(typed("yes")).isEqualTo(new JsonString("yes"));
    assertThat(typed("True")).isEqualTo(JsonBool.TRUE);
    assertThat(typed("~")).isEqualTo(JsonNull.NULL);
    assertThat(typed("")).isEqualTo(JsonNull.NULL);
    assertThat(typed("017")).isEqualTo(JsonNumber.of(15));
    assertThat(typed("0o17")).isEqualTo(JsonNumber.of(15));
    assertThat(typed("08")).isEqualTo(new JsonFloat(8));
    assertThat(typed("3.142")).isEqualTo(new JsonFloat(3.142));
    assertThat(typed("12345678901234567890"))
        .isEqualTo(new JsonInteger(new BigInteger("12345678901234567890")));
    assertThat(typed("'12'")).isEqualTo(new JsonString("12"));
    assertThat(typed("|\n      12\n")).isEqualTo(new JsonString("12\n"));
    assertThat(typed("<<")).isEqualTo(new JsonString("<<"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "2002-08-15T17:18:23.18-06:00 | 2002-08-15T17:18:23.18-06:00",
        "2002-08-15 | 2002-08-15T00:00:00Z",
        "2002-8-5 | 2002-08-05T00:00:00Z",
        "2001-12-14t21:59:43.10Z | 2001-12-14T21:59:43.1Z",
        "2001-12-14 21:59:43.10 | 2001-12-14T21:59:43.1Z",
        "2001-12-14T21:59:43+00:00 | 2001-12-14T21:59:43Z",
        "2001-12-14T21:59:43.000+05:30 | 2001-12-14T21:59:43+05:30",
      })
  void timestampsBecomeRfc3339Strings(String scalar, String expected) throws InputException {
    assertThat(typed(scalar)).isEqualTo(new JsonString(expected));
  }

  @ParameterizedTest
  @CsvSource({"2002-02-30", "2002-13-01", "2001-12-14 21:59:43.10 -5", "2002-0815", "2002-08-15x"})
  void nearTimestampsStayStrings(String scalar) throws InputException {
    assertThat(typed(scalar)).isEqualTo(new JsonString(scalar));
  }

  @Test
  void aTimestampInAStringFieldMakesTheStepUnknown() throws InputException {
    Step s =
        PipelineParser.parse(
                "steps:\n  - command: x\n    env:\n      D: 2002-08-15\n",
                "t.yml",
                InputLimits.DEFAULT)
            .steps()
            .getFirst();
    assertThat(s).isInstanceOf(UnknownStep.class);
    assertThat(((UnknownStep) s).reason()).contains("timestamp");
  }

  @Test
  void mappingKeysAreCanonicalStrings() throws InputException {
    CommandStep s =
        step(
            "steps:\n  - command: x\n    env:\n      1: a\n      true: b\n      1.5: c\n      0x10: d\n");
    assertThat(s.env())
        .containsExactly(
            java.util.Map.entry("1", "a"),
            java.util.Map.entry("true", "b"),
            java.util.Map.entry("1.500000e+00", "c"),
            java.util.Map.entry("16", "d"));
  }

  @Test
  void goFloatFormatting() {
    assertThat(GoScalars.formatFloat(100000)).isEqualTo("100000");
    assertThat(GoScalars.formatFloat(1e21)).isEqualTo("1e+21");
    assertThat(GoScalars.formatFloat(1.5e-7)).isEqualTo("1.5e-07");
    assertThat(GoScalars.formatFloat(123.456)).isEqualTo("123.456");
    assertThat(GoScalars.formatFloat(0.1 + 0.2)).isEqualTo("0.30000000000000004");
    assertThat(GoScalars.formatFloat(1e100)).isEqualTo("1e+100");
    assertThat(GoScalars.formatFloatE(1)).isEqualTo("1.000000e+00");
    assertThat(GoScalars.formatFloatE(-0.00012345678)).isEqualTo("-1.234568e-04");
    assertThat(GoScalars.formatFloatE(1e100)).isEqualTo("1.000000e+100");
  }
}
