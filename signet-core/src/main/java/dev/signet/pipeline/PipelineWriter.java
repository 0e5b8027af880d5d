package dev.signet.pipeline;

import dev.signet.json.JsonArray;
import dev.signet.json.JsonNull;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.json.JsonWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes pipelines back out: as YAML the way {@code buildkite-agent tool sign} does (spec §2.12),
 * and as the JSON Buildkite's backend receives on upload and stores per step ({@code job.step}).
 * The JSON pieces of a command step (plugins, matrix, secrets, checkout, env, signature) come from
 * {@link StepJson}, so written steps have exactly the shape that was signed.
 */
public final class PipelineWriter {
  private PipelineWriter() {}

  private static final Comparator<String> GO_ORDER = StepJson.GO_ORDER;

  private static final List<String> KEY_ALIASES = List.of("id", "identifier");
  private static final List<String> LABEL_ALIASES = List.of("name");

  // ---- YAML ---------------------------------------------------------------------------------

  /**
   * The pipeline as YAML: top-level {@code steps}, {@code env}, {@code secrets}, {@code checkout},
   * then the other keys in input order. A bare-list pipeline is written in the mapping form, as
   * go-pipeline's marshaller does; it means the same to Buildkite.
   */
  public static String toYaml(Pipeline pipeline) {
    return YamlEmitter.document(yamlTree(pipeline));
  }

  private static JsonObject yamlTree(Pipeline p) {
    JsonObject.Builder b = JsonObject.builder();
    List<JsonValue> steps = new ArrayList<>(p.steps().size());
    for (Step s : p.steps()) {
      steps.add(yamlStep(s));
    }
    b.put("steps", new JsonArray(steps));
    if (!p.env().isEmpty()) {
      b.put("env", StepJson.env(p.env()));
    }
    if (!p.secrets().isEmpty()) {
      b.put("secrets", StepJson.secrets(p.secrets()));
    }
    if (p.checkout() != null) {
      b.put("checkout", StepJson.checkout(p.checkout()));
    }
    p.remaining().members().forEach(b::putIfAbsent);
    return b.build();
  }

  private static JsonValue yamlStep(Step step) {
    return switch (step) {
      case CommandStep c -> yamlCommandStep(c);
      case GroupStep g -> {
        JsonObject.Builder b = JsonObject.builder();
        b.put("group", g.group() == null ? JsonNull.NULL : new JsonString(g.group()));
        if (g.key() != null) {
          b.put("key", g.key());
        } else if (shadows(g.remaining(), KEY_ALIASES)) {
          b.put("key", JsonNull.NULL);
        }
        b.put("steps", new JsonArray(g.steps().stream().map(PipelineWriter::yamlStep).toList()));
        g.remaining().members().forEach(b::putIfAbsent);
        yield b.build();
      }
      case WaitStep w -> w.raw();
      case InputStep i -> i.raw();
      case TriggerStep t -> t.raw();
      case UnknownStep u -> u.raw();
    };
  }

  /** The key order of a command step in {@code tool sign} output (spec §2.12). */
  private static JsonObject yamlCommandStep(CommandStep c) {
    JsonObject.Builder b = JsonObject.builder();
    if (c.key() != null) {
      b.put("key", c.key());
    } else if (shadows(c.remaining(), KEY_ALIASES)) {
      b.put("key", JsonNull.NULL);
    }
    if (c.label() != null) {
      b.put("label", c.label());
    } else if (shadows(c.remaining(), LABEL_ALIASES)) {
      b.put("label", JsonNull.NULL);
    }
    b.put("command", c.command());
    if (!c.plugins().isEmpty()) {
      b.put("plugins", StepJson.plugins(c.plugins()));
    }
    if (!c.secrets().isEmpty()) {
      b.put("secrets", StepJson.secrets(c.secrets()));
    }
    if (!c.env().isEmpty()) {
      b.put("env", StepJson.env(c.env()));
    }
    if (c.signature() != null) {
      b.put("signature", StepJson.signature(c.signature()));
    }
    JsonValue matrix = StepJson.matrix(c.matrix());
    if (!(matrix instanceof JsonNull)) {
      b.put("matrix", matrix);
    }
    if (c.cache() != null && !(c.cache() instanceof JsonNull)) {
      b.put("cache", c.cache());
    }
    if (c.checkout() != null) {
      b.put("checkout", StepJson.checkout(c.checkout()));
    }
    c.remaining().members().forEach(b::putIfAbsent);
    return b.build();
  }

  // ---- JSON ---------------------------------------------------------------------------------

