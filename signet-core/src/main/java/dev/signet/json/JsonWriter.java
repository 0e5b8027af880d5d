package dev.signet.json;

/**
 * Writes JSON text in member insertion order, compact or indented. Integers print exactly; floats
 * print in the ECMAScript form that Go's {@code encoding/json} also uses.
 */
public final class JsonWriter {
  private JsonWriter() {}

  public static String compact(JsonValue value) {
    StringBuilder out = new StringBuilder(256);
    JsonText.write(out, value, JsonText.Mode.PLAIN, -1, 0);
    return out.toString();
  }

  public static String pretty(JsonValue value) {
    StringBuilder out = new StringBuilder(256);
    JsonText.write(out, value, JsonText.Mode.PLAIN, 2, 0);
    return out.toString();
  }

  /**
   * {@link #quote} for naming an input value (a key ID, an algorithm name) in a one-line message:
   * cut after {@code max} characters, and with NEL, LS and PS escaped as well, which JSON leaves
   * raw but log readers take as line breaks.
   */
  public static String quoteOneLine(String s, int max) {
    boolean cut = s.length() > max;
    String q = quote(cut ? s.substring(0, max) : s);
    q = q.replace("\u0085", "\\u0085").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
    return cut ? q.substring(0, q.length() - 1) + "…\"" : q;
  }

  /** A JSON string literal for {@code s}, with quotes. */
  public static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2);
    JsonText.writeString(out, s);
    return out.toString();
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /**
   * A JSON string literal exactly as Go's {@code encoding/json} writes it: HTML-safe escapes for
   * {@code <}, {@code >}, {@code &}, U+2028 and U+2029, and lone surrogates replaced by U+FFFD.
   * Byte-exact output matters where Go-made bytes are signed (JWS headers, cosign payloads).
   */
  public static String quoteGo(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2);
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case '<', '>', '&', '\u2028', '\u2029' ->
            sb.append("\\u").append(String.format(java.util.Locale.ROOT, "%04x", (int) c));
        default -> {
          if (c < 0x20) {
            sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
          } else if (Character.isSurrogate(c)
              && !(Character.isHighSurrogate(c)
                  && i + 1 < s.length()
                  && Character.isLowSurrogate(s.charAt(i + 1)))
              && !(Character.isLowSurrogate(c)
                  && i > 0
                  && Character.isHighSurrogate(s.charAt(i - 1)))) {
            sb.append("\\ufffd");
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
    return sb.toString();
  }
}
