package dev.signet.pipeline;

import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Maps a {@link YamlTree} onto the pipeline model, for YAML and JSON input alike (spec §2.2 to
 * §2.10). A step that does not fit its type becomes an {@link UnknownStep} rather than an error, as
 * in Go (§2.3); signing later refuses it. Problems at pipeline level (env, secrets, checkout,
 * steps) and exceeded limits are {@link InputException}s.
 */
final class StepMapper {
  private final String source;
  private final InputLimits limits;
  private int stepCount;

  StepMapper(String source, InputLimits limits) {
    this.source = source;
    this.limits = limits;
  }

  // ---- pipeline (§2.2) ------------------------------------------------------------------------

  Pipeline pipeline(YamlTree root) throws InputException {
    return switch (root) {
      case YamlTree.Sequence s ->
          new Pipeline(steps(s), new LinkedHashMap<>(), List.of(), null, JsonObject.EMPTY, true);
      case YamlTree.Mapping m -> pipelineMapping(m);
      case YamlTree.Null n -> throw error(n.where(), "the pipeline document is empty");
      default ->
          throw error(
              root.where(),
              "a pipeline must be a mapping or a list of steps, not a " + YamlTree.goType(root));
    };
  }

  private Pipeline pipelineMapping(YamlTree.Mapping m) throws InputException {
    List<Step> steps = List.of();
    SequencedMap<String, String> env = new LinkedHashMap<>();
    List<Secret> secrets = List.of();
    Checkout checkout = null;
    JsonObject.Builder remaining = JsonObject.builder();
    for (Map.Entry<String, YamlTree> e : m.entries().entrySet()) {
      YamlTree value = e.getValue();
      try {
        switch (e.getKey()) {
          case "steps" ->
              steps =
                  switch (value) {
                    case YamlTree.Null n -> List.of();
                    case YamlTree.Sequence s -> steps(s);
                    default -> throw new StepError("steps must be a list");
                  };
          // A non-string pipeline env value is a hard error, not a warning (spec §2.2).
          case "env" -> env = env(value, "env");
          case "secrets" -> secrets = secrets(value);
          case "checkout" -> checkout = checkout(value, "checkout");
          default -> remaining.put(e.getKey(), YamlTree.toJson(value));
        }
      } catch (StepError err) {
        throw error(err.where() != null ? err.where() : value.where(), err.reason());
      }
    }
    return new Pipeline(steps, env, secrets, checkout, remaining.build(), false);
  }

  private List<Step> steps(YamlTree.Sequence seq) throws InputException {
    List<Step> steps = new ArrayList<>(seq.items().size());
    for (YamlTree item : seq.items()) {
      if (++stepCount > limits.maxSteps()) {
        throw error(item.where(), "more than " + limits.maxSteps() + " steps");
      }
      steps.add(step(item));
    }
    return steps;
  }

  // ---- step type detection (§2.3) -------------------------------------------------------------

  private enum Kind {
    COMMAND,
    WAIT,
    INPUT,
    TRIGGER,
    GROUP
  }

  Step step(YamlTree node) throws InputException {
    return switch (node) {
      case YamlTree.Str s ->
          switch (s.value()) {
            case "wait", "waiter" -> new WaitStep(new JsonString(s.value()));
            case "block", "input", "manual" -> new InputStep(new JsonString(s.value()));
            default -> unknown(node, "unknown step type " + YamlDocuments.quote(s.value()));
          };
      case YamlTree.Mapping m -> mappingStep(m);
      default ->
          unknown(node, "a step must be a mapping or a string, not a " + YamlTree.goType(node));
    };
  }

  private Step mappingStep(YamlTree.Mapping m) throws InputException {
    Kind kind;
    YamlTree type = m.entries().get("type");
    if (type != null) {
      if (!(type instanceof YamlTree.Str t)) {
        return unknown(m, "the step type must be a string, not a " + YamlTree.goType(type));
      }
      kind =
          switch (t.value()) {
            case "command", "script" -> Kind.COMMAND;
            case "wait", "waiter" -> Kind.WAIT;
            case "block", "input", "manual" -> Kind.INPUT;
            case "trigger" -> Kind.TRIGGER;
            case "group" -> Kind.GROUP;
            default -> null;
          };
      if (kind == null) {
        return unknown(m, "unknown step type " + YamlDocuments.quote(t.value()));
      }
    } else {
      kind = infer(m);
      if (kind == null) {
        return unknown(m, "cannot infer the step type from its keys");
      }
    }
    try {
      return switch (kind) {
        case COMMAND -> commandStep(m);
        case WAIT -> new WaitStep(YamlTree.toJson(m));
        case INPUT -> new InputStep(YamlTree.toJson(m));
        case TRIGGER -> new TriggerStep(YamlTree.toJson(m));
        case GROUP -> groupStep(m);
      };
    } catch (StepError e) {
      return unknown(m, e.reason());
    }
  }

