package dev.signet.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.input.InputException;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Numbers at the edges: where the reader switches between integer and float (int64, exponents,
 * signed zero), where canonical output stops printing integers exactly (2^53), and values no JSON
 * number may hold (NaN, infinities, integers beyond the double range).
 */
class JsonNumberEdgesTest {
  private static final JsonReader READER = JsonReader.withDefaultLimits();

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // int64 is the integer range; one past it on either side is a float, as in Go.
        "9223372036854775807|9223372036854775807",
        "-9223372036854775808|-9223372036854775808",
        // Integral values written with a fraction or an exponent are integers too.
        "1e3|1000",
        "1E+2|100",
        "0.1e1|1",
        "1.5e1|15",
        "2.000|2",
        // Signed zero has no integer form: it is 0.
        "-0|0",
        "-0.0|0",
        "-0e5|0"
      })
  void integralLiteralsWithinInt64AreIntegers(String literal, String value) throws Exception {
    assertThat(READER.parse(literal, "t")).isEqualTo(new JsonInteger(new BigInteger(value)));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "9223372036854775808|9.223372036854775808e18",
        "-9223372036854775809|-9.223372036854775808e18",
        "18446744073709551616|1.8446744073709551616e19",
        // The nearest double to this literal is 2^63, which int64 cannot hold.
        "9223372036854775807.0|9.223372036854775808e18",
        "1.5|1.5",
        "-2.5e-3|-0.0025",
        "1e-7|1e-7",
        "1e300|1e300"
      })
  void everythingElseIsAFloat(String literal, double value) throws Exception {
    assertThat(READER.parse(literal, "t")).isEqualTo(new JsonFloat(value));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1e400", "-1e400", "1e309", "-17e308"})
  void numbersBeyondTheDoubleRangeAreRefusedAsInput(String literal) {
    assertThatThrownBy(() -> READER.parse("[" + literal + "]", "n.json"))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("n.json: line 1, column ")
        .hasMessageEndingWith("number out of range");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "-1"})
  void integersBeyondTheDoubleRangeAreRefusedAsInput(String sign) {
    String literal = sign + "0".repeat(309);
    assertThatThrownBy(() -> READER.parse("[" + literal + "]", "n.json"))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("n.json: line 1, column ")
        .hasMessageEndingWith("number out of range");
  }

  @ParameterizedTest
  @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
  void aFloatMustBeFinite(double value) {
    assertThatThrownBy(() -> new JsonFloat(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("JSON numbers must be finite");
  }

  @Test
  void bothKindsOfferTheirDoubleValue() {
    assertThat(new JsonFloat(-0.25).doubleValue()).isEqualTo(-0.25);
    assertThat(JsonNumber.of(Long.MIN_VALUE).doubleValue()).isEqualTo(-0x1p63);
    assertThat(new JsonInteger(BigInteger.TEN.pow(400)).doubleValue())
        .isEqualTo(Double.POSITIVE_INFINITY);
  }

  @Test
  void canonicalIntegersAreExactUpTo2To53AndDoublesBeyond() {
    BigInteger two53 = BigInteger.TWO.pow(53);
    assertThat(Jcs.canonicalString(new JsonInteger(two53))).isEqualTo("9007199254740992");
    assertThat(Jcs.canonicalString(new JsonInteger(two53.negate()))).isEqualTo("-9007199254740992");
    // 2^53 + 1 has no double: RFC 8785 prints the double it rounds to.
    assertThat(Jcs.canonicalString(new JsonInteger(two53.add(BigInteger.ONE))))
        .isEqualTo("9007199254740992");
    assertThat(Jcs.canonicalString(new JsonInteger(two53.add(BigInteger.ONE).negate())))
        .isEqualTo("-9007199254740992");
    // The plain writer keeps every digit, as Go prints an int64.
    assertThat(JsonWriter.compact(new JsonInteger(two53.add(BigInteger.ONE))))
        .isEqualTo("9007199254740993");
    assertThat(JsonWriter.compact(JsonNumber.of(Long.MIN_VALUE))).isEqualTo("-9223372036854775808");
  }

  @Test
  void anIntegerBeyondTheDoubleRangeHasNoCanonicalForm() {
    // No parser makes one, but the record allows it: canonicalisation must fail, not print
    // "Infinity" (not JSON) or a number that some other value also canonicalises to.
    JsonInteger huge = new JsonInteger(BigInteger.TEN.pow(400));
    assertThatThrownBy(() -> Jcs.canonicalize(JsonArray.of(huge)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("non-finite");
    assertThat(JsonWriter.compact(huge)).isEqualTo("1" + "0".repeat(400));
  }

  @Test
  void floatsPrintInTheirShortestEcmaScriptForm() {
    assertThat(JsonWriter.compact(new JsonFloat(-0.0))).isEqualTo("0");
    assertThat(JsonWriter.compact(new JsonFloat(1e21))).isEqualTo("1e+21");
    assertThat(JsonWriter.compact(new JsonFloat(1e20))).isEqualTo("100000000000000000000");
    assertThat(JsonWriter.compact(new JsonFloat(5e-324))).isEqualTo("5e-324");
    assertThat(JsonWriter.compact(new JsonFloat(0.1 + 0.2))).isEqualTo("0.30000000000000004");
  }
}
