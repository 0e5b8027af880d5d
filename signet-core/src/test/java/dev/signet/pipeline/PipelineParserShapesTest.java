package dev.signet.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonBool;
import dev.signet.json.JsonNull;
import dev.signet.json.JsonNumber;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The accepted and refused shapes of command-step fields (spec §2.4 to §2.9). */
class PipelineParserShapesTest {

  private static Step step(String fields) throws InputException {
    String yaml = "steps:\n  - command: x\n" + fields.indent(4);
    return PipelineParser.parse(yaml, "s.yml", InputLimits.DEFAULT).steps().getFirst();
  }

  private static CommandStep command(String fields) throws InputException {
    Step s = step(fields);
    assertThat(s).as("%s", s).isInstanceOf(CommandStep.class);
    return (CommandStep) s;
  }

  private static UnknownStep unknown(String fields) throws InputException {
    Step s = step(fields);
    assertThat(s).as("%s", s).isInstanceOf(UnknownStep.class);
    return (UnknownStep) s;
  }

  @Test
  void pluginShapes() throws InputException {
    assertThat(command("plugins: ~").plugins()).isEmpty();
    assertThat(command("plugins: []").plugins()).isEmpty();
    assertThat(command("plugins:\n  - a#v1\n  - b#v2: {x: 1}\n    c#v3: ~\n").plugins())
        .containsExactly(
            new Plugin("a#v1", null),
            new Plugin("b#v2", JsonObject.builder().put("x", JsonNumber.of(1)).build()),
            new Plugin("c#v3", null));
    assertThat(command("plugins:\n  z#1: {}\n  a#2: [q]\n").plugins())
        .containsExactly(
            new Plugin("z#1", JsonObject.EMPTY),
            new Plugin("a#2", JsonArray.of(new JsonString("q"))));
    // Timestamps in plugin config are signed as their RFC 3339 string.
    assertThat(command("plugins:\n  - p#1: {when: 2002-08-15}\n").plugins().getFirst().config())
        .isEqualTo(JsonObject.builder().put("when", "2002-08-15T00:00:00Z").build());
    assertThat(unknown("plugins: docker#v1").reason()).contains("plugins");
    assertThat(unknown("plugins: [42]").reason()).contains("int");
    assertThat(unknown("plugins: [[a]]").reason()).contains("list");
    assertThat(unknown("plugins:\n  - p#1: {x: .nan}\n").reason()).contains("NaN");
  }

  @Test
  void envShapes() throws InputException {
    assertThat(command("env: ~").env()).isEmpty();
    assertThat(command("env: {}").env()).isEmpty();
    assertThat(command("env: {A: 1, B: ~, C: 1e6}").env())
        .containsExactly(Map.entry("A", "1"), Map.entry("B", ""), Map.entry("C", "1e+06"));
    assertThat(unknown("env: [A=1]").reason()).contains("env");
    assertThat(unknown("env: {A: [1]}").reason()).contains("\"A\"");
  }

  @Test
  void matrixShapes() throws InputException {
    assertThat(command("matrix: ~").matrix()).isNull();
    assertThat(command("matrix: [a, 1, true, 1.50]").matrix())
        .isEqualTo(Matrix.anonymous(List.of("a", "1", "true", "1.5")));
    Matrix m =
        command(
                """
                matrix:
                  setup: {os: [linux], arch: ~, none: []}
                  adjustments:
                    - with: {os: 3, arch: true}
                      skip: ~
                      soft_fail: true
                  future: {x: 1}
                """)
            .matrix();
    SequencedMap<String, List<String>> setup = new LinkedHashMap<>();
    setup.put("os", List.of("linux"));
    setup.put("arch", null);
    setup.put("none", List.of());
    SequencedMap<String, String> with = new LinkedHashMap<>();
    with.put("os", "3");
    with.put("arch", "true");
    assertThat(m)
        .isEqualTo(
            new Matrix(
                setup,
                List.of(
                    new Matrix.Adjustment(
                        with,
                        JsonNull.NULL,
                        JsonObject.builder().put("soft_fail", JsonBool.TRUE).build())),
                JsonObject.builder()
                    .put("future", JsonObject.builder().put("x", JsonNumber.of(1)).build())
                    .build()));
    assertThat(command("matrix: {adjustments: [{with: a}]}").matrix().setup()).isNull();
    assertThat(command("matrix: {}").matrix().isEmpty()).isTrue();
    assertThat(unknown("matrix: {setup: [a], adjustments: [{with: 1.5}]}").reason())
        .contains("float64");
    assertThat(unknown("matrix: {setup: {os: [a]}, adjustments: [{with: {os: 1.0}}]}").reason())
        .contains("float64");
    assertThat(unknown("matrix: [a, [b]]").reason()).contains("list");
    assertThat(unknown("matrix: [a, ~]").reason()).contains("null");
    assertThat(unknown("matrix: {setup: {os: a}}").reason()).contains("dimension");
    assertThat(unknown("matrix: {adjustments: {with: a}}").reason()).contains("adjustments");
    assertThat(unknown("matrix: {adjustments: [{skip: true}]}").reason()).contains("with");
    assertThat(unknown("matrix: x").reason()).contains("matrix");
  }

