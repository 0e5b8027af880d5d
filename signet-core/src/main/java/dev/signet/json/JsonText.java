package dev.signet.json;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.erdtman.jcs.NumberToJSON;

/** Shared JSON text emission for {@link Jcs} and {@link JsonWriter}. */
final class JsonText {
  enum Mode {
    CANONICAL,
    PLAIN
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final BigInteger MAX_SAFE = BigInteger.valueOf((1L << 53));

  private JsonText() {}

  static void write(StringBuilder out, JsonValue value, Mode mode, int indent, int depth) {
    switch (value) {
      case JsonNull n -> out.append("null");
      case JsonBool b -> out.append(b.value() ? "true" : "false");
      case JsonString s -> writeString(out, s.value());
      case JsonInteger i -> writeInteger(out, i.value(), mode);
      case JsonFloat f -> out.append(formatDouble(f.value()));
      case JsonArray a -> writeArray(out, a, mode, indent, depth);
      case JsonObject o -> writeObject(out, o, mode, indent, depth);
    }
  }

  private static void writeInteger(StringBuilder out, BigInteger v, Mode mode) {
    // Within ±2^53 a double holds the integer exactly and ECMAScript prints plain digits.
    if (mode == Mode.PLAIN || v.abs().compareTo(MAX_SAFE) <= 0) {
      out.append(v);
    } else {
      out.append(formatDouble(v.doubleValue()));
    }
  }

  static String formatDouble(double d) {
    if (d == 0) {
      return "0"; // -0 canonicalises to 0
    }
    try {
      return NumberToJSON.serializeNumber(d);
    } catch (IOException e) {
      // Only thrown for NaN/Infinity: JsonFloat refuses them at construction, so only a
      // JsonInteger beyond the double range (which no parser makes) can get here.
      throw new IllegalStateException("non-finite number reached the JSON writer", e);
    }
  }

  private static void writeArray(StringBuilder out, JsonArray a, Mode mode, int indent, int depth) {
    if (a.isEmpty()) {
      out.append("[]");
      return;
    }
    out.append('[');
    boolean first = true;
    for (JsonValue item : a.items()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      newline(out, indent, depth + 1);
      write(out, item, mode, indent, depth + 1);
    }
    newline(out, indent, depth);
    out.append(']');
  }

  private static void writeObject(
      StringBuilder out, JsonObject o, Mode mode, int indent, int depth) {
    if (o.isEmpty()) {
      out.append("{}");
      return;
    }
    Iterable<Map.Entry<String, JsonValue>> entries = o.members().entrySet();
    if (mode == Mode.CANONICAL) {
      List<Map.Entry<String, JsonValue>> sorted = new ArrayList<>(o.members().entrySet());
      // String.compareTo orders by UTF-16 code units, exactly what RFC 8785 §3.2.3 requires.
      sorted.sort(Map.Entry.comparingByKey());
      entries = sorted;
    }
    out.append('{');
    boolean first = true;
    for (Map.Entry<String, JsonValue> e : entries) {
      if (!first) {
        out.append(',');
      }
      first = false;
      newline(out, indent, depth + 1);
      writeString(out, e.getKey());
      out.append(indent >= 0 ? ": " : ":");
      write(out, e.getValue(), mode, indent, depth + 1);
    }
    newline(out, indent, depth);
    out.append('}');
  }

  private static void newline(StringBuilder out, int indent, int depth) {
    if (indent >= 0) {
      out.append('\n');
      out.repeat(' ', indent * depth);
    }
  }

  static void writeString(StringBuilder out, String s) {
    out.append('"');
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
          } else if (Character.isHighSurrogate(c)
              && i + 1 < n
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            out.append(c).append(s.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            out.append('\uFFFD'); // lone surrogate: Go would have produced U+FFFD
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
