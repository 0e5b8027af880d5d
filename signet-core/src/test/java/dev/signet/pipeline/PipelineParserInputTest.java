package dev.signet.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hostile and malformed input: every problem is an InputException with a location. */
class PipelineParserInputTest {

  private static Pipeline parse(String yaml) throws InputException {
    return PipelineParser.parse(yaml, "bad.yml", InputLimits.DEFAULT);
  }

  private static InputException refused(String yaml) {
    return refused(yaml, InputLimits.DEFAULT);
  }

  private static InputException refused(String yaml, InputLimits limits) {
    try {
      PipelineParser.parseAll(yaml, "bad.yml", limits);
    } catch (InputException e) {
      assertThat(e.source()).isEqualTo("bad.yml");
      assertThat(e.getMessage()).doesNotContain("\n").startsWith("bad.yml: ");
      return e;
    }
    throw new AssertionError("accepted: " + yaml.substring(0, Math.min(80, yaml.length())));
  }

  @Test
  void malformedYamlNamesLineAndColumn() {
    InputException e = refused("steps:\n  - command: echo\n    env: [a\n");
    assertThat(e.where()).matches("line \\d+, column \\d+");
    InputException e2 = refused("steps:\n  - command: \"unterminated\n");
    assertThat(e2.where()).startsWith("line ");
    InputException e3 = refused("steps:\n  - command: a\n   bad: indent\n");
    assertThat(e3.where()).isEqualTo("line 3, column 4");
  }

  @Test
  void escapedLoneSurrogatesAreRefusedAsInYamlV3() throws InputException {
    // Found by PipelineParserFuzzTest (crash-fc732bbf…): "\udc00" read to a string holding
    // U+DC00, which the writer can only spell U+FFFD; two such keys even became duplicates.
    InputException e = refused("steps:\n  - command: \"how\\udc00you\"\n");
    assertThat(e.where()).isEqualTo("line 2, column 14");
    assertThat(e.problem()).contains("lone UTF-16 surrogate");
    assertThat(refused("env: {\"\\ud800\": x, \"\\udc00\": y}\n").problem()).contains("surrogate");
    // A pair written as two escapes is one character, the same as the raw text.
    assertThat(
            ((CommandStep) parse("steps: [{command: \"\\ud83d\\ude00\"}]").steps().getFirst())
                .command())
        .isEqualTo("\uD83D\uDE00");
  }

  @Test
  void duplicateKeysAreRefused() {
    InputException e = refused("steps:\n  - command: a\n    command: b\n");
    assertThat(e.where()).isEqualTo("line 3, column 5");
    assertThat(e.problem()).contains("duplicate").contains("\"command\"");
    // Keys that are equal after canonicalisation collide too.
    assertThat(refused("env:\n  1: a\n  \"1\": b\n").problem()).contains("duplicate");
  }

