package dev.signet.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonBool;
import dev.signet.json.JsonFloat;
import dev.signet.json.JsonInteger;
import dev.signet.json.JsonNull;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.testing.Vectors;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@code parse(toYaml(p))} gives {@code p} back (up to what Go's writer normalises: full plugin
 * sources, empty plugin configs, empty matrices, Go-empty {@code skip}), and {@code toYaml} is
 * stable, on the vector pipelines and on a few hundred generated ones with hostile strings.
 */
class PipelineWriterRoundTripTest {

  private static Pipeline parse(String yaml) throws InputException {
    return PipelineParser.parse(yaml, "rt.yml", InputLimits.DEFAULT);
  }

  /** What a pipeline reads back as after being written. */
  static Pipeline normalised(Pipeline p) {
    return new Pipeline(
        p.steps().stream().map(PipelineWriterRoundTripTest::normalised).toList(),
        p.env(),
        p.secrets(),
        p.checkout(),
        p.remaining(),
        false);
  }

  private static Step normalised(Step s) {
    return switch (s) {
      case CommandStep c ->
          c.withPlugins(
                  c.plugins().stream()
                      .map(pl -> new Plugin(StepJson.fullSource(pl.source()), config(pl.config())))
                      .toList())
              .withMatrix(matrix(c.matrix()))
              .withCache(c.cache() instanceof JsonNull ? null : c.cache());
      case GroupStep g ->
          g.withSteps(g.steps().stream().map(PipelineWriterRoundTripTest::normalised).toList());
      default -> s;
    };
  }

  private static @Nullable JsonValue config(@Nullable JsonValue c) {
    return switch (c) {
      case null -> null;
      case JsonNull n -> null;
      case JsonObject o when o.isEmpty() -> null;
      case JsonArray a when a.isEmpty() -> null;
      default -> c;
    };
  }

  private static @Nullable Matrix matrix(@Nullable Matrix m) {
    if (m == null || m.isEmpty()) {
      return null;
    }
    List<Matrix.Adjustment> adjustments =
        m.adjustments().stream()
            .map(a ->
                new Matrix.Adjustment(
                    a.with(),
                    a.skip() == null || StepJson.isGoEmpty(a.skip()) ? null : a.skip(),
                    a.remaining()))
            .toList();
    return new Matrix(m.setup(), adjustments, m.remaining());
  }

  private static void assertRoundTrip(Pipeline p) throws InputException {
    String yaml = PipelineWriter.toYaml(p);
    Pipeline back;
    try {
      back = parse(yaml);
    } catch (InputException e) {
      throw new AssertionError("written YAML does not parse: " + e.getMessage() + "\n" + yaml, e);
    }
    // The field-by-field comparison names the differing field; equals is the strict check.
    assertThat(back)
        .as("parse(toYaml(p)) for\n%s", yaml)
        .usingRecursiveComparison()
        .isEqualTo(normalised(p));
    assertThat(back).isEqualTo(normalised(p));
    assertThat(PipelineWriter.toYaml(back)).isEqualTo(yaml);
    // The upload JSON is YAML too and reads back to the same JSON (JSON cannot keep 1.0 apart
    // from 1, exactly as for Go, so the comparison is on the JSON text).
    String json = PipelineWriter.toJson(p);
    if (json.matches("(?s).*[\u0085\u2028\u2029].*")) {
      // Raw NEL/LS/PS are line breaks to YAML parsers (libyaml too), so JSON holding them does
      // not read back through a YAML parser; the backend reads upload JSON as JSON.
      return;
    }
    List<Pipeline> fromJson = PipelineParser.parseAll(json, "rt.json", InputLimits.DEFAULT);
    assertThat(fromJson).hasSize(1);
    assertThat(PipelineWriter.toJson(fromJson.getFirst())).isEqualTo(json);
  }

  @TestFactory
  Stream<DynamicTest> vectorPipelines() {
    List<DynamicTest> out = new ArrayList<>();
    for (String file :
        List.of(
            "go-pipeline_parser_test.json",
            "go-pipeline_parser_matrix_test.json",
            "go-pipeline_pipeline_secrets_test.json",
            "derived_examples.json")) {
      collectYaml(Vectors.load("buildkite/" + file), file, out);
    }
    assertThat(out).hasSizeGreaterThan(15);
    return out.stream();
  }

  private static void collectYaml(JsonValue v, String name, List<DynamicTest> out) {
    switch (v) {
      case JsonObject o -> {
        for (var e : o.members().entrySet()) {
          if (e.getKey().equals("input_yaml") && e.getValue() instanceof JsonString s) {
            String yaml = s.value();
            out.add(
                dynamicTest(
                    name + " #" + out.size(),
                    () -> {
                      Pipeline p = parse(yaml);
                      if (p.steps().stream().noneMatch(x -> x instanceof UnknownStep)) {
                        assertRoundTrip(p);
                      }
                    }));
          } else {
            collectYaml(e.getValue(), name, out);
          }
        }
      }
      case JsonArray a -> a.items().forEach(i -> collectYaml(i, name, out));
      default -> {}
    }
  }

