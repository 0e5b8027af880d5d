package dev.signet.pipeline;

import dev.signet.json.JsonArray;
import dev.signet.json.JsonBool;
import dev.signet.json.JsonFloat;
import dev.signet.json.JsonInteger;
import dev.signet.json.JsonNull;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes a {@link JsonValue} tree as block-style YAML in the layout of Go's yaml.v3 (2-space
 * indent, sequences indented under their key, literal blocks for multi-line strings).
 *
 * <p>Written by hand rather than with snakeyaml's emitter because the quoting decision must follow
 * Go's typing, not YAML 1.2 core: the backend re-parses this text with yaml.v3, so every string
 * that yaml.v3 (or a YAML 1.1 parser) would read as something else is quoted ({@code "3"}, {@code
 * "true"}, {@code "2002-08-15"}, {@code "yes"}, spec §2.12 and §10). Anything not plainly safe is
 * double-quoted with escapes, which always round-trips.
 */
final class YamlEmitter {
  private YamlEmitter() {}

  private static final int INDENT = 2;

  // YAML 1.1 scalars that other parsers read as bools or nulls, plus the merge and value keys.
  private static final Set<String> YAML11_SPECIAL =
      Set.of(
          "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off",
          "OFF", "=", "<<");

  // Number-ish text (including YAML 1.1 sexagesimal 1:20 and version-like 1.2.3): quote it.
  private static final Pattern NUMBERISH = Pattern.compile("[-+.]?[0-9][0-9a-zA-Z_.:+-]*");

  /** The document for {@code root}, ending in a newline. */
  static String document(JsonValue root) {
    StringBuilder out = new StringBuilder(1024);
    switch (root) {
      case JsonObject o when !o.isEmpty() -> mapping(out, o, 0, false);
      case JsonArray a when !a.isEmpty() -> sequence(out, a, 0, false);
      default -> out.append(inline(root)).append('\n');
    }
    return out.toString();
  }

  /**
   * A block mapping whose keys sit at column {@code indent}. With {@code inlineFirst} the first key
   * follows a sequence dash already written on the current line.
   */
  private static void mapping(StringBuilder out, JsonObject o, int indent, boolean inlineFirst) {
    boolean first = true;
    for (Map.Entry<String, JsonValue> e : o.members().entrySet()) {
      if (!(first && inlineFirst)) {
        out.repeat(' ', indent);
      }
      first = false;
      String key = e.getKey();
      if (key.length() > 1000) {
        // Implicit keys are limited to 1024 characters; longer ones need the explicit form.
        out.append("? ").append(doubleQuoted(key)).append('\n').repeat(' ', indent).append(':');
      } else {
        out.append(scalarText(key)).append(':');
      }
      value(out, e.getValue(), indent);
    }
  }

  /** The value after {@code key:}, whose key sits at column {@code indent}. */
  private static void value(StringBuilder out, JsonValue v, int indent) {
    switch (v) {
      case JsonObject o when !o.isEmpty() -> {
        out.append('\n');
        mapping(out, o, indent + INDENT, false);
      }
      case JsonArray a when !a.isEmpty() -> {
        out.append('\n');
        sequence(out, a, indent + INDENT, false);
      }
      case JsonString s when literalOk(s.value()) -> literal(out, s.value(), indent + INDENT);
      default -> out.append(' ').append(inline(v)).append('\n');
    }
  }

  /** A block sequence whose dashes sit at column {@code indent}. */
  private static void sequence(StringBuilder out, JsonArray a, int indent, boolean inlineFirst) {
    boolean first = true;
    for (JsonValue item : a.items()) {
      if (!(first && inlineFirst)) {
        out.repeat(' ', indent);
      }
      first = false;
      out.append('-');
      switch (item) {
        case JsonObject o when !o.isEmpty() -> {
          out.append(' ');
          mapping(out, o, indent + INDENT, true);
        }
        case JsonArray inner when !inner.isEmpty() -> {
          out.append(' ');
          sequence(out, inner, indent + INDENT, true);
        }
        case JsonString s when literalOk(s.value()) -> literal(out, s.value(), indent + INDENT);
        default -> out.append(' ').append(inline(item)).append('\n');
      }
    }
  }