  /** First match wins; a step with only plugins is a command step. */
  private static @Nullable Kind infer(YamlTree.Mapping m) {
    Map<String, YamlTree> e = m.entries();
    if (e.containsKey("command") || e.containsKey("commands") || e.containsKey("plugins")) {
      return Kind.COMMAND;
    }
    if (e.containsKey("wait") || e.containsKey("waiter")) {
      return Kind.WAIT;
    }
    if (e.containsKey("block") || e.containsKey("input") || e.containsKey("manual")) {
      return Kind.INPUT;
    }
    if (e.containsKey("trigger")) {
      return Kind.TRIGGER;
    }
    if (e.containsKey("group")) {
      return Kind.GROUP;
    }
    return null;
  }

  private static UnknownStep unknown(YamlTree node, String reason) {
    return new UnknownStep(YamlTree.toJsonLenient(node), reason, node.where());
  }

  // ---- command step (§2.4 to §2.9, §2.11) -----------------------------------------------------

  CommandStep commandStep(YamlTree.Mapping m) {
    Map<String, YamlTree> e = m.entries();
    Set<String> used = new HashSet<>();
    String key = aliased(e, used, "key", "id", "identifier");
    String label = aliased(e, used, "label", "name");

    YamlTree command = e.get("command");
    YamlTree commands = e.get("commands");
    String commandText;
    if (commands != null) {
      // The two are aliases and commands wins, but Go still decodes command as a string.
      if (command != null && !isScalar(command)) {
        throw new StepError("command must be a string when commands is also given");
      }
      commandText = commandText(commands);
    } else {
      commandText = command == null ? "" : commandText(command);
    }
    used.add("command");
    used.add("commands");

    List<Plugin> plugins = optional(e, used, "plugins", StepMapper::plugins, List.of());
    SequencedMap<String, String> env =
        optional(e, used, "env", v -> env(v, "env"), new LinkedHashMap<>());
    StepSignature signature = optional(e, used, "signature", StepMapper::signature, null);
    Matrix matrix = optional(e, used, "matrix", StepMapper::matrix, null);
    JsonValue cache =
        optional(
            e, used, "cache", v -> v instanceof YamlTree.Null ? null : YamlTree.toJson(v), null);
    List<Secret> secrets = optional(e, used, "secrets", StepMapper::secrets, List.of());
    Checkout checkout = optional(e, used, "checkout", v -> checkout(v, "checkout"), null);

    JsonObject remaining = remaining(m, used);
    return new CommandStep(
        key,
        label,
        commandText,
        plugins,
        secrets,
        env,
        signature,
        matrix,
        cache,
        checkout,
        remaining);
  }

  private static <T extends @Nullable Object> T optional(
      Map<String, YamlTree> e,
      Set<String> used,
      String name,
      Function<YamlTree, T> read,
      T absent) {
    used.add(name);
    YamlTree v = e.get(name);
    return v == null ? absent : read.apply(v);
  }

  /** The first of the alias keys that is present; the others stay in the remaining fields. */
  private static @Nullable String aliased(
      Map<String, YamlTree> e, Set<String> used, String... names) {
    for (String name : names) {
      YamlTree v = e.get(name);
      if (v != null) {
        used.add(name);
        return v instanceof YamlTree.Null ? null : string(v, name);
      }
    }
    return null;
  }

  private static JsonObject remaining(YamlTree.Mapping m, Set<String> used) {
    JsonObject.Builder b = JsonObject.builder();
    for (Map.Entry<String, YamlTree> e : m.entries().entrySet()) {
      if (!used.contains(e.getKey())) {
        b.put(e.getKey(), YamlTree.toJson(e.getValue()));
      }
    }
    return b.build();
  }

  private static String commandText(YamlTree v) {
    if (v instanceof YamlTree.Sequence s) {
      List<String> lines = new ArrayList<>(s.items().size());
      for (YamlTree item : s.items()) {
        lines.add(string(item, "command"));
      }
      return String.join("\n", lines);
    }
    return string(v, "command");
  }

