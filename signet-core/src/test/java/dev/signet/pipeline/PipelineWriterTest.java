package dev.signet.pipeline;

import static dev.signet.pipeline.PipelineTestModels.arr;
import static dev.signet.pipeline.PipelineTestModels.obj;
import static dev.signet.pipeline.PipelineTestModels.opt;
import static dev.signet.pipeline.PipelineTestModels.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.json.Jcs;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonValue;
import dev.signet.json.JsonWriter;
import dev.signet.testing.Vectors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** YAML and JSON output: layout, quoting, and agreement with the vectors. */
class PipelineWriterTest {

  private static Pipeline parse(String yaml) throws InputException {
    return PipelineParser.parse(yaml, "w.yml", InputLimits.DEFAULT);
  }

  private static JsonObject vectors(String file) {
    return Vectors.load("buildkite/" + file);
  }

  @Test
  void commandStepKeysComeOutInToolSignOrder() throws InputException {
    String yaml =
        """
        steps:
          - agents: {queue: q}
            checkout: {depth: 1}
            cache: node_modules
            matrix: [a, b]
            signature: {value: "h..s", signed_fields: [command, env], algorithm: EdDSA}
            env: {B: "3"}
            secrets: [TOKEN]
            plugins: [docker#v1]
            commands: [make]
            label: L
            key: k
        env:
          Z: "1"
        """;
    String expected =
        """
        steps:
          - key: k
            label: L
            command: make
            plugins:
              - github.com/buildkite-plugins/docker-buildkite-plugin#v1: null
            secrets:
              - key: TOKEN
                environment_variable: TOKEN
            env:
              B: "3"
            signature:
              algorithm: EdDSA
              signed_fields:
                - command
                - env
              value: h..s
            matrix:
              - a
              - b
            cache: node_modules
            checkout:
              depth: 1
            agents:
              queue: q
        env:
          Z: "1"
        """;
    assertThat(PipelineWriter.toYaml(parse(yaml))).isEqualTo(expected);
  }

