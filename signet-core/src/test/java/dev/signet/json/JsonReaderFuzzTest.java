package dev.signet.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.testing.FuzzChecks;
import java.io.IOException;
import org.erdtman.jcs.JsonCanonicalizer;

/**
 * Fuzzes the strict JSON reader (every job, JWKS and JWS header goes through it) and RFC 8785
 * canonicalisation (every signed payload does).
 *
 * <p>Properties: refusals are {@link InputException}s; what is read, written with {@link
 * JsonWriter} (compact and pretty) and read again is equal; canonicalising the canonical form gives
 * the same text; and for inputs erdtman's canonicaliser accepts too, both canonical forms are
 * equal. Escaped lone surrogates are the one documented difference (Signet reads them as U+FFFD, as
 * Go does; erdtman keeps them), so such inputs are left out of that comparison.
 */
class JsonReaderFuzzTest {
  private static final JsonReader READER = new JsonReader(InputLimits.DEFAULT);

  @DictionaryEntries({
    "\\ud800",
    "\\udc00",
    "\\ud83d\\ude00",
    "\\u0000",
    "\\/",
    "1e400",
    "-0",
    "1.0",
    "1E+2",
    "9007199254740993",
    "18446744073709551616",
    "-9223372036854775809",
    "5e-324"
  })
  @FuzzTest
  void parse(@NotNull String text) throws InputException {
    JsonValue value;
    try {
      value = READER.parse(text, "fuzz.json");
    } catch (InputException e) {
      FuzzChecks.typed(e);
      return;
    }
    String compact = JsonWriter.compact(value);
    assertThat(READER.parse(compact, "compact.json")).isEqualTo(value);
    assertThat(READER.parse(JsonWriter.pretty(value), "pretty.json")).isEqualTo(value);

    String canonical = Jcs.canonicalString(value);
    assertThat(Jcs.canonicalString(READER.parse(canonical, "canonical.json"))).isEqualTo(canonical);

    String theirs;
    try {
      theirs = new JsonCanonicalizer(text).getEncodedString();
    } catch (IOException | RuntimeException e) {
      return; // erdtman refuses it: nothing to compare
    }
    if (hasLoneSurrogate(theirs)) {
      return; // erdtman keeps an escaped lone surrogate; Signet reads it as U+FFFD, as Go does
    }
    assertThat(canonical).as("RFC 8785 form of %s", text).isEqualTo(theirs);
  }

  private static boolean hasLoneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }
}
