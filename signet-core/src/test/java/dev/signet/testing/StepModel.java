package dev.signet.testing;

import dev.signet.json.JsonArray;
import dev.signet.json.JsonBool;
import dev.signet.json.JsonInteger;
import dev.signet.json.JsonNull;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.pipeline.Checkout;
import dev.signet.pipeline.CommandStep;
import dev.signet.pipeline.Matrix;
import dev.signet.pipeline.Plugin;
import dev.signet.pipeline.Secret;
import dev.signet.pipeline.StepSignature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Converts the vectors' "step model" JSON (see {@code vectors/buildkite/README.md}) into {@link
 * CommandStep} records, without the YAML/JSON parser. It also reads the flat wire form the vectors
 * use for a {@code job.step} (adjustment and matrix extra keys inline, plugins as one-key objects).
 */
public final class StepModel {
  private StepModel() {}

  private static final Set<String> STEP_KEYS =
      Set.of(
          "command",
          "env",
          "plugins",
          "matrix",
          "secrets",
          "checkout",
          "label",
          "key",
          "remaining",
          "signature",
          "cache");

  public static CommandStep commandStep(JsonValue model) {
    JsonObject o = (JsonObject) model;
    JsonObject.Builder remaining = JsonObject.builder();
    if (o.get("remaining") instanceof JsonObject r) {
      remaining.putAll(r);
    }
    o.members()
        .forEach((k, v) -> {
          if (!STEP_KEYS.contains(k)) {
            remaining.put(k, v);
          }
        });
    return new CommandStep(
        str(o.get("key")),
        str(o.get("label")),
        o.get("command") instanceof JsonString s ? s.value() : "",
        plugins(o.get("plugins")),
        secrets(o.get("secrets")),
        stringMap(o.get("env")),
        o.get("signature") instanceof JsonObject sig ? signature(sig) : null,
        matrix(o.get("matrix")),
        o.get("cache") == null || o.get("cache").isNull() ? null : o.get("cache"),
        checkout(o.get("checkout")),
        remaining.build());
  }

  public static SequencedMap<String, String> stringMap(@Nullable JsonValue v) {
    SequencedMap<String, String> out = new LinkedHashMap<>();
    if (v instanceof JsonObject o) {
      o.members().forEach((k, val) -> out.put(k, ((JsonString) val).value()));
    }
    return out;
  }

  public static List<Plugin> plugins(@Nullable JsonValue v) {
    List<Plugin> out = new ArrayList<>();
    if (v instanceof JsonArray a) {
      for (JsonValue item : a.items()) {
        JsonObject p = (JsonObject) item;
        if (p.has("source")) {
          JsonValue config = p.get("config");
          out.add(
              new Plugin(str(p.get("source")), config == null || config.isNull() ? null : config));
        } else {
          p.members()
              .forEach((src, config) -> out.add(new Plugin(src, config.isNull() ? null : config)));
        }
      }
    }
    return out;
  }

  public static List<Secret> secrets(@Nullable JsonValue v) {
    List<Secret> out = new ArrayList<>();
    if (v instanceof JsonArray a) {
      for (JsonValue item : a.items()) {
        JsonObject s = (JsonObject) item;
        String env = s.get("environment_variable") instanceof JsonString e ? e.value() : "";
        out.add(new Secret(str(s.get("key")), env));
      }
    }
    return out;
  }

  public static @Nullable Matrix matrix(@Nullable JsonValue v) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (v instanceof JsonArray list) {
      return Matrix.anonymous(strings(list));
    }
    JsonObject o = (JsonObject) v;
    LinkedHashMap<String, @Nullable List<String>> setup = null;
    JsonValue s = o.get("setup");
    if (s instanceof JsonArray list) {
      setup = new LinkedHashMap<>();
      setup.put(Matrix.ANONYMOUS, strings(list));
    } else if (s instanceof JsonObject dims) {
      setup = new LinkedHashMap<>();
      for (Map.Entry<String, JsonValue> e : dims.members().entrySet()) {
        setup.put(e.getKey(), e.getValue() instanceof JsonArray a ? strings(a) : null);
      }
    }
    List<Matrix.Adjustment> adjustments = new ArrayList<>();
    if (o.get("adjustments") instanceof JsonArray adjs) {
      for (JsonValue item : adjs.items()) {
        JsonObject a = (JsonObject) item;
        SequencedMap<String, String> with = new LinkedHashMap<>();
        if (a.get("with") instanceof JsonObject w) {
          w.members().forEach((k, val) -> with.put(k, ((JsonString) val).value()));
        } else if (a.get("with") instanceof JsonString w) {
          with.put(Matrix.ANONYMOUS, w.value());
        }
        adjustments.add(
            new Matrix.Adjustment(with, a.get("skip"), extras(a, Set.of("with", "skip"))));
      }
    }
    return new Matrix(setup, adjustments, extras(o, Set.of("setup", "adjustments")));
  }

  /** {@code remaining} plus any key not in {@code known} (the flat wire form). */
  private static JsonObject extras(JsonObject o, Set<String> known) {
    JsonObject.Builder b = JsonObject.builder();
    if (o.get("remaining") instanceof JsonObject r) {
      b.putAll(r);
    }
    o.members()
        .forEach((k, v) -> {
          if (!known.contains(k) && !k.equals("remaining")) {
            b.put(k, v);
          }
        });
    return b.build();
  }

  public static @Nullable Checkout checkout(@Nullable JsonValue v) {
    if (v == null || v.isNull()) {
      return null;
    }
    JsonObject o = (JsonObject) v;
    return new Checkout(
        o.get("skip") instanceof JsonBool b ? b.value() : null,
        o.get("submodules") instanceof JsonBool b ? b.value() : null,
        o.get("ssh_secret") instanceof JsonString s ? s.value() : null,
        o.get("depth") instanceof JsonInteger i ? i.value().longValueExact() : null,
        extras(o, Set.of("skip", "submodules", "ssh_secret", "depth")));
  }

  public static StepSignature signature(JsonValue v) {
    JsonObject o = (JsonObject) v;
    return new StepSignature(
        str(o.get("algorithm")), strings((JsonArray) o.get("signed_fields")), str(o.get("value")));
  }

  public static List<String> strings(JsonArray a) {
    List<String> out = new ArrayList<>();
    for (JsonValue v : a.items()) {
      out.add(((JsonString) v).value());
    }
    return out;
  }

  private static @Nullable String str(@Nullable JsonValue v) {
    return v instanceof JsonString s ? s.value() : null;
  }

  /** Whether {@code v} is JSON null or absent. */
  public static boolean isNull(@Nullable JsonValue v) {
    return v == null || v instanceof JsonNull;
  }
}
