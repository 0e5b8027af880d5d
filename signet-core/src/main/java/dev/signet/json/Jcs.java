package dev.signet.json;

import java.nio.charset.StandardCharsets;

/**
 * RFC 8785 JSON Canonicalization Scheme over a {@link JsonValue} tree.
 *
 * <p>Written by hand rather than round-tripping through erdtman's {@code JsonCanonicalizer}
 * (serialise, re-parse, re-serialise) because canonicalisation sits on the signing and verification
 * hot path and must be byte-exact with Go's {@code gowebpki/jcs}. Only the ECMAScript number
 * formatting, the subtle part, is delegated to erdtman's {@code NumberToJSON}; the test suite
 * cross-checks the whole output against erdtman's canonicaliser.
 *
 * <p>Rules: object members sorted by UTF-16 code units (which is {@link String#compareTo}), no
 * whitespace, strings escaped only where JSON requires it ({@code \"}, {@code \\}, the short
 * escapes, {@code \}{@code u00xx} in lower-case hex for other controls), everything else raw UTF-8.
 * A lone surrogate is written as U+FFFD, as Go does for invalid UTF-8.
 */
public final class Jcs {
  private Jcs() {}

  /** The canonical UTF-8 bytes of {@code value}. */
  public static byte[] canonicalize(JsonValue value) {
    return canonicalString(value).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The canonical form of {@code value} as a string (its UTF-8 encoding is the canonical bytes).
   */
  public static String canonicalString(JsonValue value) {
    StringBuilder out = new StringBuilder(256);
    JsonText.write(out, value, JsonText.Mode.CANONICAL, -1, 0);
    return out.toString();
  }
}