  private static boolean isScalar(YamlTree v) {
    return !(v instanceof YamlTree.Mapping
        || v instanceof YamlTree.Sequence
        || v instanceof YamlTree.Timestamp);
  }

  /** A value for a Go string field: {@code fmt.Sprint} of a scalar, {@code ""} for null. */
  static String string(YamlTree v, String field) {
    return switch (v) {
      case YamlTree.Str s -> s.value();
      case YamlTree.Int i -> i.value().toString();
      case YamlTree.Bool b -> b.value() ? "true" : "false";
      case YamlTree.Float f -> GoScalars.formatFloat(f.value());
      case YamlTree.Null n -> "";
      case YamlTree.Timestamp t ->
          throw new StepError(field + " must be a string, not a timestamp", v);
      case YamlTree.Mapping m -> throw new StepError(field + " must be a string, not a map", v);
      case YamlTree.Sequence s -> throw new StepError(field + " must be a string, not a list", v);
    };
  }

  // ---- env (§2.5) -----------------------------------------------------------------------------

  static SequencedMap<String, String> env(YamlTree v, String field) {
    SequencedMap<String, String> env = new LinkedHashMap<>();
    switch (v) {
      case YamlTree.Null n -> {}
      case YamlTree.Mapping m -> {
        for (Map.Entry<String, YamlTree> e : m.entries().entrySet()) {
          env.put(
              e.getKey(),
              string(e.getValue(), field + " value " + YamlDocuments.quote(e.getKey())));
        }
      }
      default -> throw new StepError(field + " must be a mapping, not a " + YamlTree.goType(v), v);
    }
    return env;
  }

  // ---- plugins (§2.6) -------------------------------------------------------------------------

  private static List<Plugin> plugins(YamlTree v) {
    List<Plugin> plugins = new ArrayList<>();
    switch (v) {
      case YamlTree.Null n -> {}
      case YamlTree.Sequence s -> {
        for (YamlTree item : s.items()) {
          switch (item) {
            case YamlTree.Str str -> plugins.add(new Plugin(str.value(), null));
            case YamlTree.Mapping m -> addPlugins(plugins, m);
            default ->
                throw new StepError(
                    "a plugin must be a string or a mapping, not a " + YamlTree.goType(item));
          }
        }
      }
      case YamlTree.Mapping m -> addPlugins(plugins, m); // the legacy single-mapping form
      default ->
          throw new StepError("plugins must be a list or a mapping, not a " + YamlTree.goType(v));
    }
    return plugins;
  }

  private static void addPlugins(List<Plugin> plugins, YamlTree.Mapping m) {
    for (Map.Entry<String, YamlTree> e : m.entries().entrySet()) {
      YamlTree config = e.getValue();
      plugins.add(
          new Plugin(e.getKey(), config instanceof YamlTree.Null ? null : YamlTree.toJson(config)));
    }
  }

  // ---- signature (§2.12) ----------------------------------------------------------------------

  private static @Nullable StepSignature signature(YamlTree v) {
    return switch (v) {
      case YamlTree.Null n -> null;
      case YamlTree.Mapping m -> {
        Map<String, YamlTree> e = m.entries();
        List<String> fields = new ArrayList<>();
        switch (e.getOrDefault("signed_fields", new YamlTree.Null(m.where()))) {
          case YamlTree.Null n -> {}
          case YamlTree.Sequence s ->
              s.items().forEach(f -> fields.add(string(f, "signed_fields")));
          default -> throw new StepError("signature.signed_fields must be a list");
        }
        YamlTree alg = e.get("algorithm");
        YamlTree value = e.get("value");
        yield new StepSignature(
            alg == null ? "" : string(alg, "signature.algorithm"),
            fields,
            value == null ? "" : string(value, "signature.value"));
      }
      default -> throw new StepError("signature must be a mapping, not a " + YamlTree.goType(v));
    };
  }

  // ---- matrix (§2.7) --------------------------------------------------------------------------

