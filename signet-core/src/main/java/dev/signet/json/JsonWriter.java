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

  /** A JSON string literal for {@code s}, with quotes. */
  public static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2);
    JsonText.writeString(out, s);
    return out.toString();
  }
}
