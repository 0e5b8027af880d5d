package dev.signet.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.signet.testing.FuzzChecks;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Fuzzes key references ({@code --signing-key}, {@code --verification-key}, {@code --key}): file
 * paths, RFC 7512 {@code pkcs11:} URIs, {@code awskms://}, {@code gcpkms://}, {@code
 * hashivault://}, {@code openbao://} and {@code signet://}.
 *
 * <p>Properties: every refusal is a {@link KeyException} with a one-line message; no message,
 * display or {@code toString()} contains an inline PIN ({@code pin-value}); and a reference whose
 * display is not redacted parses from its display to an equal reference.
 */
class KeyRefFuzzTest {
  @FuzzTest(maxDuration = "2m")
  void parse(@NotNull String ref) {
    List<String> pins = pins(ref);
    KeyRef parsed;
    try {
      parsed = KeyRef.parse(ref);
    } catch (KeyException e) {
      FuzzChecks.typed(e, pins);
      return;
    }
    String shown = parsed.display();
    FuzzChecks.noSecret(shown, pins, new AssertionError(shown));
    FuzzChecks.noSecret(parsed.toString(), pins, new AssertionError(shown));
    if (shown.contains("[redacted]")) {
      return;
    }
    KeyRef again;
    try {
      again = KeyRef.parse(shown);
    } catch (KeyException e) {
      throw new AssertionError("the display " + shown + " does not parse", e);
    }
    assertThat(again).as("%s parsed from its display %s", ref, shown).isEqualTo(parsed);
  }

  /**
   * Inline PINs in {@code ref}, as written and percent-decoded, less those that occur elsewhere in
   * the reference (which may be printed) and short ones that can occur in any message by chance.
   */
  private static List<String> pins(String ref) {
    List<String> pins = new ArrayList<>();
    if (!ref.startsWith("pkcs11:")) {
      return pins;
    }
    // Only the query holds a PIN; "&pin-value=" inside a path value (RFC 7512 allows '&' there) is
    // part of that value, such as an object label, which is printed.
    int at = ref.indexOf('?');
    if (at < 0) {
      return pins;
    }
    while ((at = ref.indexOf("pin-value=", at)) >= 0) {
      int start = at + "pin-value=".length();
      if ("?&".indexOf(ref.charAt(at - 1)) < 0) {
        at = start;
        continue; // inside another attribute's value, which is printed
      }
      int end = ref.indexOf('&', start);
      String raw = ref.substring(start, end < 0 ? ref.length() : end);
      pins.add(raw);
      try {
        pins.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        // a malformed escape: refused, and only the raw form can appear
      }
      at = start;
    }
    String open = ref.replaceAll("(pin-value=)[^&]*", "$1");
    // Messages escape control characters as \\uXXXX; such text may spell a PIN by chance.
    StringBuilder escaped = new StringBuilder();
    for (char c : open.toCharArray()) {
      escaped.append(
          c < 0x20 || (c >= 0x7f && c <= 0x9f)
              ? "\\u00" + HexFormat.of().toHexDigits((byte) c)
              : String.valueOf(c));
    }
    pins.removeIf(p -> p.length() < 8 || open.contains(p) || escaped.indexOf(p) >= 0);
    return pins;
  }
}
