package dev.signet.pipeline;

import dev.signet.json.JsonArray;
import dev.signet.json.JsonBool;
import dev.signet.json.JsonInteger;
import dev.signet.json.JsonNull;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Builds model records from the "step model" JSON of the vectors (vectors/buildkite/README.md). */
final class PipelineTestModels {
  private PipelineTestModels() {}

  static JsonObject obj(JsonValue v, String name) {
    return (JsonObject) ((JsonObject) v).get(name);
  }

  static JsonArray arr(JsonValue v, String name) {
    return (JsonArray) ((JsonObject) v).get(name);
  }

  static String str(JsonValue v, String name) {
    return ((JsonString) ((JsonObject) v).get(name)).value();
  }

  static @Nullable JsonValue opt(JsonValue v, String name) {
    JsonValue got = ((JsonObject) v).get(name);
    return got == null || got instanceof JsonNull ? null : got;
  }

  static CommandStep commandStep(JsonObject m) {
    return new CommandStep(
        optString(m, "key"),
        optString(m, "label"),
        m.has("command") ? str(m, "command") : "",
        plugins(opt(m, "plugins")),
        secrets(opt(m, "secrets")),
        stringMap(opt(m, "env")),
        null,
        matrix(opt(m, "matrix")),
        opt(m, "cache"),
        checkout(opt(m, "checkout")),
        opt(m, "remaining") == null ? JsonObject.EMPTY : obj(m, "remaining"));
  }

  static @Nullable String optString(JsonObject m, String name) {
    JsonValue v = opt(m, name);
    return v == null ? null : ((JsonString) v).value();
  }

  static SequencedMap<String, String> stringMap(@Nullable JsonValue v) {
    SequencedMap<String, String> out = new LinkedHashMap<>();
    if (v != null) {
      for (Map.Entry<String, JsonValue> e : ((JsonObject) v).members().entrySet()) {
        out.put(e.getKey(), ((JsonString) e.getValue()).value());
      }
    }
    return out;
  }

  static List<Plugin> plugins(@Nullable JsonValue v) {
    List<Plugin> out = new ArrayList<>();
    if (v != null) {
      for (JsonValue p : ((JsonArray) v).items()) {
        out.add(new Plugin(str(p, "source"), opt(p, "config")));
      }
    }
    return out;
  }

  static List<Secret> secrets(@Nullable JsonValue v) {
    List<Secret> out = new ArrayList<>();
    if (v != null) {
      for (JsonValue s : ((JsonArray) v).items()) {
        out.add(new Secret(str(s, "key"), str(s, "environment_variable")));
      }
    }
    return out;
  }

  static @Nullable Matrix matrix(@Nullable JsonValue v) {
    if (v == null) {
      return null;
    }
    SequencedMap<String, @Nullable List<String>> setup = null;
    JsonValue s = opt(v, "setup");
    if (s != null) {
      setup = new LinkedHashMap<>();
      for (Map.Entry<String, JsonValue> e : ((JsonObject) s).members().entrySet()) {
        setup.put(
            e.getKey(),
            e.getValue() instanceof JsonArray a
                ? a.items().stream().map(x -> ((JsonString) x).value()).toList()
                : null);
      }
    }
    List<Matrix.Adjustment> adjustments = new ArrayList<>();
    JsonValue adj = opt(v, "adjustments");
    if (adj != null) {
      for (JsonValue a : ((JsonArray) adj).items()) {
        adjustments.add(
            new Matrix.Adjustment(
                stringMap(obj(a, "with")),
                ((JsonObject) a).get("skip"),
                opt(a, "remaining") == null ? JsonObject.EMPTY : obj(a, "remaining")));
      }
    }
    JsonValue rem = opt(v, "remaining");
    return new Matrix(setup, adjustments, rem == null ? JsonObject.EMPTY : (JsonObject) rem);
  }

  static @Nullable Checkout checkout(@Nullable JsonValue v) {
    if (v == null) {
      return null;
    }
    JsonValue skip = opt(v, "skip");
    JsonValue submodules = opt(v, "submodules");
    JsonValue depth = opt(v, "depth");
    JsonValue rem = opt(v, "remaining");
    return new Checkout(
        skip == null ? null : ((JsonBool) skip).value(),
        submodules == null ? null : ((JsonBool) submodules).value(),
        optString((JsonObject) v, "ssh_secret"),
        depth == null ? null : ((JsonInteger) depth).value().longValueExact(),
        rem == null ? JsonObject.EMPTY : (JsonObject) rem);
  }

  private static final Pattern SEGMENT = Pattern.compile("steps\\[(\\d+)]");

  /** The step at a path such as {@code steps[2].steps[0]}. */
  static Step at(Pipeline p, String path) {
    List<Step> steps = p.steps();
    Step step = null;
    Matcher m = SEGMENT.matcher(path);
    while (m.find()) {
      step = steps.get(Integer.parseInt(m.group(1)));
      if (step instanceof GroupStep g) {
        steps = g.steps();
      }
    }
    return step;
  }
}
