package dev.signet.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class JsonReaderTest {
  private final JsonReader reader = new JsonReader(InputLimits.DEFAULT);

  @Test
  void numbersDecodeLikeGo() throws Exception {
    JsonArray a =
        (JsonArray)
            reader.parse("[1, 1.0, 1.5, 9223372036854775807, 9223372036854775808, -0]", "t");
    assertThat(a.get(0)).isEqualTo(new JsonInteger(BigInteger.ONE));
    assertThat(a.get(1)).isEqualTo(new JsonInteger(BigInteger.ONE));
    assertThat(a.get(2)).isEqualTo(new JsonFloat(1.5));
    assertThat(a.get(3)).isEqualTo(new JsonInteger(BigInteger.valueOf(Long.MAX_VALUE)));
    assertThat(a.get(4)).isInstanceOf(JsonFloat.class);
  }

  @Test
  void loneSurrogateEscapesReadAsTheReplacementCharacterAsInGo() throws Exception {
    // Found by JsonReaderFuzzTest (crash-49a0cdea…): the tree kept U+D800, the writer spelled it
    // U+FFFD, so reading the written JSON gave a different tree.
    JsonArray a =
        (JsonArray) reader.parse("[\"a\\ud800b\", \"\\udc00\\ud800\", \"\\ud83d\\ude00\"]", "t");
    assertThat(a.get(0)).isEqualTo(new JsonString("a\uFFFDb"));
    assertThat(a.get(1)).isEqualTo(new JsonString("\uFFFD\uFFFD"));
    assertThat(a.get(2)).isEqualTo(new JsonString("\uD83D\uDE00")); // a pair is one character
    assertThat(reader.parse(JsonWriter.compact(a), "t")).isEqualTo(a);
  }

  @Test
  void loneSurrogateInAMemberNameIsRefused() {
    assertThatThrownBy(() -> reader.parse("{\"\\udc00\":1}", "t"))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("surrogate");
  }

  @Test
  void quoteOneLineEscapesEveryLineBreakAndCuts() {
    assertThat(JsonWriter.quoteOneLine("a\nb\u2028c\u2029d\u0085e\r", 64))
        .isEqualTo("\"a\\nb\\u2028c\\u2029d\\u0085e\\r\"");
    assertThat(JsonWriter.quoteOneLine("abcdef", 3)).isEqualTo("\"abc…\"");
    assertThat(JsonWriter.quoteOneLine("llamas", 128)).isEqualTo("\"llamas\"");
  }

  @Test
  void keepsMemberOrder() throws Exception {
    JsonObject o = (JsonObject) reader.parse("{\"b\":1,\"a\":2,\"c\":3}", "t");
    assertThat(o.members().keySet()).containsExactly("b", "a", "c");
  }

  @Test
  void refusesDuplicateMembersNamingTheLocation() {
    assertThatThrownBy(() -> reader.parse("{\"a\":1,\n\"a\":2}", "job.json"))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("job.json: line 2")
        .hasMessageContaining("Duplicate");
  }

  @Test
  void refusesDeepNestingWithoutStackOverflow() {
    String deep = "[".repeat(10_000) + "]".repeat(10_000);
    assertThatThrownBy(() -> reader.parse(deep, "deep.json"))
        .isInstanceOf(InputException.class)
        .hasMessage("deep.json: line 1, column 65: nested deeper than 64 levels");
  }

  @Test
  void neverEchoesAnUnquotedToken() {
    // It could be a private key member or an env value that lost its quotes.
    assertThatThrownBy(() -> reader.parse("{\"d\": s3cr3t'ish-Value}", "k.json"))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("k.json: line 1, column 7: Unrecognized token: was expecting")
        .hasMessageNotContaining("s3cr3t")
        .hasMessageNotContaining("Value");
  }

  @Test
  void refusesTrailingDataAndEmptyInputAndNonFiniteNumbers() {
    assertThatThrownBy(() -> reader.parse("{} {}", "t")).isInstanceOf(InputException.class);
    assertThatThrownBy(() -> reader.parse("  ", "t"))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> reader.parse("[1e400]", "t")).isInstanceOf(InputException.class);
    assertThatThrownBy(() -> reader.parse("[NaN]", "t")).isInstanceOf(InputException.class);
  }

  @Test
  void errorsAreOneLine() {
    assertThatThrownBy(() -> reader.parse("{\"a\": tru}", "bad.json"))
        .isInstanceOf(InputException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void refusesIntegersBeyondDoubleRangeAsInputNotACrash() {
    String huge = "[" + "9".repeat(350) + "]";
    assertThatThrownBy(() -> reader.parse(huge, "job.json"))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("out of range");
  }
}