  // ---- generated pipelines ----------------------------------------------------------------

  private static final List<String> TRICKY =
      List.of(
          "3",
          "-7",
          "0x1F",
          "017",
          "1_000",
          "1.0",
          "1.10",
          ".5",
          "1e6",
          "true",
          "False",
          "null",
          "~",
          "",
          "yes",
          "no",
          "on",
          "off",
          "y",
          "n",
          "2002-08-15",
          "2002-08-15T17:18:23.18-06:00",
          "1:20",
          "<<",
          "=",
          ": ",
          ": x",
          "a: b",
          "#",
          "x #y",
          "- x",
          "-",
          "?",
          " lead",
          "trail ",
          "  ",
          "a\tb",
          "\t",
          "{{matrix}}",
          "{{matrix.os}}",
          "[x]",
          "{a: b}",
          "*alias",
          "&a",
          "!tag",
          "%",
          "@",
          "`",
          "'",
          "\"",
          "\\",
          "...",
          "---",
          "|",
          ">",
          "a\nb",
          "a\nb\n",
          "a\n\nb\n\n",
          "\nlead",
          " x\ny",
          "\n",
          "x\r\ny",
          "x\u0085y",
          "x\u2028y",
          "\uFEFF",
          "\u0007bell",
          "\u007f",
          "é",
          "日本語",
          "😀",
          "a 😀 b",
          "echo \"$FOO\" | grep -v '#'",
          "docker#v1.2.3",
          "my-org/my-plugin#main",
          "./local",
          "https://example.com/p.git#v1",
          "x".repeat(200),
          "line one\n  indented\n\ttabbed\n",
          "trailing spaces  \nnext",
          "only\n   \nspaces line");

  private static String str(RandomGenerator r) {
    int pick = r.nextInt(10);
    if (pick < 6) {
      return TRICKY.get(r.nextInt(TRICKY.size()));
    }
    if (pick < 8) {
      return TRICKY.get(r.nextInt(TRICKY.size())) + TRICKY.get(r.nextInt(TRICKY.size()));
    }
    String palette = "ab Z09:#-_.\n\t'\"\\{}[]*&!%@`|>?,~é日😀\u0085\u2028\r\u0001";
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(12);
    for (int i = 0; i < n; i++) {
      sb.appendCodePoint(
          palette.codePointAt(
              palette.offsetByCodePoints(
                  0, r.nextInt(palette.codePointCount(0, palette.length())))));
    }
    return sb.toString();
  }

  private static String key(RandomGenerator r, Set<String> reserved) {
    while (true) {
      String k = str(r);
      if (!reserved.contains(k)) {
        return k;
      }
    }
  }

  private static final Set<String> STEP_KEYS =
      Set.of(
          "key",
          "id",
          "identifier",
          "label",
          "name",
          "command",
          "commands",
          "plugins",
          "env",
          "signature",
          "matrix",
          "cache",
          "secrets",
          "checkout",
          "type",
          "wait",
          "waiter",
          "block",
          "input",
          "manual",
          "trigger",
          "group",
          "steps",
          "<<");
  private static final Set<String> TOP_KEYS = Set.of("steps", "env", "secrets", "checkout", "<<");
  private static final Set<String> MATRIX_KEYS = Set.of("setup", "adjustments", "<<");
  private static final Set<String> ADJUSTMENT_KEYS = Set.of("with", "skip", "<<");
  private static final Set<String> CHECKOUT_KEYS =
      Set.of("skip", "submodules", "ssh_secret", "depth", "<<");
  private static final Set<String> NONE = Set.of("<<");

