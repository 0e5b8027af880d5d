package dev.signet.pipeline;

import static dev.signet.pipeline.PipelineTestModels.arr;
import static dev.signet.pipeline.PipelineTestModels.commandStep;
import static dev.signet.pipeline.PipelineTestModels.obj;
import static dev.signet.pipeline.PipelineTestModels.opt;
import static dev.signet.pipeline.PipelineTestModels.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.testing.Vectors;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Runs the parsing cases of the shared Buildkite vectors against {@link PipelineParser}. */
class PipelineParserVectorTest {

  private static JsonObject vectors(String file) {
    return Vectors.load("buildkite/" + file);
  }

  private static List<JsonValue> tests(String file) {
    return arr(vectors(file), "tests").items();
  }

  static Pipeline parse(String yaml) throws InputException {
    return PipelineParser.parse(yaml, "test.yml", InputLimits.DEFAULT);
  }

  static CommandStep firstCommand(String yaml) throws InputException {
    Step step = parse(yaml).steps().getFirst();
    assertThat(step).isInstanceOf(CommandStep.class);
    return (CommandStep) step;
  }

  private static String indent(String yaml) {
    return yaml.lines().map(l -> "  " + l).reduce((a, b) -> a + "\n" + b).orElse("") + "\n";
  }

  @TestFactory
  Stream<DynamicTest> parserTest() {
    List<DynamicTest> out = new ArrayList<>();
    for (JsonValue t : tests("go-pipeline_parser_test.json")) {
      String name = str(t, "go_test");
      if (opt(t, "cases") != null) {
        for (JsonValue c : arr(t, "cases").items()) {
          out.add(
              dynamicTest(
                  name + ": " + str(c, "desc"),
                  () ->
                      assertThat(firstCommand(str(c, "input_yaml")).command())
                          .isEqualTo(str(c, "expected_command"))));
        }
      }
      if (opt(t, "expected_plugins_model") != null) {
        out.add(
            dynamicTest(
                name,
                () ->
                    assertThat(firstCommand(str(t, "input_yaml")).plugins())
                        .isEqualTo(PipelineTestModels.plugins(opt(t, "expected_plugins_model")))));
      }
      if (name.equals("TestParserPreservesEmptyLists")) {
        out.add(
            dynamicTest(
                name,
                () -> {
                  Matrix m = firstCommand(str(t, "input_yaml")).matrix();
                  assertThat(m).isNotNull();
                  assertThat(m.setup()).containsEntry("a", List.of());
                  assertThat(m.adjustments()).hasSize(1);
                  assertThat(m.adjustments().getFirst().with()).containsEntry("a", "apple");
                }));
      }
      if (name.equals("TestParserPreservesUnknownStepTypes")) {
        out.add(
            dynamicTest(
                name,
                () -> {
                  Pipeline p = parse(str(t, "input_yaml"));
                  assertThat(p.steps()).hasSize(4).allMatch(s -> s instanceof UnknownStep);
                  UnknownStep last = (UnknownStep) p.steps().get(3);
                  assertThat(last.reason()).contains("GREETING").contains("map");
                  assertThat(last.where()).isEqualTo("line 5, column 5");
                  assertThat(((UnknownStep) p.steps().get(2)).reason()).contains("mystery");
                }));
      }
    }
    assertThat(out).hasSizeGreaterThan(10);
    return out.stream();
  }

  @TestFactory
  Stream<DynamicTest> parserMatrixTest() {
    List<DynamicTest> out = new ArrayList<>();
    for (JsonValue t : tests("go-pipeline_parser_matrix_test.json")) {
      JsonValue expected = opt(t, "expected_matrix_model");
      if (expected == null) {
        // The interpolation case: parsing keeps ${...} as written; upload interpolates later.
        out.add(
            dynamicTest(
                str(t, "desc"),
                () ->
                    assertThat(firstCommand(str(t, "input_yaml")).matrix().setup())
                        .containsKey("${OS_KEY}")));
        continue;
      }
      out.add(
          dynamicTest(
              str(t, "desc"),
              () ->
                  assertThat(firstCommand(str(t, "input_yaml")).matrix())
                      .isEqualTo(PipelineTestModels.matrix(expected))));
    }
    return out.stream();
  }