  @Test
  void checkoutShapes() throws InputException {
    assertThat(command("checkout: ~").checkout()).isNull();
    assertThat(command("checkout: {}").checkout())
        .isEqualTo(new Checkout(null, null, null, null, JsonObject.EMPTY));
    assertThat(
            command("checkout: {skip: ~, submodules: true, ssh_secret: '', depth: 3, ref: m}")
                .checkout())
        .isEqualTo(new Checkout(null, true, "", 3L, JsonObject.builder().put("ref", "m").build()));
    assertThat(unknown("checkout: {skip: yes}").reason()).contains("checkout.skip");
    assertThat(unknown("checkout: {depth: '3'}").reason()).contains("depth");
    assertThat(unknown("checkout: [a]").reason()).contains("mapping");
  }

  @Test
  void secretShapes() throws InputException {
    assertThat(command("secrets: []").secrets()).isEmpty();
    assertThat(command("secrets: [{key: k, environment_variable: E, other: x}]").secrets())
        .containsExactly(new Secret("k", "E"));
    assertThat(unknown("secrets: [{environment_variable: E}]").reason()).contains("key");
    assertThat(unknown("secrets: ['']").reason()).contains("empty");
    assertThat(unknown("secrets: {A: ~}").reason()).contains("null");
  }

  @Test
  void signatureCacheAndLabels() throws InputException {
    CommandStep s =
        command(
            """
            signature: {algorithm: EdDSA, signed_fields: [command, env], value: "a..b"}
            cache: {paths: [x]}
            label: ~
            key: 42
            """);
    assertThat(s.signature())
        .isEqualTo(new StepSignature("EdDSA", List.of("command", "env"), "a..b"));
    assertThat(s.cache())
        .isEqualTo(JsonObject.builder().put("paths", JsonArray.of(new JsonString("x"))).build());
    assertThat(s.label()).isNull();
    assertThat(s.key()).isEqualTo("42");
    assertThat(command("signature: ~").signature()).isNull();
    assertThat(unknown("signature: [a]").reason()).contains("signature");
    assertThat(unknown("label: {a: b}").reason()).contains("label");
  }

  @Test
  void jsonStepsKeepTheirPathsInErrors() {
    JsonObject bad =
        JsonObject.builder()
            .put("command", "x")
            .put("env", JsonObject.builder().put("A", JsonArray.EMPTY).build())
            .build();
    Step s = PipelineParser.parseStep(bad, "job", "job.step");
    assertThat(s).isInstanceOf(UnknownStep.class);
    assertThat(((UnknownStep) s).where()).isEqualTo("job.step");
    assertThat(((UnknownStep) s).raw()).isEqualTo(bad);
    try {
      PipelineParser.parseCommandStep(new JsonString("wait"), "job", "job.step");
      throw new AssertionError("a wait step was accepted as a command step");
    } catch (InputException e) {
      assertThat(e.getMessage()).isEqualTo("job: job.step: not a command step");
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void mutatedPipelinesOnlyEverFailWithInputException(long seed) throws InputException {
    String base =
        """
        env: &e {A: "1", B: 2}
        steps:
          - label: ":hammer:"
            commands: [make, "make test"]
            env: {<<: *e, C: x}
            plugins:
              - docker#v1: {image: "golang:1.22", list: [1, 2.5, true, ~]}
            matrix: {setup: {os: [a, b]}, adjustments: [{with: {os: c}, skip: true}]}
            secrets: {DB: db}
            checkout: {depth: 1}
          - wait
          - group: g
            steps:
              - command: |
                  x
                  y
        """;
    assertThat(PipelineParser.parseAll(base, "base.yml", InputLimits.DEFAULT)).hasSize(1);
    RandomGenerator r = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    String alphabet = "\n -:{}[],&*!|>'\"#%@`~<?\t0123456789abcxyz.\\";
    int accepted = 0;
    for (int i = 0; i < 500; i++) {
      StringBuilder y = new StringBuilder(base);
      for (int k = r.nextInt(1, 5); k > 0; k--) {
        int at = r.nextInt(y.length());
        switch (r.nextInt(3)) {
          case 0 -> y.deleteCharAt(at);
          case 1 -> y.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
          default -> y.setCharAt(at, alphabet.charAt(r.nextInt(alphabet.length())));
        }
      }
      try {
        List<Pipeline> ps = PipelineParser.parseAll(y.toString(), "m.yml", InputLimits.DEFAULT);
        accepted++;
        // Whatever was accepted can be written and read back.
        for (Pipeline p : ps) {
          PipelineParser.parse(PipelineWriter.toYaml(p), "w.yml", InputLimits.DEFAULT);
        }
      } catch (InputException e) {
        assertThat(e.getMessage()).doesNotContain("\n");
        assertThat(e.getCause()).isNull();
      }
    }
    assertThat(accepted).isBetween(1, 499);
  }
}
