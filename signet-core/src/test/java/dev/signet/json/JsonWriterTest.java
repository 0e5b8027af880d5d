package dev.signet.json;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonWriterTest {
  private static final JsonObject TREE =
      JsonObject.builder()
          .put("z", JsonArray.of(JsonNumber.of(1), new JsonString("x"), JsonBool.TRUE))
          .put("empty object", JsonObject.EMPTY)
          .put("empty array", JsonArray.EMPTY)
          .put("a", JsonObject.builder().put("n", JsonNull.NULL).put("f", JsonBool.FALSE).build())
          .build();

  @Test
  void prettyIndentsByTwoInMemberOrderAndKeepsEmptyContainersOnOneLine() {
    assertThat(JsonWriter.pretty(TREE))
        .isEqualTo(
            """
            {
              "z": [
                1,
                "x",
                true
              ],
              "empty object": {},
              "empty array": [],
              "a": {
                "n": null,
                "f": false
              }
            }\
            """);
  }

  @Test
  void compactHasNoWhitespaceAndKeepsMemberOrderUnlikeCanonical() {
    assertThat(JsonWriter.compact(TREE))
        .isEqualTo(
            "{\"z\":[1,\"x\",true],\"empty object\":{},\"empty array\":[],"
                + "\"a\":{\"n\":null,\"f\":false}}");
    assertThat(Jcs.canonicalString(TREE))
        .isEqualTo(
            "{\"a\":{\"f\":false,\"n\":null},\"empty array\":[],\"empty object\":{},"
                + "\"z\":[1,\"x\",true]}");
  }

  @Test
  void prettyOutputReadsBackToTheSameTree() throws Exception {
    assertThat(JsonReader.withDefaultLimits().parse(JsonWriter.pretty(TREE), "t")).isEqualTo(TREE);
  }

  @Test
  void quoteEscapesWhatJsonRequiresAndNothingElse() {
    assertThat(JsonWriter.quote("a\"b\\c/d\b\f\n\r\t\u0000\u001f\u007f<>&\u2028é"))
        .isEqualTo("\"a\\\"b\\\\c/d\\b\\f\\n\\r\\t\\u0000\\u001f\u007f<>&\u2028é\"");
  }

  @Test
  void quoteKeepsSurrogatePairsAndReplacesLoneSurrogates() {
    assertThat(JsonWriter.quote("\uD83D\uDE00")).isEqualTo("\"\uD83D\uDE00\"");
    // A high surrogate as the last character, with nothing after it to pair with.
    assertThat(JsonWriter.quote("x\uD83D")).isEqualTo("\"x\uFFFD\"");
    // A low surrogate first, and a pair written the wrong way round.
    assertThat(JsonWriter.quote("\uDE00x")).isEqualTo("\"\uFFFDx\"");
    assertThat(JsonWriter.quote("\uDE00\uD83D")).isEqualTo("\"\uFFFD\uFFFD\"");
    // Two high surrogates then a low one: only the second pairs.
    assertThat(JsonWriter.quote("\uD83D\uD83D\uDE00")).isEqualTo("\"\uFFFD\uD83D\uDE00\"");
  }
}
