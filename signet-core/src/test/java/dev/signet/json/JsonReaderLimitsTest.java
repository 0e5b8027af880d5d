package dev.signet.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import org.junit.jupiter.api.Test;

/**
 * Every bound of the reader is reported as a one-line input error that says what is wrong with the
 * input, never in Jackson's configuration vocabulary ({@code StreamReadConstraints...}).
 */
class JsonReaderLimitsTest {
  private static final JsonReader SMALL = new JsonReader(new InputLimits(100, 0, 4, 1, 1));

  @Test
  void aDocumentLongerThanTheLimitIsRefusedInTheReadersOwnWords() throws Exception {
    // Found while covering the reader: Jackson checks the length before the first token, outside
    // the handler that rewords its limit messages, so this one named Jackson's API.
    String text = "[" + "1,".repeat(60) + "1]";
    assertThatThrownBy(() -> SMALL.parse(text, "big.json"))
        .isInstanceOf(InputException.class)
        .hasMessage("big.json: longer than 100 characters")
        .satisfies(e -> assertThat(((InputException) e).where()).isNull());
    assertThat(SMALL.parse("[" + "1,".repeat(48) + "1]", "ok.json")).isInstanceOf(JsonArray.class);
  }

  @Test
  void nestingNumberAndNameLimitsNameTheLocation() {
    assertThatThrownBy(() -> SMALL.parse("[[[[[1]]]]]", "deep.json"))
        .hasMessage("deep.json: line 1, column 5: nested deeper than 4 levels");
    String longNumber = "[" + "1".repeat(401) + "]";
    assertThatThrownBy(() -> JsonReader.withDefaultLimits().parse(longNumber, "n.json"))
        .hasMessage("n.json: line 1, column 2: exceeds an input limit");
    String longName = "{\"" + "k".repeat((64 << 10) + 1) + "\":1}";
    assertThatThrownBy(() -> JsonReader.withDefaultLimits().parse(longName, "k.json"))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("k.json: line 1, column ")
        .hasMessageEndingWith(": exceeds an input limit");
  }

  @Test
  void aLongJacksonMessageIsCutAndStaysOneLine() {
    String name = "n".repeat(300);
    assertThatThrownBy(() ->
            JsonReader.withDefaultLimits()
                .parse("{\"" + name + "\": 1,\n\"" + name + "\": 2}", "dup.json"))
        .isInstanceOf(InputException.class)
        .satisfies(e -> {
          InputException ie = (InputException) e;
          assertThat(ie.where()).startsWith("line 2, column ");
          assertThat(ie.problem()).startsWith("Duplicate Object property \"nnn").hasSize(201);
          assertThat(ie.problem()).endsWith("…").doesNotContain("\n");
        });
  }

  @Test
  void malformedInputNamesTheLineAndColumn() {
    assertThatThrownBy(() -> JsonReader.withDefaultLimits().parse("[1,\n 2,]", "m.json"))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("m.json: line 2, column 4: Unexpected character (']'");
    assertThatThrownBy(() -> JsonReader.withDefaultLimits().parse("[1] x", "m.json"))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("m.json: line 1, column 5: ");
    assertThatThrownBy(() -> JsonReader.withDefaultLimits().parse("[1] [2]", "m.json"))
        .isInstanceOf(InputException.class)
        .hasMessage("m.json: line 1, column 5: unexpected data after the JSON value");
  }
}