  /** {@code |}, {@code |-} or {@code |+} and the lines at column {@code indent}. */
  private static void literal(StringBuilder out, String s, int indent) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '\n') {
      end--;
    }
    int trailing = s.length() - end;
    out.append(trailing == 0 ? " |-" : trailing == 1 ? " |" : " |+").append('\n');
    for (String line : s.substring(0, end).split("\n", -1)) {
      if (!line.isEmpty()) {
        out.repeat(' ', indent).append(line);
      }
      out.append('\n');
    }
    // Keep-chomping: the extra line breaks are part of the value.
    out.repeat('\n', Math.max(0, trailing - 1));
  }

  /**
   * A literal block round-trips when the text has a line break, some non-empty first line that does
   * not start with white space (which would need an indentation indicator), and only characters
   * that are printable in YAML and not line breaks to YAML 1.1 parsers.
   */
  private static boolean literalOk(String s) {
    if (s.indexOf('\n') < 0 || s.isEmpty() || s.charAt(0) == '\n') {
      return false;
    }
    char c0 = s.charAt(0);
    if (c0 == ' ' || c0 == '\t') {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\n' && c != '\t' && needsEscape(s, i)) {
        return false;
      }
    }
    return true;
  }

  private static String inline(JsonValue v) {
    return switch (v) {
      case JsonNull n -> "null";
      case JsonBool b -> b.value() ? "true" : "false";
      case JsonInteger i -> i.value().toString();
      case JsonFloat f -> floatText(f.value());
      case JsonString s -> scalarText(s.value());
      case JsonObject o -> "{}"; // only empty ones reach here
      case JsonArray a -> "[]";
    };
  }

  /**
   * Go's shortest {@code %g} form, as yaml.v3 writes floats, but always readable as a float again
   * ({@code 1.0}, not {@code 1}), so that a parse of the output gives back the same types.
   */
  static String floatText(double d) {
    String s = GoScalars.formatFloat(d);
    return s.contains(".") || s.contains("e") ? s : s + ".0";
  }

  /** A string as a plain scalar when that reads back as the same string, else double-quoted. */
  static String scalarText(String s) {
    return plainOk(s) ? s : doubleQuoted(s);
  }

  private static boolean plainOk(String s) {
    if (s.isEmpty() || YAML11_SPECIAL.contains(s) || NUMBERISH.matcher(s).matches()) {
      return false;
    }
    if (!(GoScalars.resolvePlain(s, "") instanceof YamlTree.Str)) {
      return false;
    }
    char first = s.charAt(0);
    if ("-?:,[]{}#&*!|>'\"%@`~. \t".indexOf(first) >= 0) {
      return false;
    }
    char last = s.charAt(s.length() - 1);
    if (last == ' ' || last == '\t' || last == ':') {
      return false;
    }
    if (s.contains(": ") || s.contains(" #") || s.contains(":\t") || s.contains("\t#")) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\n' || c == '\t' || needsEscape(s, i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Characters that cannot appear raw: C0/C1 controls and DEL, the YAML 1.1 line breaks NEL, LS and
   * PS, the BOM, non-characters, and unpaired surrogates.
   */
  private static boolean needsEscape(String s, int i) {
    char c = s.charAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      return true;
    }
    if (c == '\u2028' || c == '\u2029' || c == '\uFEFF' || c == '\uFFFE' || c == '\uFFFF') {
      return true;
    }
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
    }
    return false;
  }

  static String doubleQuoted(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        case '\0' -> out.append("\\0");
        default -> {
          if (Character.isSurrogate(c) && needsEscape(s, i)) {
            out.append('\uFFFD'); // unpaired: not encodable, Go would have written U+FFFD
          } else if (needsEscape(s, i)) {
            out.append(String.format(java.util.Locale.ROOT, "\\u%04X", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
