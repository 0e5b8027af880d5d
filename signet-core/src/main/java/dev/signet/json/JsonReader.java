package dev.signet.json;

import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;

/**
 * Strict JSON parsing of untrusted input into a {@link JsonValue}: one value per document,
 * duplicate member names refused, nesting and sizes bounded by {@link InputLimits}.
 *
 * <p>Numbers follow Go's decoding of Buildkite's job JSON: an integral literal that fits int64
 * becomes a {@link JsonInteger} (so {@code 1.0} is the integer 1), anything else a {@link
 * JsonFloat}.
 */
public final class JsonReader {
  private static final BigInteger INT64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger INT64_MAX = BigInteger.valueOf(Long.MAX_VALUE);
  private static final java.util.regex.Pattern QUOTED_INPUT =
      java.util.regex.Pattern.compile(" '.*'(?=: was expecting)");

  private final JsonFactory factory;
  private final int maxDepth;
  private final int maxChars;

  public JsonReader(InputLimits limits) {
    this.maxDepth = limits.maxDepth();
    this.maxChars = limits.maxBytes();
    this.factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(limits.maxDepth())
                    .maxDocumentLength(limits.maxBytes())
                    .maxStringLength(limits.maxBytes())
                    .maxNumberLength(400)
                    .maxNameLength(64 << 10)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
  }

  public static JsonReader withDefaultLimits() {
    return new JsonReader(InputLimits.DEFAULT);
  }

  /** Parses exactly one JSON value from {@code text}; {@code source} names it in errors. */
  public JsonValue parse(String text, String source) throws InputException {
    try (JsonParser p = factory.createParser(ObjectReadContext.empty(), text)) {
      try {
        JsonToken first = p.nextToken();
        if (first == null) {
          throw new InputException(source, null, "empty document, expected JSON");
        }
        JsonValue value = read(p, first);
        JsonToken trailing = p.nextToken();
        if (trailing != null) {
          throw new InputException(
              source, where(p.currentTokenLocation()), "unexpected data after the JSON value");
        }
        return value;
      } catch (StreamConstraintsException e) {
        // Jackson's wording names its own configuration API and carries no location; say what
        // is wrong with the input, and where.
        throw new InputException(
            source,
            where(p.currentTokenLocation()),
            String.valueOf(e.getOriginalMessage()).contains("nesting depth")
                ? "nested deeper than " + maxDepth + " levels"
                : "exceeds an input limit");
      }
    } catch (StreamConstraintsException e) {
      // Thrown before there is a parser: Jackson checks the document length up front.
      throw new InputException(source, null, "longer than " + maxChars + " characters");
    } catch (JacksonException e) {
      String msg = e.getOriginalMessage();
      throw new InputException(source, where(e.getLocation()), firstSentence(msg));
    }
  }

  private static JsonValue read(JsonParser p, JsonToken t) {
    return switch (t) {
      case START_OBJECT -> {
        LinkedHashMap<String, JsonValue> members = new LinkedHashMap<>();
        for (JsonToken n = p.nextToken(); n != JsonToken.END_OBJECT; n = p.nextToken()) {
          String name = p.currentName();
          members.put(name, read(p, p.nextToken()));
        }
        yield new JsonObject(members);
      }
      case START_ARRAY -> {
        List<JsonValue> items = new ArrayList<>();
        for (JsonToken n = p.nextToken(); n != JsonToken.END_ARRAY; n = p.nextToken()) {
          items.add(read(p, n));
        }
        yield new JsonArray(items);
      }
      case VALUE_STRING -> new JsonString(wellFormed(p.getString()));
      case VALUE_NUMBER_INT -> integer(p, p.getBigIntegerValue());
      case VALUE_NUMBER_FLOAT -> {
        double d = p.getDoubleValue();
        if (!Double.isFinite(d)) {
          throw new tools.jackson.core.exc.StreamReadException(p, "number out of range");
        }
        yield (d == Math.rint(d) && Math.abs(d) < 0x1p63)
            ? JsonNumber.of((long) d)
            : new JsonFloat(d);
      }
      case VALUE_TRUE -> JsonBool.TRUE;
      case VALUE_FALSE -> JsonBool.FALSE;
      case VALUE_NULL -> JsonNull.NULL;
      default -> throw new tools.jackson.core.exc.StreamReadException(p, "unexpected token " + t);
    };
  }

  /**
   * An escaped lone surrogate ({@code "\ud800"}) becomes U+FFFD, as Go's decoder makes it. The tree
   * then holds what a Go agent holds, and writing and reading it again gives it back: the writers
   * can only spell a lone surrogate as U+FFFD. (Jackson already refuses one in a member name.)
   */
  static String wellFormed(String s) {
    int i = 0;
    while (i < s.length() && !Character.isSurrogate(s.charAt(i))) {
      i++;
    }
    if (i == s.length()) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length()).append(s, 0, i);
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        out.append(c).append(s.charAt(++i));
      } else {
        out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
      }
    }
    return out.toString();
  }

  private static JsonNumber integer(JsonParser p, BigInteger v) {
    if (v.compareTo(INT64_MIN) >= 0 && v.compareTo(INT64_MAX) <= 0) {
      return new JsonInteger(v);
    }
    double d = v.doubleValue();
    if (!Double.isFinite(d)) {
      // Go's decoder fails on such a number too; it can never be signed or compared.
      throw new tools.jackson.core.exc.StreamReadException(p, "number out of range");
    }
    return new JsonFloat(d);
  }

  private static String where(TokenStreamLocation loc) {
    if (loc == null || loc.getLineNr() < 0) {
      return "";
    }
    return "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
  }

  private static String firstSentence(String msg) {
    if (msg == null) {
      return "malformed JSON";
    }
    String line = msg.lines().findFirst().orElse(msg);
    // Jackson quotes the offending token ("Unrecognized token 'abc…'"), which may be an unquoted
    // private key member or env value: keep the message, drop the quoted input text.
    line = QUOTED_INPUT.matcher(line).replaceAll("");
    // Jackson appends where a structure started, in its own configuration vocabulary.
    int marker = line.indexOf(" (start marker at ");
    if (marker > 0) {
      line = line.substring(0, marker);
    }
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }
}