  private static @Nullable Matrix matrix(YamlTree v) {
    return switch (v) {
      case YamlTree.Null n -> null;
      case YamlTree.Sequence s -> Matrix.anonymous(setupValues(s));
      case YamlTree.Mapping m -> {
        SequencedMap<String, @Nullable List<String>> setup = null;
        List<Matrix.Adjustment> adjustments = new ArrayList<>();
        JsonObject.Builder remaining = JsonObject.builder();
        for (Map.Entry<String, YamlTree> e : m.entries().entrySet()) {
          YamlTree value = e.getValue();
          switch (e.getKey()) {
            case "setup" -> setup = setup(value);
            case "adjustments" -> {
              switch (value) {
                case YamlTree.Null n -> {}
                case YamlTree.Sequence s -> {
                  for (YamlTree a : s.items()) {
                    adjustments.add(adjustment(a));
                  }
                }
                default -> throw new StepError("matrix.adjustments must be a list");
              }
            }
            default -> remaining.put(e.getKey(), YamlTree.toJson(value));
          }
        }
        yield new Matrix(setup, adjustments, remaining.build());
      }
      default ->
          throw new StepError("matrix must be a list or a mapping, not a " + YamlTree.goType(v));
    };
  }

  private static @Nullable SequencedMap<String, @Nullable List<String>> setup(YamlTree v) {
    LinkedHashMap<String, @Nullable List<String>> setup = new LinkedHashMap<>();
    switch (v) {
      case YamlTree.Null n -> {
        return null;
      }
      case YamlTree.Sequence s -> setup.put(Matrix.ANONYMOUS, setupValues(s));
      case YamlTree.Mapping m -> {
        for (Map.Entry<String, YamlTree> e : m.entries().entrySet()) {
          switch (e.getValue()) {
            // A null dimension is kept: it is signed as null and is unusable (spec §2.7).
            case YamlTree.Null n -> setup.put(e.getKey(), null);
            case YamlTree.Sequence s -> setup.put(e.getKey(), setupValues(s));
            default -> throw new StepError("a matrix.setup dimension must be a list");
          }
        }
      }
      default -> throw new StepError("matrix.setup must be a list or a mapping");
    }
    return setup;
  }

  private static List<String> setupValues(YamlTree.Sequence s) {
    List<String> values = new ArrayList<>(s.items().size());
    for (YamlTree item : s.items()) {
      if (item instanceof YamlTree.Null) {
        throw new StepError("a matrix value cannot be null");
      }
      values.add(string(item, "a matrix value"));
    }
    return values;
  }

  private static Matrix.Adjustment adjustment(YamlTree v) {
    if (!(v instanceof YamlTree.Mapping m)) {
      throw new StepError("a matrix adjustment must be a mapping");
    }
    SequencedMap<String, String> with = new LinkedHashMap<>();
    JsonValue skip = null;
    boolean hasWith = false;
    JsonObject.Builder remaining = JsonObject.builder();
    for (Map.Entry<String, YamlTree> e : m.entries().entrySet()) {
      switch (e.getKey()) {
        case "with" -> {
          hasWith = true;
          if (e.getValue() instanceof YamlTree.Mapping w) {
            for (Map.Entry<String, YamlTree> d : w.entries().entrySet()) {
              with.put(d.getKey(), withValue(d.getValue()));
            }
          } else {
            with.put(Matrix.ANONYMOUS, withValue(e.getValue()));
          }
        }
        case "skip" -> skip = YamlTree.toJson(e.getValue());
        default -> remaining.put(e.getKey(), YamlTree.toJson(e.getValue()));
      }
    }
    if (!hasWith) {
      throw new StepError("a matrix adjustment needs with");
    }
    return new Matrix.Adjustment(with, skip, remaining.build());
  }

  /** Adjustment values accept only bool, int and string scalars (a float is an error). */
  private static String withValue(YamlTree v) {
    return switch (v) {
      case YamlTree.Str s -> s.value();
      case YamlTree.Int i -> i.value().toString();
      case YamlTree.Bool b -> b.value() ? "true" : "false";
      default ->
          throw new StepError(
              "a matrix adjustment value must be a string, int or bool, not a "
                  + YamlTree.goType(v));
    };
  }

  // ---- secrets (§2.8) -------------------------------------------------------------------------

  static List<Secret> secrets(YamlTree v) {
    List<Secret> secrets = new ArrayList<>();
    switch (v) {
      case YamlTree.Null n -> throw new StepError("secrets cannot be null");
      case YamlTree.Sequence s -> {
        for (YamlTree item : s.items()) {
          switch (item) {
            case YamlTree.Str str -> {
              if (str.value().isEmpty()) {
                throw new StepError("secret name cannot be empty");
              }
              secrets.add(new Secret(str.value(), str.value()));
            }
            case YamlTree.Mapping m -> secrets.add(secretObject(m));
            default ->
                throw new StepError(
                    "secret type " + YamlTree.goType(item) + ", want string or mapping", item);
          }
        }
      }
      // The mapping form is ENV_NAME: secret-key: the env var name is the map key.
      case YamlTree.Mapping m -> {
        for (Map.Entry<String, YamlTree> e : m.entries().entrySet()) {
          if (!(e.getValue() instanceof YamlTree.Str key)) {
            throw new StepError(
                "secret key must be a string, but was " + YamlTree.goType(e.getValue()),
                e.getValue());
          }
          if (key.value().isEmpty()) {
            throw new StepError("secret key cannot be empty");
          }
          if (e.getKey().isEmpty()) {
            throw new StepError("environment variable name cannot be empty");
          }
          secrets.add(new Secret(key.value(), e.getKey()));
        }
      }
      default ->
          throw new StepError("secrets: got " + YamlTree.goType(v) + ", want a list or a mapping");
    }
    return secrets;
  }

