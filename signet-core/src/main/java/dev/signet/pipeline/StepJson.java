package dev.signet.pipeline;

import dev.signet.json.JsonArray;
import dev.signet.json.JsonBool;
import dev.signet.json.JsonFloat;
import dev.signet.json.JsonInteger;
import dev.signet.json.JsonNull;
import dev.signet.json.JsonNumber;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The JSON form of the parts of a command step, exactly as Buildkite serialises them into signed
 * payloads, upload JSON and {@code job.step} (spec §2.6–2.9, §2.12). Signing and writing share this
 * one definition so a signature can never cover a different shape than the one uploaded.
 */
public final class StepJson {
  private StepJson() {}

  /**
   * The order Go gives map keys when it marshals them and {@code sort.Strings} gives field names:
   * by UTF-8 bytes, which is code-point order. It differs from {@link String#compareTo} (UTF-16
   * units, the RFC 8785 order) only where a character above U+FFFF meets one at or above U+E000.
   */
  public static final Comparator<String> GO_ORDER = StepJson::compareCodePoints;

  private static int compareCodePoints(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        // A surrogate stands for a character above U+FFFF, so it is larger than any BMP char.
        boolean xs = Character.isSurrogate(x);
        boolean ys = Character.isSurrogate(y);
        if (xs != ys) {
          return xs ? 1 : -1;
        }
        return x - y;
      }
    }
    return a.length() - b.length();
  }

  /** The step env as an object, or null when empty (empty and absent sign alike, spec §2.5). */
  public static JsonValue env(Map<String, String> env) {
    if (env.isEmpty()) {
      return JsonNull.NULL;
    }
    JsonObject.Builder b = JsonObject.builder();
    env.forEach(b::put);
    return b.build();
  }

  /**
   * Plugins as a list of one-key objects {@code {<full source>: <config>}}, or null when there are
   * none. Null, empty-object and empty-list configs are all written as null (spec §2.6).
   */
  public static JsonValue plugins(List<Plugin> plugins) {
    if (plugins.isEmpty()) {
      return JsonNull.NULL;
    }
    List<JsonValue> items = new ArrayList<>(plugins.size());
    for (Plugin p : plugins) {
      items.add(plugin(p));
    }
    return new JsonArray(items);
  }

  /** One plugin in its one-key form. */
  public static JsonObject plugin(Plugin p) {
    return JsonObject.builder().put(PluginSource.full(p.source()), config(p.config())).build();
  }

  private static JsonValue config(@Nullable JsonValue config) {
    return switch (config) {
      case null -> JsonNull.NULL;
      case JsonObject o when o.isEmpty() -> JsonNull.NULL;
      case JsonArray a when a.isEmpty() -> JsonNull.NULL;
      default -> config;
    };
  }

  /**
   * The full source of a plugin reference (spec §2.6), e.g. {@code docker#v1} → {@code
   * github.com/buildkite-plugins/docker-buildkite-plugin#v1}.
   */
  public static String fullSource(String source) {
    return PluginSource.full(source);
  }

  /** The matrix (spec §2.7 serialisation), or null when absent or empty. */
  public static JsonValue matrix(@Nullable Matrix matrix) {
    if (matrix == null || matrix.isEmpty()) {
      return JsonNull.NULL;
    }
    var setup = matrix.setup();
    var anonymous = setup != null && setup.size() == 1 ? setup.get(Matrix.ANONYMOUS) : null;
    if (anonymous != null
        && !anonymous.isEmpty()
        && matrix.adjustments().isEmpty()
        && matrix.remaining().isEmpty()) {
      return strings(anonymous);
    }
    JsonObject.Builder b = JsonObject.builder();
    if (setup == null) {
      b.put("setup", JsonNull.NULL);
    } else if (anonymous != null && !anonymous.isEmpty()) {
      b.put("setup", strings(anonymous));
    } else {
      JsonObject.Builder dims = JsonObject.builder();
      setup.forEach(
          (dim, values) -> dims.put(dim, values == null ? JsonNull.NULL : strings(values)));
      b.put("setup", dims.build());
    }
    if (!matrix.adjustments().isEmpty()) {
      List<JsonValue> adjustments = new ArrayList<>();
      for (Matrix.Adjustment a : matrix.adjustments()) {
        adjustments.add(adjustment(a));
      }
      b.put("adjustments", new JsonArray(adjustments));
    }
    // Known members win over extra keys of the same name.
    matrix.remaining().members().forEach(b::putIfAbsent);
    return b.build();
  }

  private static JsonObject adjustment(Matrix.Adjustment a) {
    JsonObject.Builder b = JsonObject.builder();
    if (a.with().size() == 1 && a.with().containsKey(Matrix.ANONYMOUS)) {
      b.put("with", a.with().get(Matrix.ANONYMOUS));
    } else {
      JsonObject.Builder with = JsonObject.builder();
      a.with().forEach(with::put);
      b.put("with", with.build());
    }
    JsonValue skip = a.skip();
    if (skip != null && !isGoEmpty(skip)) {
      b.put("skip", skip);
    }
    a.remaining().members().forEach(b::putIfAbsent);
    return b.build();
  }

  /** Go's {@code omitempty} view of a {@code skip} value: null, false, "" and 0 are omitted. */
  static boolean isGoEmpty(JsonValue v) {
    return switch (v) {
      case JsonNull n -> true;
      case JsonBool b -> !b.value();
      case JsonString s -> s.value().isEmpty();
      case JsonInteger i -> i.value().signum() == 0;
      case JsonFloat f -> f.value() == 0;
      default -> false;
    };
  }

  /** Secrets in order: {@code key} always, {@code environment_variable} only when non-empty. */
  public static JsonArray secrets(List<Secret> secrets) {
    List<JsonValue> items = new ArrayList<>(secrets.size());
    for (Secret s : secrets) {
      JsonObject.Builder b = JsonObject.builder().put("key", s.key());
      if (!s.environmentVariable().isEmpty()) {
        b.put("environment_variable", s.environmentVariable());
      }
      items.add(b.build());
    }
    return new JsonArray(items);
  }

  /** Checkout settings: the known fields that are set, then the extra keys ({@code {}} if none). */
  public static JsonObject checkout(Checkout c) {
    JsonObject.Builder b = JsonObject.builder();
    if (c.skip() != null) {
      b.put("skip", JsonBool.of(c.skip()));
    }
    if (c.submodules() != null) {
      b.put("submodules", JsonBool.of(c.submodules()));
    }
    if (c.sshSecret() != null) {
      b.put("ssh_secret", c.sshSecret());
    }
    if (c.depth() != null) {
      b.put("depth", JsonNumber.of(c.depth()));
    }
    c.remaining().members().forEach(b::putIfAbsent);
    return b.build();
  }

  /** The {@code signature} object: algorithm, signed_fields, value. */
  public static JsonObject signature(StepSignature s) {
    return JsonObject.builder()
        .put("algorithm", s.algorithm())
        .put("signed_fields", strings(s.signedFields()))
        .put("value", s.value())
        .build();
  }

  static JsonArray strings(List<String> values) {
    List<JsonValue> items = new ArrayList<>(values.size());
    for (String v : values) {
      items.add(new JsonString(v));
    }
    return new JsonArray(items);
  }
}