  @TestFactory
  Stream<DynamicTest> pluginsTest() {
    return tests("go-pipeline_plugins_test.json").stream()
        .map(t ->
            dynamicTest(
                str(t, "go_test"),
                () -> {
                  JsonObject step =
                      JsonObject.builder()
                          .put("command", "x")
                          .put("plugins", ((JsonObject) t).get("input_json"))
                          .build();
                  assertThat(PipelineParser.parseCommandStep(step, "job", "step").plugins())
                      .isEqualTo(PipelineTestModels.plugins(opt(t, "expected_plugins_model")));
                }));
  }

  @TestFactory
  Stream<DynamicTest> secretsTest() {
    List<DynamicTest> out = new ArrayList<>();
    for (JsonValue t : tests("go-pipeline_secrets_test.json")) {
      String name = str(t, "go_test");
      if (opt(t, "cases") == null) {
        continue;
      }
      for (JsonValue c : arr(t, "cases").items()) {
        if (opt(c, "expected_model") != null) {
          List<Secret> expected = PipelineTestModels.secrets(opt(c, "expected_model"));
          String yaml = str(c, "input_yaml");
          out.add(
              dynamicTest(
                  name + ": " + str(c, "name") + " (pipeline)",
                  () ->
                      assertThat(parse("secrets:\n" + indent(yaml) + "steps: []\n").secrets())
                          .isEqualTo(expected)));
          out.add(
              dynamicTest(
                  name + ": " + str(c, "name") + " (step)",
                  () ->
                      assertThat(
                              firstCommand(
                                      "steps:\n  - command: x\n    secrets:\n"
                                          + indent(indent(indent(yaml))))
                                  .secrets())
                          .isEqualTo(expected)));
        } else if (opt(c, "error") != null) {
          String yaml = str(c, "yaml");
          String goError = str(c, "error");
          // Go's texts name Go types in a few cases; compare the part after the prefix otherwise.
          String tail = goError.substring(goError.indexOf(": ") + 2);
          out.add(
              dynamicTest(
                  name + ": " + yaml + " (pipeline)",
                  () -> {
                    var thrown =
                        assertThatThrownBy(() -> parse("secrets:\n" + indent(yaml)))
                            .isInstanceOf(InputException.class);
                    if (!tail.contains("any")) {
                      thrown.hasMessageContaining(tail.strip());
                    }
                  }));
          out.add(
              dynamicTest(
                  name + ": " + yaml + " (step)",
                  () ->
                      assertThat(
                              parse(
                                      "steps:\n  - command: x\n    secrets:\n"
                                          + indent(indent(indent(yaml))))
                                  .steps()
                                  .getFirst())
                          .isInstanceOf(UnknownStep.class)));
        }
      }
    }
    assertThat(out).hasSizeGreaterThan(20);
    return out.stream();
  }

  @TestFactory
  Stream<DynamicTest> pipelineSecretsTest() {
    return tests("go-pipeline_pipeline_secrets_test.json").stream()
        .map(t ->
            dynamicTest(
                str(t, "go_test"),
                () -> {
                  Pipeline p = parse(str(t, "input_yaml"));
                  JsonValue expected = opt(t, "pipeline_secrets");
                  if (expected != null) {
                    assertThat(p.secrets()).isEqualTo(PipelineTestModels.secrets(expected));
                  } else {
                    // Parsing does not merge pipeline secrets into steps.
                    assertThat(((CommandStep) p.steps().get(0)).secrets())
                        .extracting(Secret::key)
                        .containsExactly("API_TOKEN", "DATABASE_URL");
                    assertThat(((CommandStep) p.steps().get(1)).secrets()).isEmpty();
                    assertThat(p.secrets())
                        .extracting(Secret::key)
                        .containsExactly("DATABASE_URL", "REDIS_URL");
                  }
                }));
  }