  @Test
  void billionLaughsIsRefusedQuickly() {
    StringBuilder y = new StringBuilder("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i <= 9; i++) {
      y.append("a").append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 9; j++) {
        y.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
      }
      y.append("]\n");
    }
    y.append("steps: [wait]\n");
    long start = System.nanoTime();
    InputException e = refused(y.toString(), new InputLimits(8 << 20, 100, 64, 10_000, 64));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(e.problem()).contains("alias");
    // With fewer aliases than the alias limit, the expansion budget still stops it.
    InputException e2 = refused(y.toString(), new InputLimits(8 << 20, 1000, 64, 10_000, 64));
    assertThat(e2.problem()).contains("expand");
  }

  @Test
  void recursiveAliasesAreRefused() {
    assertThat(refused("steps: &a [*a]\n").problem()).contains("alias");
    assertThat(refused("steps:\n  - &s\n    command: x\n    self: *s\n").problem())
        .contains("alias");
  }

  @ParameterizedTest
  @ValueSource(strings = {"[", "{a: ", "- "})
  void deepNestingIsRefusedWithoutStackOverflow(String opener) {
    String deep = opener.repeat(10_000) + "x";
    InputException e = refused(deep);
    assertThat(e.problem()).contains("nested deeper than 64");
    assertThat(e.where()).startsWith("line 1, column ");
  }

  @Test
  void deepNestingThroughAliasesIsRefused() {
    String yaml =
        "a: &a [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[x]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n"
            + "b: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[*a]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n";
    assertThat(refused(yaml).problem()).contains("nested deeper");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "steps: !!java.io.File [x]",
        "steps:\n  - command: !foo x",
        "steps:\n  - command: !!binary aGVsbG8=",
        "steps: !!set {a, b}",
        "a: &a {b: c}\nsteps:\n  - !!merge <<: *a\n    command: x",
        "steps:\n  - command: ! x",
        "%TAG !e! tag:example.com,2000:\n---\nsteps: !e!x [wait]",
        "steps: !<tag:example.com,2000:x> [wait]",
      })
  void unknownTagsAreRefused(String yaml) {
    assertThat(refused(yaml).problem()).contains("tag").contains("not supported");
  }

  @Test
  void explicitCoreTagsMustMatchTheValue() throws InputException {
    assertThat(refused("steps:\n  - command: x\n    v: !!int abc\n").problem()).contains("!!int");
    CommandStep s =
        (CommandStep)
            parse("steps:\n  - command: !!str 3\n    v: !!bool 'true'\n").steps().getFirst();
    assertThat(s.command()).isEqualTo("3");
    assertThat(s.remaining().get("v")).isEqualTo(dev.signet.json.JsonBool.TRUE);
  }

  @Test
  void nullKeysAreRefused() {
    assertThat(refused("env:\n  ~: a\n").problem()).contains("null");
  }

  @Test
  void secretsNullIsAnErrorAtPipelineLevelAndUnknownInAStep() throws InputException {
    assertThat(refused("secrets: null\nsteps: []\n").problem()).contains("secrets cannot be null");
    Step s = parse("steps:\n  - command: x\n    secrets:\n").steps().getFirst();
    assertThat(s).isInstanceOf(UnknownStep.class);
    assertThat(((UnknownStep) s).where()).isEqualTo("line 2, column 5");
  }

  @Test
  void pipelineEnvMustBeStrings() {
    InputException e = refused("env:\n  A: ok\n  B: {c: d}\nsteps: []\n");
    assertThat(e.problem()).contains("\"B\"").contains("map");
    assertThat(e.where()).isEqualTo("line 3, column 6");
    assertThat(refused("env:\n  A: [1]\n").problem()).contains("list");
    assertThat(refused("env: [A=1]\n").problem()).contains("mapping");
    assertThat(refused("env:\n  A: 2002-08-15\n").problem()).contains("timestamp");
  }

  @Test
  void pipelineEnvKeepsOrderAndConvertsScalars() throws InputException {
    Pipeline p = parse("env:\n  Z: 1\n  A: true\n  M: 1.50\n  N: ~\nsteps: []\n");
    assertThat(p.env())
        .containsExactly(
            Map.entry("Z", "1"), Map.entry("A", "true"), Map.entry("M", "1.5"), Map.entry("N", ""));
  }

  @Test
  void oversizedInputIsRefusedBySize() {
    String big = "steps:\n" + "  - command: " + "x".repeat(50 << 20) + "\n";
    long start = System.nanoTime();
    InputException e = refused(big);
    assertThat(e.problem()).contains("larger than the input limit of 8192 KiB");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    // Non-ASCII is counted in UTF-8 bytes, as InputFiles counts them.
    InputLimits small = new InputLimits(1000, 10, 64, 100, 4);
    assertThat(refused("steps: [" + "\"é\", ".repeat(200) + "]", small).problem())
        .contains("larger than the input limit");
  }

  @Test
  void documentsAreBounded() throws InputException {
    String three = "steps: [wait]\n---\nsteps: [block]\n---\nsteps: []\n";
    assertThat(PipelineParser.parseAll(three, "m.yml", InputLimits.DEFAULT)).hasSize(3);
    InputLimits two = new InputLimits(1 << 20, 10, 64, 100, 2);
    assertThat(refused(three, two).problem()).contains("more than 2 YAML documents");
  }

  @Test
  void stepsAreBoundedIncludingGroups() {
    InputLimits five = new InputLimits(1 << 20, 10, 64, 5, 4);
    String yaml = "steps:\n  - wait\n  - group: g\n    steps: [wait, wait, wait]\n  - command: x\n";
    InputException e = refused(yaml, five);
    assertThat(e.problem()).contains("more than 5 steps");
    assertThat(e.where()).isEqualTo("line 5, column 5");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "# only a comment\n", "~\n", "---\n...\n"})
  void emptyDocumentsAreRefused(String yaml) {
    assertThat(refused(yaml).problem()).containsAnyOf("empty", "no YAML document");
  }

  @ParameterizedTest
  @ValueSource(strings = {"hello\n", "42\n", "steps: hello\n", "checkout: [a]\nsteps: []\n"})
  void wrongShapesAreRefused(String yaml) {
    assertThat(refused(yaml).problem()).isNotBlank();
  }

  @Test
  void nothingButInputExceptionEscapesOnGarbage() {
    String[] garbage = {
      "\u0000\u0001", "{{{{", "- - - -\n  - :", "? [a]\n: b", "*undefined", "&a &b x",
      "key: @value", "\t- tab", "[a, b]: c", "a: b: c", "--- |\n  x\n ---", "\"\\q\""
    };
    for (String g : garbage) {
      try {
        PipelineParser.parseAll(g, "g.yml", InputLimits.DEFAULT);
      } catch (InputException e) {
        assertThat(e.getMessage()).doesNotContain("\n");
      }
    }
  }

  @Test
  void multiDocumentInputAndParseReadsOnlyTheFirst() throws InputException {
    String yaml = "steps: [wait]\n---\nsteps: [: broken\n";
    assertThat(parse(yaml).steps()).containsExactly(new WaitStep(new JsonString("wait")));
    assertThat(refused(yaml).where()).startsWith("line 3");
  }

  @Test
  void mergeKeysWithOverrideAndLists() throws InputException {
    String yaml =
        """
        defaults: &defaults
          agents: {queue: linux}
          env: {A: "1", B: "2"}
          timeout_in_minutes: 5
        extra: &extra
          timeout_in_minutes: 99
          retry: {automatic: true}
        steps:
          - <<: *defaults
            command: make
            timeout_in_minutes: 10
          - <<: [*extra, *defaults]
            command: test
          - env:
              <<: {A: x, C: y}
              A: z
            command: env
        """;
    Pipeline p = parse(yaml);
    CommandStep first = (CommandStep) p.steps().get(0);
    assertThat(first.env()).containsExactly(Map.entry("A", "1"), Map.entry("B", "2"));
    assertThat(first.remaining().members().keySet())
        .containsExactly("agents", "timeout_in_minutes");
    assertThat(first.remaining().get("timeout_in_minutes"))
        .isEqualTo(dev.signet.json.JsonNumber.of(10));
    CommandStep second = (CommandStep) p.steps().get(1);
    // Earlier mappings in a merge list win over later ones.
    assertThat(second.remaining().get("timeout_in_minutes"))
        .isEqualTo(dev.signet.json.JsonNumber.of(99));
    assertThat(second.remaining().members().keySet())
        .containsExactly("timeout_in_minutes", "retry", "agents");
    CommandStep third = (CommandStep) p.steps().get(2);
    assertThat(third.env()).containsExactly(Map.entry("A", "z"), Map.entry("C", "y"));
    // The anchors' own keys stay as unmodelled top-level keys.
    assertThat(p.remaining().members().keySet()).containsExactly("defaults", "extra");
  }

  @Test
  void quotedMergeKeyIsAnOrdinaryKey() throws InputException {
    CommandStep s =
        (CommandStep) parse("steps:\n  - command: x\n    \"<<\": y\n").steps().getFirst();
    assertThat(s.remaining().get("<<")).isEqualTo(new JsonString("y"));
    assertThat(refused("steps:\n  - <<: scalar\n    command: x\n").problem()).contains("merge");
  }

  @Test
  void aliasesExpandToCopies() throws InputException {
    Pipeline p =
        parse("steps:\n  - &s {command: x, env: &e {A: b}}\n  - *s\n  - {command: y, env: *e}\n");
    assertThat(p.steps().get(1)).isEqualTo(p.steps().get(0));
    assertThat(((CommandStep) p.steps().get(2)).env()).containsEntry("A", "b");
  }

  @Test
  void jsonPipelinesParse() throws InputException {
    String json =
        """
        {"env": {"A": "1", "B": 2},
         "steps": [
           {"command": "echo \\"hi\\"\\tthere", "plugins": [{"docker#v1": {"image": "x", "n": 1.0}}]},
           "wait",
           {"group": "g", "steps": [{"commands": ["a", "b"], "label": "\\u00e9"}]}
         ]}
        """;
    Pipeline p = PipelineParser.parseAll(json, "p.json", InputLimits.DEFAULT).getFirst();
    assertThat(p.env()).containsExactly(Map.entry("A", "1"), Map.entry("B", "2"));
    CommandStep c = (CommandStep) p.steps().get(0);
    assertThat(c.command()).isEqualTo("echo \"hi\"\tthere");
    assertThat(c.plugins().getFirst().config())
        .isEqualTo(
            JsonObject.builder()
                .put("image", "x")
                .put("n", new dev.signet.json.JsonFloat(1.0))
                .build());
    GroupStep g = (GroupStep) p.steps().get(2);
    assertThat(g.steps()).containsExactly(CommandStep.of("a\nb").withLabel("é"));
  }

  @Test
  void tabIndentedJsonParses() throws InputException {
    String json = "{\n\t\"steps\": [\n\t\t{\n\t\t\t\"command\": \"x\"\n\t\t}\n\t]\n}\n";
    assertThat(PipelineParser.parse(json, "t.json", InputLimits.DEFAULT).steps())
        .containsExactly(CommandStep.of("x"));
  }

  @Test
  void stepTypeDetection() throws InputException {
    String yaml =
        """
        steps:
          - wait
          - waiter
          - block
          - input
          - manual
          - {type: script, label: s}
          - {type: waiter, continue_on_failure: true}
          - {type: manual, prompt: p}
          - {type: trigger, trigger: t}
          - {type: group, steps: ~}
          - {plugins: [docker#v1]}
          - {wait: ~, block: x}
          - {block: b, trigger: t}
          - {trigger: t, group: g}
          - {group: ~, key: k, steps: [wait]}
          - {name: n, steps: [wait]}
          - 42
          - [wait]
          - {type: 3}
        """;
    List<Step> s = parse(yaml).steps();
    assertThat(s.get(0)).isEqualTo(new WaitStep(new JsonString("wait")));
    assertThat(s.get(1)).isEqualTo(new WaitStep(new JsonString("waiter")));
    assertThat(s.subList(2, 5)).allMatch(x -> x instanceof InputStep);
    assertThat(s.get(5)).isInstanceOf(CommandStep.class);
    assertThat(((CommandStep) s.get(5)).command()).isEmpty();
    assertThat(((CommandStep) s.get(5)).remaining().get("type"))
        .isEqualTo(new JsonString("script"));
    assertThat(s.get(6)).isInstanceOf(WaitStep.class);
    assertThat(s.get(7)).isInstanceOf(InputStep.class);
    assertThat(s.get(8)).isInstanceOf(TriggerStep.class);
    assertThat(s.get(9))
        .isEqualTo(
            new GroupStep(
                null, null, List.of(), JsonObject.builder().put("type", "group").build()));
    assertThat(s.get(10))
        .isEqualTo(CommandStep.of("").withPlugins(List.of(new Plugin("docker#v1", null))));
    assertThat(s.get(11)).isInstanceOf(WaitStep.class);
    assertThat(s.get(12)).isInstanceOf(InputStep.class);
    assertThat(s.get(13)).isInstanceOf(TriggerStep.class);
    assertThat(s.get(14))
        .isEqualTo(
            new GroupStep(
                null, "k", List.of(new WaitStep(new JsonString("wait"))), JsonObject.EMPTY));
    assertThat(s.subList(15, 19)).allMatch(x -> x instanceof UnknownStep);
    assertThat(((UnknownStep) s.get(15)).reason()).contains("infer");
    assertThat(((UnknownStep) s.get(17)).raw()).isEqualTo(JsonArray.of(new JsonString("wait")));
  }

  @Test
  void commandAndCommandsShapes() throws InputException {
    List<Step> s =
        parse(
                """
                steps:
                  - {command: a, commands: [b, c]}
                  - {command: [a], commands: b}
                  - {command: ~}
                  - {command: [1, true, 1.50, ~]}
                  - {command: {a: b}}
                  - {commands: "x\\n"}
                """)
            .steps();
    assertThat(((CommandStep) s.get(0)).command()).isEqualTo("b\nc");
    assertThat(s.get(1)).isInstanceOf(UnknownStep.class);
    assertThat(((CommandStep) s.get(2)).command()).isEmpty();
    assertThat(((CommandStep) s.get(3)).command()).isEqualTo("1\ntrue\n1.5\n");
    assertThat(s.get(4)).isInstanceOf(UnknownStep.class);
    assertThat(((CommandStep) s.get(5)).command()).isEqualTo("x\n");
  }

  @Test
  void groupAliasesAndRemaining() throws InputException {
    List<Step> s =
        parse(
                """
                steps:
                  - {group: g, label: l, id: i, depends_on: x, steps: [{command: a, name: n, identifier: k}]}
                  - {type: group, name: n2}
                """)
            .steps();
    GroupStep g = (GroupStep) s.get(0);
    assertThat(g.group()).isEqualTo("g");
    assertThat(g.key()).isEqualTo("i");
    assertThat(g.remaining().members().keySet()).containsExactly("label", "depends_on");
    CommandStep c = (CommandStep) g.steps().getFirst();
    assertThat(c.label()).isEqualTo("n");
    assertThat(c.key()).isEqualTo("k");
    assertThat(c.remaining()).isEqualTo(JsonObject.EMPTY);
    assertThat(((GroupStep) s.get(1)).group()).isEqualTo("n2");
  }
}
