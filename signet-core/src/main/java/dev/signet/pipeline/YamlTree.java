package dev.signet.pipeline;

import dev.signet.json.JsonArray;
import dev.signet.json.JsonBool;
import dev.signet.json.JsonFloat;
import dev.signet.json.JsonInteger;
import dev.signet.json.JsonNull;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.json.JsonWriter;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SequencedMap;

/**
 * The typed, order-preserving tree that both YAML and JSON input become before steps are mapped
 * (spec §2.1). It is {@link JsonValue} plus what JSON cannot say: timestamps (a string in some
 * places, an error in string fields), non-finite floats, and where each node came from, so that an
 * {@link UnknownStep} or an error can point at a line and column or a JSON path.
 */
sealed interface YamlTree {

  /** {@code line L, column C} for YAML, a path such as {@code steps[2].env} for JSON. */
  String where();

  record Mapping(SequencedMap<String, YamlTree> entries, String where) implements YamlTree {
    public Mapping {
      entries = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(entries));
    }
  }

  record Sequence(List<YamlTree> items, String where) implements YamlTree {
    public Sequence {
      items = List.copyOf(items);
    }
  }

  record Str(String value, String where) implements YamlTree {}

  record Int(BigInteger value, String where) implements YamlTree {}

  /** May be NaN or infinite (YAML {@code .nan}, {@code .inf}); JSON cannot hold those. */
  @SuppressWarnings("JavaLangClash") // always qualified as YamlTree.Float, like YAML's own tag name
  record Float(double value, String where) implements YamlTree {}

  record Bool(boolean value, String where) implements YamlTree {}

  record Null(String where) implements YamlTree {}

  /** A plain scalar yaml.v3 reads as a time; {@code rfc3339} is how Go marshals it back. */
  record Timestamp(String rfc3339, String where) implements YamlTree {}

  /** The Go type name of a node, as Go's error messages word it. */
  static String goType(YamlTree node) {
    return switch (node) {
      case Mapping m -> "map";
      case Sequence s -> "list";
      case Str s -> "string";
      case Int i -> "int";
      case Float f -> "float64";
      case Bool b -> "bool";
      case Null n -> "null";
      case Timestamp t -> "timestamp";
    };
  }

  /**
   * The JSON form of a node, as Go marshals the generic tree: timestamps become their RFC 3339
   * string. Non-finite floats have no JSON form, so they are refused.
   */
  static JsonValue toJson(YamlTree node) {
    return switch (node) {
      case Mapping m -> {
        LinkedHashMap<String, JsonValue> members = new LinkedHashMap<>();
        for (Map.Entry<String, YamlTree> e : m.entries().entrySet()) {
          members.put(e.getKey(), toJson(e.getValue()));
        }
        yield new JsonObject(members);
      }
      case Sequence s -> {
        List<JsonValue> items = new ArrayList<>(s.items().size());
        for (YamlTree item : s.items()) {
          items.add(toJson(item));
        }
        yield new JsonArray(items);
      }
      case Str s -> new JsonString(s.value());
      case Int i -> new JsonInteger(i.value());
      case Float f -> {
        if (!Double.isFinite(f.value())) {
          throw new StepError(
              "the number " + GoScalars.formatFloat(f.value()) + " has no JSON form");
        }
        yield new JsonFloat(f.value());
      }
      case Bool b -> JsonBool.of(b.value());
      case Null n -> JsonNull.NULL;
      case Timestamp t -> new JsonString(t.rfc3339());
    };
  }

  /**
   * Like {@link #toJson} but never fails: a non-finite float becomes its Go spelling. Only used to
   * keep the raw form of a step that is already unknown, for messages and pass-through.
   */
  static JsonValue toJsonLenient(YamlTree node) {
    return switch (node) {
      case Mapping m -> {
        LinkedHashMap<String, JsonValue> members = new LinkedHashMap<>();
        for (Map.Entry<String, YamlTree> e : m.entries().entrySet()) {
          members.put(e.getKey(), toJsonLenient(e.getValue()));
        }
        yield new JsonObject(members);
      }
      case Sequence s -> new JsonArray(s.items().stream().map(YamlTree::toJsonLenient).toList());
      case Float f when !Double.isFinite(f.value()) ->
          new JsonString(GoScalars.formatFloat(f.value()));
      default -> toJson(node);
    };
  }

  /**
   * The tree of an already decoded JSON value (a {@code job.step}). JSON has no timestamps, and its
   * numbers were typed by {@link dev.signet.json.JsonReader} the way Go's decoder types them.
   */
  static YamlTree fromJson(JsonValue value, String path) {
    Objects.requireNonNull(value, "value");
    return switch (value) {
      case JsonObject o -> {
        LinkedHashMap<String, YamlTree> entries = new LinkedHashMap<>();
        for (Map.Entry<String, JsonValue> e : o.members().entrySet()) {
          entries.put(e.getKey(), fromJson(e.getValue(), childPath(path, e.getKey())));
        }
        yield new Mapping(entries, path);
      }
      case JsonArray a -> {
        List<YamlTree> items = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
          items.add(fromJson(a.get(i), path + "[" + i + "]"));
        }
        yield new Sequence(items, path);
      }
      case JsonString s -> new Str(s.value(), path);
      case JsonInteger i -> new Int(i.value(), path);
      case JsonFloat f -> new Float(f.value(), path);
      case JsonBool b -> new Bool(b.value(), path);
      case JsonNull n -> new Null(path);
    };
  }

  private static String childPath(String path, String key) {
    boolean simple =
        !key.isEmpty()
            && key.chars()
                .allMatch(c ->
                    c == '_'
                        || c == '-'
                        || (c >= 'a' && c <= 'z')
                        || (c >= 'A' && c <= 'Z')
                        || (c >= '0' && c <= '9'));
    String part = simple ? key : JsonWriter.quote(key);
    return path.isEmpty() ? part : path + "." + part;
  }
}