  @TestFactory
  Stream<DynamicTest> checkoutTest() throws InputException {
    List<DynamicTest> out = new ArrayList<>();
    JsonReader json = JsonReader.withDefaultLimits();
    for (JsonValue t : tests("go-pipeline_checkout_test.json")) {
      String name = str(t, "go_test");
      switch (name) {
        case "TestCheckoutUnmarshalJSON" -> {
          for (JsonValue c : arr(t, "cases").items()) {
            JsonValue input = json.parse(str(c, "input"), name);
            out.add(
                dynamicTest(
                    name + ": " + str(c, "input"),
                    () -> {
                      JsonObject step =
                          JsonObject.builder().put("command", "x").put("checkout", input).build();
                      assertThat(PipelineParser.parseCommandStep(step, "job", "step").checkout())
                          .isEqualTo(PipelineTestModels.checkout(opt(c, "model")));
                    }));
          }
        }
        case "TestCheckoutUnmarshalRejectsBool" -> {
          for (JsonValue c : arr(t, "cases").items()) {
            String yaml = str(c, "input_yaml");
            List<String> hints =
                arr(c, "error_contains").items().stream()
                    .map(s -> ((JsonString) s).value())
                    .toList();
            out.add(
                dynamicTest(
                    name + ": " + yaml,
                    () -> {
                      assertThatThrownBy(() -> parse(yaml + "\nsteps: []\n"))
                          .isInstanceOf(InputException.class)
                          .satisfies(e -> assertThat(e.getMessage()).contains(hints));
                      Step step =
                          parse("steps:\n  - command: x\n    " + yaml + "\n").steps().getFirst();
                      assertThat(step).isInstanceOf(UnknownStep.class);
                      assertThat(((UnknownStep) step).reason()).contains(hints);
                    }));
          }
        }
        case "TestCheckoutUnmarshalNull" ->
            out.add(
                dynamicTest(
                    name,
                    () -> {
                      Pipeline p = parse(str(t, "input_yaml"));
                      assertThat(p.checkout()).isNull();
                      assertThat(p.steps()).hasSize(1);
                    }));
        default -> {}
      }
    }
    assertThat(out).hasSizeGreaterThan(12);
    return out.stream();
  }

  @TestFactory
  Stream<DynamicTest> stepCommandTest() throws InputException {
    List<DynamicTest> out = new ArrayList<>();
    JsonReader json = JsonReader.withDefaultLimits();
    for (JsonValue t : tests("go-pipeline_step_command_test.json")) {
      String name = str(t, "go_test");
      switch (name) {
        case "TestCommandStepUnmarshalJSON" ->
            out.add(
                dynamicTest(
                    name,
                    () -> {
                      CommandStep s =
                          PipelineParser.parseCommandStep(
                              ((JsonObject) t).get("input_json_step_as_sent_by_accept_job"),
                              "job",
                              "step");
                      assertThat(s).isEqualTo(commandStep(obj(t, "expected_model")));
                    }));
        case "TestCommandStepUnmarshalJSON_ControlCharacters" -> {
          JsonValue input = json.parse(str(t, "input_json"), name);
          out.add(
              dynamicTest(
                  name,
                  () ->
                      assertThat(PipelineParser.parseCommandStep(input, "job", "step"))
                          .isEqualTo(commandStep(obj(t, "expected_model")))));
        }
        case "TestCommandStepUnmarshalJSON_C1ControlCharacters" -> {
          for (JsonValue step : arr(t, "input_json_steps").items()) {
            out.add(
                dynamicTest(
                    name + ": " + str(step, "label"),
                    () -> {
                      CommandStep s = PipelineParser.parseCommandStep(step, "job", "step");
                      assertThat(s.command()).isEqualTo(str(step, "command"));
                      assertThat(s.label()).isEqualTo(str(step, "label"));
                      assertThat(s.remaining().get("agents")).isEqualTo(obj(step, "agents"));
                    }));
          }
        }
        default -> {}
      }
    }
    assertThat(out).hasSize(5);
    return out.stream();
  }