  private static JsonValue json(RandomGenerator r, int depth) {
    int pick = r.nextInt(depth > 2 ? 6 : 8);
    return switch (pick) {
      case 0 -> JsonNull.NULL;
      case 1 -> JsonBool.of(r.nextBoolean());
      case 2 -> new JsonInteger(BigInteger.valueOf(r.nextLong() >> r.nextInt(64)));
      case 3 -> {
        double d =
            r.nextInt(3) == 0
                ? (double) r.nextInt(1000)
                : r.nextDouble() * Math.pow(10, r.nextInt(-30, 30));
        yield new JsonFloat(r.nextBoolean() ? d : -d);
      }
      case 4, 5 -> new JsonString(str(r));
      case 6 -> {
        List<JsonValue> items = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
          items.add(json(r, depth + 1));
        }
        yield new JsonArray(items);
      }
      default -> object(r, depth + 1, NONE);
    };
  }

  private static JsonObject object(RandomGenerator r, int depth, Set<String> reserved) {
    JsonObject.Builder b = JsonObject.builder();
    for (int i = r.nextInt(4); i > 0; i--) {
      b.put(key(r, reserved), json(r, depth));
    }
    return b.build();
  }

  private static SequencedMap<String, String> env(RandomGenerator r) {
    SequencedMap<String, String> env = new LinkedHashMap<>();
    for (int i = r.nextInt(4); i > 0; i--) {
      env.put(key(r, NONE), str(r));
    }
    return env;
  }

  private static @Nullable String maybe(RandomGenerator r) {
    return r.nextBoolean() ? null : str(r);
  }

  private static Checkout checkout(RandomGenerator r) {
    return new Checkout(
        r.nextBoolean() ? null : r.nextBoolean(),
        r.nextBoolean() ? null : r.nextBoolean(),
        maybe(r),
        r.nextBoolean() ? null : r.nextLong(),
        object(r, 1, CHECKOUT_KEYS));
  }

  private static List<Secret> secrets(RandomGenerator r) {
    List<Secret> out = new ArrayList<>();
    for (int i = r.nextInt(3); i > 0; i--) {
      String k = str(r);
      out.add(new Secret(k.isEmpty() ? "k" : k, r.nextBoolean() ? "" : str(r)));
    }
    return out;
  }

  private static Matrix matrix(RandomGenerator r) {
    SequencedMap<String, @Nullable List<String>> setup = null;
    if (r.nextInt(4) > 0) {
      setup = new LinkedHashMap<>();
      if (r.nextBoolean()) {
        setup.put(Matrix.ANONYMOUS, values(r));
      } else {
        for (int i = r.nextInt(3); i > 0; i--) {
          setup.put(key(r, NONE), r.nextInt(5) == 0 ? null : values(r));
        }
      }
    }
    List<Matrix.Adjustment> adjustments = new ArrayList<>();
    for (int i = r.nextInt(3); i > 0; i--) {
      SequencedMap<String, String> with = new LinkedHashMap<>();
      if (r.nextBoolean()) {
        with.put(Matrix.ANONYMOUS, str(r));
      } else {
        for (int j = r.nextInt(3); j > 0; j--) {
          with.put(key(r, NONE), str(r));
        }
      }
      JsonValue skip = r.nextBoolean() ? null : json(r, 3);
      adjustments.add(new Matrix.Adjustment(with, skip, object(r, 2, ADJUSTMENT_KEYS)));
    }
    return new Matrix(
        setup, adjustments, r.nextInt(4) == 0 ? object(r, 2, MATRIX_KEYS) : JsonObject.EMPTY);
  }

  private static List<String> values(RandomGenerator r) {
    List<String> out = new ArrayList<>();
    for (int i = r.nextInt(4); i > 0; i--) {
      out.add(str(r));
    }
    return out;
  }

  private static CommandStep commandStep(RandomGenerator r) {
    List<Plugin> plugins = new ArrayList<>();
    for (int i = r.nextInt(3); i > 0; i--) {
      plugins.add(new Plugin(str(r), r.nextBoolean() ? null : json(r, 1)));
    }
    StepSignature sig =
        r.nextBoolean() ? null : new StepSignature(str(r), List.of(str(r), str(r)), str(r));
    return new CommandStep(
        maybe(r),
        maybe(r),
        str(r),
        plugins,
        secrets(r),
        env(r),
        sig,
        r.nextBoolean() ? null : matrix(r),
        r.nextBoolean() ? null : json(r, 1),
        r.nextBoolean() ? null : checkout(r),
        object(r, 1, STEP_KEYS));
  }

  private static Pipeline pipeline(RandomGenerator r) {
    List<Step> steps = new ArrayList<>();
    for (int i = r.nextInt(4); i >= 0; i--) {
      switch (r.nextInt(6)) {
        case 0 -> steps.add(new WaitStep(new JsonString("wait")));
        case 1 -> {
          List<Step> inner = new ArrayList<>();
          for (int j = r.nextInt(3); j > 0; j--) {
            inner.add(commandStep(r));
          }
          steps.add(new GroupStep(maybe(r), maybe(r), inner, object(r, 1, STEP_KEYS)));
        }
        case 2 ->
            steps.add(
                new TriggerStep(
                    JsonObject.builder()
                        .put("trigger", str(r))
                        .putAll(object(r, 1, STEP_KEYS))
                        .build()));
        default -> steps.add(commandStep(r));
      }
    }
    return new Pipeline(
        steps,
        env(r),
        secrets(r),
        r.nextBoolean() ? null : checkout(r),
        object(r, 1, TOP_KEYS),
        false);
  }

  @Test
  void generatedPipelinesRoundTrip() throws InputException {
    RandomGenerator r =
        RandomGeneratorFactory.of("L64X128MixRandom").create(Long.getLong("rt.seed", 20260101L));
    for (int i = 0; i < Integer.getInteger("rt.iterations", 400); i++) {
      Pipeline p = pipeline(r);
      assertRoundTrip(p);
    }
  }
}
