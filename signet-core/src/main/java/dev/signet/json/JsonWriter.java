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
}
