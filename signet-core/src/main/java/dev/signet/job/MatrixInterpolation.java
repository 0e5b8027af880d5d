package dev.signet.job;

import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.pipeline.Checkout;
import dev.signet.pipeline.CommandStep;
import dev.signet.pipeline.Plugin;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Substitutes a matrix permutation into a step (spec §6 step 2.3, go-pipeline's {@code
 * interpolate_matrix.go}).
 *
 * <p>Tokens are {@code {{matrix}}} (the anonymous dimension) and {@code {{matrix.NAME}}}, with
 * optional whitespace inside the braces. The pattern is go-pipeline's RE2 expression {@code
 * \{\{\s*matrix(\.[\w-\.]+)?\s*\}\}} written with explicit classes, because Java's {@code \s} also
 * matches vertical tab and RE2's does not: {@code \s} is {@code [\t\n\f\r ]}, names are {@code
 * [A-Za-z0-9_.-]}. Substituted text is not scanned again.
 *
 * <p>Fields substituted: command, label, plugin sources and configs, cache, checkout extra keys,
 * step env values (not names) and the remaining fields; in JSON values both object keys and string
 * values, recursively. Not substituted: the matrix itself, the secrets (go-pipeline's call is a
 * no-op there), the key, the signature, and checkout's known fields.
 */
public final class MatrixInterpolation {
  static final Pattern TOKEN =
      Pattern.compile("\\{\\{[\\t\\n\\f\\r ]*matrix(\\.[A-Za-z0-9_.\\-]+)?[\\t\\n\\f\\r ]*\\}\\}");

  private MatrixInterpolation() {}

  /** The step with {@code permutation} substituted (its signature is kept as it was). */
  public static CommandStep apply(CommandStep step, Map<String, String> permutation)
      throws MatrixException {
    String label = step.label() == null ? null : interpolate(step.label(), permutation);
    List<Plugin> plugins = new ArrayList<>(step.plugins().size());
    for (Plugin p : step.plugins()) {
      plugins.add(
          new Plugin(
              interpolate(p.source(), permutation),
              p.config() == null ? null : interpolate(p.config(), permutation)));
    }
    SequencedMap<String, String> env = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : step.env().entrySet()) {
      env.put(e.getKey(), interpolate(e.getValue(), permutation));
    }
    Checkout checkout = step.checkout();
    if (checkout != null) {
      checkout =
          new Checkout(
              checkout.skip(),
              checkout.submodules(),
              checkout.sshSecret(),
              checkout.depth(),
              interpolateObject(checkout.remaining(), permutation));
    }
    return new CommandStep(
        step.key(),
        label,
        interpolate(step.command(), permutation),
        plugins,
        step.secrets(),
        env,
        step.signature(),
        step.matrix(),
        step.cache() == null ? null : interpolate(step.cache(), permutation),
        checkout,
        interpolateObject(step.remaining(), permutation));
  }

  /**
   * Replaces every token in {@code input}.
   *
   * @throws MatrixException {@code unknown matrix tokens in input: matrix.x} when a token names a
   *     dimension the permutation lacks (all such tokens, sorted and joined with {@code ", "})
   */
  public static String interpolate(String input, Map<String, String> permutation)
      throws MatrixException {
    if (input.indexOf("{{") < 0) {
      return input; // the common case: no token can match
    }
    Matcher m = TOKEN.matcher(input);
    StringBuilder out = null;
    TreeSet<String> unknown = null;
    int last = 0;
    while (m.find()) {
      String suffix = m.group(1);
      String dim = suffix == null ? "" : suffix.substring(1);
      String value = permutation.get(dim);
      if (value == null) {
        if (unknown == null) {
          unknown = new TreeSet<>();
        }
        unknown.add("matrix" + (suffix == null ? "" : suffix));
        continue;
      }
      if (out == null) {
        out = new StringBuilder(input.length() + 16);
      }
      out.append(input, last, m.start()).append(value);
      last = m.end();
    }
    if (unknown != null) {
      throw new MatrixException(
          MatrixException.Reason.UNKNOWN_TOKENS,
          List.copyOf(unknown),
          MatrixException.Reason.UNKNOWN_TOKENS.text() + ": " + String.join(", ", unknown));
    }
    if (out == null) {
      return input;
    }
    return out.append(input, last, input.length()).toString();
  }

  /** Substitutes into every string and object key of {@code value}, recursively. */
  public static JsonValue interpolate(JsonValue value, Map<String, String> permutation)
      throws MatrixException {
    return switch (value) {
      case JsonString s -> {
        String v = interpolate(s.value(), permutation);
        yield v.equals(s.value()) ? s : new JsonString(v);
      }
      case JsonObject o -> interpolateObject(o, permutation);
      case JsonArray a -> {
        List<JsonValue> items = new ArrayList<>(a.size());
        for (JsonValue item : a.items()) {
          items.add(interpolate(item, permutation));
        }
        yield new JsonArray(items);
      }
      default -> value;
    };
  }

  private static JsonObject interpolateObject(JsonObject o, Map<String, String> permutation)
      throws MatrixException {
    if (o.isEmpty()) {
      return o;
    }
    // Two keys that become equal after substitution collapse, the later one winning, as in Go's
    // map assignment (where the winner would depend on iteration order).
    LinkedHashMap<String, JsonValue> members = new LinkedHashMap<>();
    for (Map.Entry<String, JsonValue> e : o.members().entrySet()) {
      members.put(interpolate(e.getKey(), permutation), interpolate(e.getValue(), permutation));
    }
    return new JsonObject(members);
  }
}