  @Test
  void topLevelKeyOrderAndBareLists() throws InputException {
    String yaml =
        "notify: [{email: a@b}]\ncheckout: {skip: false}\nsecrets: {DB: db}\nenv: {A: b}\n"
            + "steps: [{group: ~, steps: ~}, wait]\n";
    assertThat(PipelineWriter.toYaml(parse(yaml)))
        .isEqualTo(
            """
            steps:
              - group: null
                steps: []
              - wait
            env:
              A: b
            secrets:
              - key: db
                environment_variable: DB
            checkout:
              skip: false
            notify:
              - email: a@b
            """);
    // A bare list is written in the mapping form; it parses back to the same steps.
    Pipeline bare = parse("- command: x\n- wait\n");
    assertThat(bare.bareList()).isTrue();
    String out = PipelineWriter.toYaml(bare);
    assertThat(out).startsWith("steps:\n  - command: x\n");
    assertThat(parse(out).steps()).isEqualTo(bare.steps());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "3",
        "-3",
        "0x1F",
        "017",
        "1_000",
        "1.0",
        ".5",
        "1e6",
        "true",
        "True",
        "FALSE",
        "null",
        "Null",
        "~",
        "",
        "yes",
        "no",
        "on",
        "off",
        "y",
        "n",
        "Y",
        "N",
        "2002-08-15",
        "2002-08-15T17:18:23.18-06:00",
        "1:20",
        "<<",
        "=",
        ": x",
        "a: b",
        "x #y",
        "#x",
        "- x",
        "-",
        "?",
        " lead",
        "trail ",
        "a\tb",
        "{{matrix}}",
        "[x]",
        "*alias",
        "&a",
        "!tag",
        "%x",
        "@x",
        "`x`",
        "'q'",
        "\"dq\"",
        "...",
        "---",
        "|",
        ">",
        "a\nb",
        "a\nb\n",
        "a\nb\n\n",
        "\nlead",
        " x\ny",
        "\n",
        "\r\n",
        "x\u0085y",
        "x\u2028y",
        "\uFEFFx",
        "tab\u0001ctl",
        "é ü 日本 😀",
        "\\",
        "a\\nb",
        ".inf",
        "-.inf",
        ".nan",
        "0o17",
        "0b101",
        "+1",
        "1.",
        "08"
      })
  void trickyStringsRoundTripInEveryPosition(String s) throws InputException {
    SequencedMap<String, String> env = new LinkedHashMap<>();
    env.put(s, s);
    CommandStep step =
        CommandStep.of(s)
            .withLabel(s)
            .withEnv(env)
            .withRemaining(
                JsonObject.builder()
                    .put("x-" + s, s)
                    .put("list", dev.signet.json.JsonArray.of(new dev.signet.json.JsonString(s)))
                    .build());
    Pipeline p = new Pipeline(List.of(step), env, List.of(), null, JsonObject.EMPTY, false);
    String yaml = PipelineWriter.toYaml(p);
    assertThat(parse(yaml)).isEqualTo(p);
    assertThat(PipelineWriter.toYaml(parse(yaml))).isEqualTo(yaml);
  }

  @Test
  void stringsThatReadAsOtherTypesAreQuoted() throws InputException {
    SequencedMap<String, String> env = new LinkedHashMap<>();
    for (String v : List.of("3", "true", "null", "", "1.0", "2002-08-15", "yes", "off", "y")) {
      env.put("K" + env.size(), v);
    }
    String yaml =
        PipelineWriter.toYaml(
            new Pipeline(List.of(), env, List.of(), null, JsonObject.EMPTY, false));
    assertThat(yaml)
        .contains(
            "K0: \"3\"\n",
            "K1: \"true\"\n",
            "K2: \"null\"\n",
            "K3: \"\"\n",
            "K4: \"1.0\"\n",
            "K5: \"2002-08-15\"\n",
            "K6: \"yes\"\n",
            "K7: \"off\"\n",
            "K8: \"y\"\n");
  }

  @Test
  void multiLineCommandsUseLiteralBlocks() throws InputException {
    Pipeline p = parse("steps:\n  - command: |\n      echo foo\n      echo bar\n");
    assertThat(PipelineWriter.toYaml(p))
        .isEqualTo("steps:\n  - command: |\n      echo foo\n      echo bar\n");
    Pipeline q = parse("steps:\n  - commands: [echo foo, \"  indented\", echo bar]\n");
    assertThat(PipelineWriter.toYaml(q))
        .isEqualTo("steps:\n  - command: |-\n      echo foo\n        indented\n      echo bar\n");
  }

  @Test
  void secretsAreWrittenAsInGoTests() throws InputException {
    String expected = str(tests("go-pipeline_secret_test.json").get(1), "expected_yaml");
    Pipeline p = parse("steps:\n  - command: x\n    secrets: [DATABASE_URL]\n");
    List<String> lines = expected.lines().toList();
    StringBuilder item =
        new StringBuilder("    secrets:\n      - ").append(lines.get(0)).append('\n');
    lines.subList(1, lines.size()).forEach(l -> item.append("        ").append(l).append('\n'));
    assertThat(PipelineWriter.toYaml(p)).contains(item);
  }

  private static List<JsonValue> tests(String file) {
    return arr(vectors(file), "tests").items();
  }

  @TestFactory
  Stream<DynamicTest> uploadedStepJsonMatchesD1() throws InputException {
    List<DynamicTest> out = new ArrayList<>();
    JsonValue d1 = arr(vectors("derived_examples.json"), "examples").get(0);
    Pipeline p = parse(str(d1, "input_yaml"));
    for (JsonValue s : arr(d1, "steps").items()) {
      JsonValue expected = opt(s, "uploaded_step_json_illustrative");
      if (expected == null) {
        continue;
      }
      String path = str(s, "path");
      out.add(
          dynamicTest(
              path,
              () -> {
                JsonValue sig = obj(obj(s, "expected"), "signature");
                StepSignature signature =
                    new StepSignature(
                        str(sig, "algorithm"),
                        arr(sig, "signed_fields").items().stream()
                            .map(v -> ((dev.signet.json.JsonString) v).value())
                            .toList(),
                        str(sig, "value"));
                CommandStep step =
                    ((CommandStep) PipelineTestModels.at(p, path)).withSignature(signature);
                JsonObject json = PipelineWriter.stepToJson(step);
                assertThat(json).isEqualTo(expected);
                assertThat(List.copyOf(json.members().keySet())).isSorted();
                // job.step is parsed back by the agent into the same step.
                assertThat(PipelineParser.parseCommandStep(json, "job", "step"))
                    .isEqualTo(
                        step.withPlugins(
                            step.plugins().stream()
                                .map(
                                    pl -> new Plugin(StepJson.fullSource(pl.source()), pl.config()))
                                .toList()));
              }));
    }
    assertThat(out).hasSize(3);
    return out.stream();
  }

  @TestFactory
  Stream<DynamicTest> jsonFormsMatchParserVectors() {
    List<DynamicTest> out = new ArrayList<>();
    for (JsonValue t : tests("go-pipeline_parser_test.json")) {
      JsonValue plugins = opt(t, "expected_json_plugins");
      if (plugins != null) {
        out.add(
            dynamicTest(
                str(t, "go_test") + " plugins",
                () -> {
                  JsonObject json =
                      PipelineWriter.stepToJson(
                          (CommandStep) parse(str(t, "input_yaml")).steps().getFirst());
                  assertThat(json.get("plugins")).isEqualTo(plugins);
                  assertThat(Jcs.canonicalString(json.get("plugins")))
                      .isEqualTo(str(t, "derived_signed_plugins_value_jcs"));
                }));
      }
      JsonValue matrix = opt(t, "expected_matrix_json");
      if (matrix != null) {
        out.add(dynamicTest(str(t, "go_test") + " matrix", () -> assertMatrixJson(t, matrix)));
      }
      if (opt(t, "cases") != null) {
        for (JsonValue c : arr(t, "cases").items()) {
          out.add(
              dynamicTest(
                  str(c, "desc"),
                  () ->
                      assertThat(
                              JsonWriter.compact(
                                  PipelineWriter.stepToJson(
                                          (CommandStep)
                                              parse(str(c, "input_yaml")).steps().getFirst())
                                      .get("command")))
                          .isEqualTo(str(c, "expected_json_command"))));
        }
      }
    }
    for (JsonValue t : tests("go-pipeline_parser_matrix_test.json")) {
      JsonValue matrix = opt(t, "expected_matrix_json");
      if (matrix != null) {
        out.add(dynamicTest(str(t, "desc"), () -> assertMatrixJson(t, matrix)));
      }
    }
    assertThat(out).hasSizeGreaterThan(15);
    return out.stream();
  }

  private static void assertMatrixJson(JsonValue t, JsonValue expected) throws InputException {
    JsonObject json =
        PipelineWriter.stepToJson((CommandStep) parse(str(t, "input_yaml")).steps().getFirst());
    assertThat(json.get("matrix")).isEqualTo(expected);
    assertThat(Jcs.canonicalString(json.get("matrix")))
        .isEqualTo(str(t, "derived_signed_matrix_value_jcs"));
  }

  @TestFactory
  Stream<DynamicTest> checkoutJsonMatchesVectors() {
    List<DynamicTest> out = new ArrayList<>();
    for (JsonValue t : tests("go-pipeline_checkout_test.json")) {
      if (!str(t, "go_test").equals("TestCheckoutMarshalJSON")) {
        continue;
      }
      for (JsonValue c : arr(t, "cases").items()) {
        out.add(
            dynamicTest(
                str(c, "name"),
                () -> {
                  Checkout checkout = PipelineTestModels.checkout(obj(c, "checkout_model"));
                  JsonObject json =
                      PipelineWriter.stepToJson(CommandStep.of("x").withCheckout(checkout));
                  assertThat(Jcs.canonicalString(json.get("checkout")))
                      .isEqualTo(str(c, "expected_json"));
                  // And it survives YAML: parse(toYaml) gives the checkout back.
                  Pipeline p =
                      new Pipeline(
                          List.of(CommandStep.of("x").withCheckout(checkout)),
                          new LinkedHashMap<>(),
                          List.of(),
                          checkout,
                          JsonObject.EMPTY,
                          false);
                  assertThat(parse(PipelineWriter.toYaml(p))).isEqualTo(p);
                }));
      }
    }
    assertThat(out).hasSize(11);
    return out.stream();
  }

  @Test
  void checkoutIsOmittedWhenAbsent() {
    assertThat(PipelineWriter.stepToJson(CommandStep.of("x")).members().keySet())
        .containsExactly("command");
    assertThat(
            JsonWriter.compact(
                PipelineWriter.stepToJson(
                    CommandStep.of("x")
                        .withCheckout(new Checkout(true, null, null, null, JsonObject.EMPTY)))))
        .isEqualTo("{\"checkout\":{\"skip\":true},\"command\":\"x\"}");
  }

  @Test
  void stepJsonDropsEmptyMembersAndRemainingNeverOverridesKnown() {
    CommandStep step =
        new CommandStep(
            "",
            "",
            "",
            List.of(),
            List.of(),
            new LinkedHashMap<>(),
            null,
            new Matrix(null, List.of(), JsonObject.EMPTY),
            null,
            null,
            JsonObject.builder()
                .put("command", "evil")
                .put("zeta", "z")
                .put("agents", "a")
                .build());
    assertThat(JsonWriter.compact(PipelineWriter.stepToJson(step)))
        .isEqualTo("{\"agents\":\"a\",\"command\":\"\",\"zeta\":\"z\"}");
  }

  @Test
  void aNullKeyOrLabelStillShadowsItsAliasAfterWriting() throws InputException {
    // Found while checking PipelineParserFuzzTest's round-trip property (regression input
    // jobStep/alias-shadowed-by-null-key.json): "key: null" left "id" among the other keys;
    // the writers dropped the null key, so the output read back with key "foo".
    Pipeline p =
        parse(
            "steps:\n"
                + "  - {command: x, key: null, id: foo, label: null, name: n}\n"
                + "  - {group: g, key: null, identifier: bar, steps: [{command: y}]}\n");
    CommandStep c = (CommandStep) p.steps().getFirst();
    assertThat(c.key()).isNull();
    assertThat(c.remaining().members().keySet()).containsExactly("id", "name");

    Pipeline fromYaml = parse(PipelineWriter.toYaml(p));
    assertThat(fromYaml).isEqualTo(p);
    Pipeline fromJson =
        PipelineParser.parse(PipelineWriter.toJson(p), "w.json", InputLimits.DEFAULT);
    assertThat(fromJson).isEqualTo(p);
    CommandStep fromStepJson =
        PipelineParser.parseCommandStep(PipelineWriter.stepToJson(c), "job", "step");
    assertThat(fromStepJson).isEqualTo(c);
    assertThat(JsonWriter.compact(PipelineWriter.stepToJson(c)))
        .isEqualTo("{\"command\":\"x\",\"id\":\"foo\",\"key\":null,\"label\":null,\"name\":\"n\"}");
  }

  @Test
  void uploadJsonIsJsonAndParsesBackAsThePipeline() throws InputException {
    JsonValue d1 = arr(vectors("derived_examples.json"), "examples").get(0);
    Pipeline p = parse(str(d1, "input_yaml"));
    String json = PipelineWriter.toJson(p);
    JsonObject tree = (JsonObject) JsonReader.withDefaultLimits().parse(json, "upload.json");
    assertThat(tree.members().keySet()).containsExactly("env", "steps");
    assertThat(JsonWriter.compact(tree.get("env")))
        .isEqualTo(
            "{\"DEPLOY_ENV\":\"staging\",\"RETRIES\":\"3\",\"OVERRIDDEN\":\"pipeline-value\"}");
    // JSON is YAML: the upload body parses to the same pipeline, with full plugin sources.
    Pipeline back = PipelineParser.parseAll(json, "upload.json", InputLimits.DEFAULT).getFirst();
    assertThat(PipelineWriter.toJson(back)).isEqualTo(json);
    assertThat(back).isEqualTo(PipelineWriterRoundTripTest.normalised(p));
  }
}
