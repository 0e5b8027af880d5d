package dev.signet.server.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.input.InputException;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/** Each policy limit at the limit (accepted) and one past it (refused, one line). */
class PolicyLimitsTest {

  private static dev.signet.yaml.YamlNode read(String text) throws InputException {
    return PolicyYaml.read(text, "p.yaml");
  }

  @Test
  void size() throws InputException {
    String head = "a: b\n#";
    String at = head + "x".repeat((1 << 20) - head.length());
    assertThat(read(at)).isNotNull();
    assertThatThrownBy(() -> read(at + "x"))
        .hasMessage("p.yaml: larger than the policy limit of 1024 KiB");
  }

  @Test
  void depth() throws InputException {
    assertThat(read("[".repeat(64) + "]".repeat(64))).isNotNull();
    assertThatThrownBy(() -> read("[".repeat(65) + "]".repeat(65)))
        .hasMessage("p.yaml: line 1, column 65: nested deeper than 64 levels");
  }

  @Test
  void aliases() throws InputException {
    String at = "a: &a [x]\nb: [" + String.join(", ", Collections.nCopies(100, "*a")) + "]\n";
    assertThat(read(at)).isNotNull();
    String past = "a: &a [x]\nb: [" + String.join(", ", Collections.nCopies(101, "*a")) + "]\n";
    assertThatThrownBy(() -> read(past)).hasMessageContaining("more than 100 aliases");
  }

  @Test
  void expandedNodes() throws InputException {
    // 100 aliases of a 999-node list: just under and just over 100,000 nodes
    String big = "[" + String.join(", ", Collections.nCopies(998, "x")) + "]";
    String at =
        "a: &a " + big + "\nb: [" + String.join(", ", Collections.nCopies(98, "*a")) + "]\n";
    assertThat(read(at).size()).isLessThanOrEqualTo(PolicyLimits.MAX_NODES);
    String past =
        "a: &a " + big + "\nb: [" + String.join(", ", Collections.nCopies(100, "*a")) + "]\n";
    assertThatThrownBy(() -> read(past)).hasMessageContaining("expands to more than 100000 nodes");
  }

  @Test
  void listItems() throws InputException {
    assertThat(read("[" + String.join(",", Collections.nCopies(10_000, "x")) + "]")).isNotNull();
    assertThatThrownBy(() -> read("[" + String.join(",", Collections.nCopies(10_001, "x")) + "]"))
        .hasMessageContaining("more than 10000 items in one list");
  }

  @Test
  void stringLength() throws InputException {
    assertThat(read("a: " + "x".repeat(4096))).isNotNull();
    assertThatThrownBy(() -> read("a: " + "x".repeat(4097)))
        .hasMessage("p.yaml: line 1, column 4: a string longer than 4096 characters");
  }

  @Test
  void patternLengthAndAlternatives() throws InputException {
    assertThat(Glob.compile("x".repeat(256), "p.yaml", "w").matches("x".repeat(256))).isTrue();
    assertThatThrownBy(() -> Glob.compile("x".repeat(257), "p.yaml", "w"))
        .hasMessage("p.yaml: w: pattern longer than 256 characters");
    String rule =
        "projects:\n  a: {keys: k, operations: digest, rules: [{name: r, oidc: {issuer: private, claims: {ref: [%s]}}}]}\n";
    assertThat(
            PolicySet.parse(
                    rule.formatted(String.join(",", Collections.nCopies(64, "x"))),
                    "p.yaml",
                    TestVocabularies.ALL)
                .projects())
        .hasSize(1);
    assertThatThrownBy(() ->
            PolicySet.parse(
                rule.formatted(String.join(",", Collections.nCopies(65, "x"))),
                "p.yaml",
                TestVocabularies.ALL))
        .hasMessageContaining("expected between 1 and 64 alternatives");
  }

  @Test
  void matchedValueLength() throws InputException {
    Glob any = Glob.compile("**", "p.yaml", "w");
    assertThat(any.matches("x".repeat(4096))).isTrue();
    assertThat(any.matches("x".repeat(4097))).isFalse();
  }

  @Test
  void rulesPerProject() throws InputException {
    StringBuilder y =
        new StringBuilder("projects:\n  a:\n    keys: k\n    operations: digest\n    rules:\n");
    for (int i = 0; i < 256; i++) {
      y.append("      - {name: r").append(i).append(", token: true}\n");
    }
    assertThat(
            PolicySet.parse(y.toString(), "p.yaml", TestVocabularies.ALL)
                .projects()
                .get("a")
                .rules())
        .hasSize(256);
    y.append("      - {name: r256, token: true}\n");
    assertThatThrownBy(() -> PolicySet.parse(y.toString(), "p.yaml", TestVocabularies.ALL))
        .hasMessageContaining("rules: between 1 and 256 rules");
  }
}