  @TestFactory
  Stream<DynamicTest> derivedExamples() {
    List<DynamicTest> out = new ArrayList<>();
    for (JsonValue ex : arr(vectors("derived_examples.json"), "examples").items()) {
      String id = str(ex, "id");
      if (id.startsWith("D1-")) {
        String yaml = str(ex, "input_yaml");
        out.add(
            dynamicTest(
                id + ": pipeline env",
                () ->
                    assertThat(parse(yaml).env())
                        .containsExactlyEntriesOf(
                            PipelineTestModels.stringMap(obj(ex, "pipeline_env_after_parsing")))));
        for (JsonValue s : arr(ex, "steps").items()) {
          String path = str(s, "path");
          JsonValue model = opt(s, "model");
          out.add(
              dynamicTest(
                  id + ": " + path,
                  () -> {
                    Step step = PipelineTestModels.at(parse(yaml), path);
                    if (model != null) {
                      assertThat(step).isEqualTo(commandStep((JsonObject) model));
                    } else if (str(s, "unsigned").startsWith("wait")) {
                      assertThat(step).isEqualTo(new WaitStep(new JsonString("wait")));
                    } else {
                      assertThat(step).isInstanceOf(TriggerStep.class);
                      assertThat(((TriggerStep) step).raw())
                          .isEqualTo(
                              JsonObject.builder()
                                  .put("trigger", "deploy-pipeline")
                                  .put(
                                      "build",
                                      JsonObject.builder()
                                          .put(
                                              "env", JsonObject.builder().put("FOO", "bar").build())
                                          .build())
                                  .build());
                    }
                  }));
        }
      } else if (id.startsWith("D2-")) {
        out.add(
            dynamicTest(
                id,
                () -> {
                  CommandStep s =
                      PipelineParser.parseCommandStep(
                          ((JsonObject) ex).get("step_as_received"), "job", "job.step");
                  assertThat(s.signature()).isNotNull();
                  assertThat(s.signature().signedFields())
                      .containsExactlyElementsOf(
                          arr(obj(ex, "signature"), "signed_fields").items().stream()
                              .map(v -> ((JsonString) v).value())
                              .toList());
                  assertThat(s.signature().value()).isEqualTo(str(obj(ex, "signature"), "value"));
                  assertThat(s.checkout())
                      .isEqualTo(new Checkout(null, false, null, 1L, JsonObject.EMPTY));
                  assertThat(s.secrets()).containsExactly(new Secret("db-url-secret", "DB_URL"));
                  assertThat(s.matrix().adjustments().get(1).remaining().get("soft_fail"))
                      .isEqualTo(dev.signet.json.JsonBool.TRUE);
                }));
      } else if (id.startsWith("D3-")) {
        out.add(
            dynamicTest(
                id,
                () -> {
                  Pipeline p = parse(str(ex, "input_yaml"));
                  assertThat(p.secrets())
                      .containsExactly(new Secret("SHARED_TOKEN", "SHARED_TOKEN"));
                  assertThat(((CommandStep) p.steps().get(0)).secrets())
                      .containsExactly(new Secret("db-url-secret", "DB_URL"));
                  assertThat(PipelineTestModels.at(p, "steps[1].steps[0]"))
                      .isEqualTo(CommandStep.of("make nested"));
                }));
      }
    }
    assertThat(out).hasSizeGreaterThanOrEqualTo(8);
    return out.stream();
  }

  /** Keeps the JsonArray import meaningful for readers: the vectors' lists are JSON arrays. */
  static List<JsonValue> items(JsonValue v) {
    return ((JsonArray) v).items();
  }
}
