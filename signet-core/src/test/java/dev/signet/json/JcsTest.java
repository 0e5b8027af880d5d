package dev.signet.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.input.InputLimits;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.erdtman.jcs.JsonCanonicalizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JcsTest {
  private static final JsonReader READER = new JsonReader(InputLimits.DEFAULT);

  private static String jcs(String json) throws Exception {
    return Jcs.canonicalString(READER.parse(json, "test"));
  }

  @Test
  void rfc8785Section322Example() throws Exception {
    String input =
        "{\"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],"
            + " \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\","
            + " \"literals\": [null, true, false]}";
    assertThat(jcs(input))
        .isEqualTo(
            "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                + "\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "5e-324|5e-324",
        "1.7976931348623157e+308|1.7976931348623157e+308",
        "9007199254740992|9007199254740992",
        "1e21|1e+21",
        "100000000000000000000|100000000000000000000",
        "0.000001|0.000001",
        "1e-7|1e-7",
        "-0|0",
        "-0.0|0",
        "1.0|1",
        "295147905179352830000|295147905179352830000",
        "12345678901234567890|12345678901234567000"
      })
  void numbersFollowEcmaScript(String in, String out) throws Exception {
    assertThat(jcs("[" + in + "]")).isEqualTo("[" + out + "]");
  }

  @Test
  void membersSortByUtf16CodeUnitsNotCodePoints() throws Exception {
    // U+FB01 (ﬁ) sorts after U+1F600 (😀) by code point but before it... no: by UTF-16 units the
    // surrogate D83D sorts before FB01, which is the RFC 8785 order.
    assertThat(jcs("{\"\uFB01\":4,\"\uD83D\uDE00\":3,\"\u00E9\":2,\"z\":1}"))
        .isEqualTo("{\"z\":1,\"\u00E9\":2,\"\uD83D\uDE00\":3,\"\uFB01\":4}");
  }

  @Test
  void onlyRequiredEscapesAndRawUtf8() throws Exception {
    assertThat(jcs("[\"</script>&<\\u2028\\u007f\\u0001\\b\\f\\t\"]"))
        .isEqualTo("[\"</script>&<\u2028\u007f\\u0001\\b\\f\\t\"]");
  }

  @Test
  void loneSurrogateBecomesReplacementCharacterAsInGo() {
    JsonValue v = new JsonString("a\uD800b");
    assertThat(Jcs.canonicalString(v)).isEqualTo("\"a\uFFFDb\"");
  }

  /** Property: our direct canonicaliser agrees with erdtman's on random trees. */
  @Test
  void agreesWithErdtmanOnRandomTrees() throws Exception {
    RandomGenerator rnd = RandomGeneratorFactory.of("L64X128MixRandom").create(8785);
    for (int i = 0; i < 2000; i++) {
      // erdtman accepts only an object or array at the root.
      JsonValue v = JsonArray.of(randomValue(rnd, 0));
      String ours = Jcs.canonicalString(v);
      String theirs =
          new String(
              new JsonCanonicalizer(JsonWriter.compact(v)).getEncodedUTF8(),
              StandardCharsets.UTF_8);
      assertThat(ours).as("tree %s", JsonWriter.compact(v)).isEqualTo(theirs);
    }
  }

  static JsonValue randomValue(RandomGenerator rnd, int depth) {
    int kind = depth > 3 ? rnd.nextInt(5) : rnd.nextInt(7);
    return switch (kind) {
      case 0 -> JsonNull.NULL;
      case 1 -> JsonBool.of(rnd.nextBoolean());
      case 2 -> new JsonString(randomString(rnd));
      case 3 -> new JsonInteger(BigInteger.valueOf(rnd.nextLong() >> rnd.nextInt(64)));
      case 4 -> {
        double d =
            switch (rnd.nextInt(4)) {
              case 0 -> rnd.nextDouble();
              case 1 -> rnd.nextDouble() * Math.pow(10, rnd.nextInt(-30, 30));
              case 2 -> Double.longBitsToDouble(rnd.nextLong() & 0x7fefffffffffffffL);
              default -> rnd.nextInt(-1000, 1000) / 8.0;
            };
        yield new JsonFloat(d);
      }
      case 5 -> {
        List<JsonValue> items = new ArrayList<>();
        for (int i = rnd.nextInt(4); i > 0; i--) {
          items.add(randomValue(rnd, depth + 1));
        }
        yield new JsonArray(items);
      }
      default -> {
        JsonObject.Builder b = JsonObject.builder();
        for (int i = rnd.nextInt(5); i > 0; i--) {
          b.put(randomString(rnd), randomValue(rnd, depth + 1));
        }
        yield b.build();
      }
    };
  }

  private static final String ALPHABET = "aZ09 \"\\\n\t\u0001\u007f/é€今😀\uFB01<>&\u2028";

  static String randomString(RandomGenerator rnd) {
    StringBuilder sb = new StringBuilder();
    int[] cps = ALPHABET.codePoints().toArray();
    for (int i = rnd.nextInt(8); i > 0; i--) {
      sb.appendCodePoint(cps[rnd.nextInt(cps.length)]);
    }
    return sb.toString();
  }
}