  /**
   * The upload JSON of the pipeline: members in Go's map order, the pipeline env in its own order,
   * each step as {@link #stepToJson} writes it.
   */
  public static String toJson(Pipeline p) {
    TreeMap<String, JsonValue> top = new TreeMap<>(GO_ORDER);
    p.remaining().members().forEach(top::put);
    top.put("steps", new JsonArray(p.steps().stream().map(PipelineWriter::jsonStep).toList()));
    if (!p.env().isEmpty()) {
      top.put("env", StepJson.env(p.env()));
    } else {
      top.remove("env");
    }
    if (!p.secrets().isEmpty()) {
      top.put("secrets", StepJson.secrets(p.secrets()));
    } else {
      top.remove("secrets");
    }
    if (p.checkout() != null) {
      top.put("checkout", StepJson.checkout(p.checkout()));
    } else {
      top.remove("checkout");
    }
    return JsonWriter.compact(JsonObject.of(top));
  }

  private static JsonValue jsonStep(Step step) {
    return switch (step) {
      case CommandStep c -> stepToJson(c);
      case GroupStep g -> {
        TreeMap<String, JsonValue> m = new TreeMap<>(GO_ORDER);
        g.remaining().members().forEach(m::put);
        m.put("group", g.group() == null ? JsonNull.NULL : new JsonString(g.group()));
        if (g.key() != null && !g.key().isEmpty()) {
          m.put("key", new JsonString(g.key()));
        } else if (shadows(g.remaining(), KEY_ALIASES)) {
          m.put("key", JsonNull.NULL);
        } else {
          m.remove("key");
        }
        m.put("steps", new JsonArray(g.steps().stream().map(PipelineWriter::jsonStep).toList()));
        yield JsonObject.of(m);
      }
      case WaitStep w -> sorted(w.raw());
      case InputStep i -> sorted(i.raw());
      case TriggerStep t -> sorted(t.raw());
      case UnknownStep u -> sorted(u.raw());
    };
  }

  /**
   * Whether an alias ({@code id} for {@code key}, {@code name} for {@code label}) is among the
   * remaining keys. It is there only because the field itself was present, as null or empty; the
   * field must then be written (as null when it would be left out), or reading the output would
   * take the alias's value instead.
   */
  private static boolean shadows(JsonObject remaining, List<String> aliases) {
    for (String alias : aliases) {
      if (remaining.has(alias)) {
        return true;
      }
    }
    return false;
  }

  private static JsonValue sorted(JsonValue raw) {
    if (raw instanceof JsonObject o) {
      TreeMap<String, JsonValue> m = new TreeMap<>(GO_ORDER);
      m.putAll(o.members());
      return JsonObject.of(m);
    }
    return raw;
  }

  /**
   * One command step as the backend stores it and sends it to agents as {@code job.step}: members
   * in Go's map order, {@code command} always present, other known members only when set and
   * non-empty ({@code checkout} that is present but empty as {@code {}}), the remaining fields
   * alongside. A remaining field never overrides a known member.
   */
  public static JsonObject stepToJson(CommandStep c) {
    TreeMap<String, JsonValue> m = new TreeMap<>(GO_ORDER);
    for (Map.Entry<String, JsonValue> e : c.remaining().members().entrySet()) {
      m.put(e.getKey(), e.getValue());
    }
    for (String known :
        List.of(
            "command",
            "key",
            "label",
            "env",
            "plugins",
            "matrix",
            "secrets",
            "checkout",
            "signature",
            "cache")) {
      m.remove(known);
    }
    m.put("command", new JsonString(c.command()));
    if (c.key() != null && !c.key().isEmpty()) {
      m.put("key", new JsonString(c.key()));
    } else if (shadows(c.remaining(), KEY_ALIASES)) {
      m.put("key", JsonNull.NULL);
    }
    if (c.label() != null && !c.label().isEmpty()) {
      m.put("label", new JsonString(c.label()));
    } else if (shadows(c.remaining(), LABEL_ALIASES)) {
      m.put("label", JsonNull.NULL);
    }
    if (!c.env().isEmpty()) {
      m.put("env", StepJson.env(c.env()));
    }
    if (!c.plugins().isEmpty()) {
      m.put("plugins", StepJson.plugins(c.plugins()));
    }
    JsonValue matrix = StepJson.matrix(c.matrix());
    if (!(matrix instanceof JsonNull)) {
      m.put("matrix", matrix);
    }
    if (!c.secrets().isEmpty()) {
      m.put("secrets", StepJson.secrets(c.secrets()));
    }
    if (c.checkout() != null) {
      m.put("checkout", StepJson.checkout(c.checkout()));
    }
    if (c.signature() != null) {
      m.put("signature", StepJson.signature(c.signature()));
    }
    if (c.cache() != null && !(c.cache() instanceof JsonNull)) {
      m.put("cache", c.cache());
    }
    return JsonObject.of(m);
  }
}