  private static Secret secretObject(YamlTree.Mapping m) {
    YamlTree key = m.entries().get("key");
    if (!(key instanceof YamlTree.Str k) || k.value().isEmpty()) {
      // Go prints the offending key ("%T %v"); it names a secret, it is not a secret value.
      String got =
          key == null
              ? "missing"
              : isScalar(key)
                  ? YamlTree.goType(key) + " " + clip(string(key, "key"))
                  : YamlTree.goType(key);
      throw new StepError("key must be a non-empty string, but was " + got);
    }
    YamlTree env = m.entries().get("environment_variable");
    String envName = "";
    if (env != null) {
      if (!(env instanceof YamlTree.Str ev)) {
        throw new StepError(
            "environment_variable must be a string, but was " + YamlTree.goType(env));
      }
      envName = ev.value();
    }
    return new Secret(k.value(), envName);
  }

  // ---- checkout (§2.9) ------------------------------------------------------------------------

  static @Nullable Checkout checkout(YamlTree v, String field) {
    return switch (v) {
      case YamlTree.Null n -> null;
      case YamlTree.Bool b when b.value() ->
          throw new StepError(
              "'checkout: true' is not supported: write 'checkout: {skip: false}', or omit"
                  + " checkout for the default behaviour");
      case YamlTree.Bool b ->
          throw new StepError(
              "'checkout: false' is not supported: write 'checkout: {skip: true}' to opt out of"
                  + " checking out the repository");
      case YamlTree.Mapping m -> {
        Boolean skip = null;
        Boolean submodules = null;
        String sshSecret = null;
        Long depth = null;
        JsonObject.Builder remaining = JsonObject.builder();
        for (Map.Entry<String, YamlTree> e : m.entries().entrySet()) {
          YamlTree value = e.getValue();
          switch (e.getKey()) {
            case "skip" -> skip = bool(value, field + ".skip");
            case "submodules" -> submodules = bool(value, field + ".submodules");
            case "ssh_secret" ->
                sshSecret =
                    value instanceof YamlTree.Null ? null : string(value, field + ".ssh_secret");
            case "depth" -> {
              switch (value) {
                case YamlTree.Null n -> depth = null;
                case YamlTree.Int i when i.value().bitLength() < 64 ->
                    depth = i.value().longValue();
                default -> throw new StepError(field + ".depth must be an integer");
              }
            }
            default -> remaining.put(e.getKey(), YamlTree.toJson(value));
          }
        }
        yield new Checkout(skip, submodules, sshSecret, depth, remaining.build());
      }
      default -> throw new StepError(field + " must be a mapping, not a " + YamlTree.goType(v));
    };
  }

  private static @Nullable Boolean bool(YamlTree v, String field) {
    return switch (v) {
      case YamlTree.Null n -> null;
      case YamlTree.Bool b -> b.value();
      default -> throw new StepError(field + " must be a bool, not a " + YamlTree.goType(v), v);
    };
  }

  // ---- group (§2.10) --------------------------------------------------------------------------

  private GroupStep groupStep(YamlTree.Mapping m) throws InputException {
    Map<String, YamlTree> e = m.entries();
    Set<String> used = new HashSet<>();
    String group = aliased(e, used, "group", "label", "name");
    String key = aliased(e, used, "key", "id", "identifier");
    used.add("steps");
    List<Step> steps =
        switch (e.get("steps")) {
          case null -> List.of();
          case YamlTree.Null n -> List.of();
          case YamlTree.Sequence s -> steps(s);
          default -> throw new StepError("group steps must be a list");
        };
    return new GroupStep(group, key, steps, remaining(m, used));
  }

  private static String clip(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }

  private InputException error(String where, String problem) {
    return new InputException(source, where == null || where.isEmpty() ? null : where, problem);
  }
}
