package dev.signet.server.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.input.InputException;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyParserTest {

  private static PolicySet parse(String yaml) throws InputException {
    return PolicySet.parse(yaml, "p.yaml", TestVocabularies.ALL);
  }

  private static String project(String rule) {
    return """
    projects:
      app:
        keys: [k1, k2]
        operations: [digest, pipeline]
        rules:
    """
        + rule.indent(6);
  }

  @Test
  void theDocumentedExampleLoads() {
    PolicySet set = Fixtures.example();
    ProjectPolicy p = set.project("payments").orElseThrow();
    assertThat(p.rules())
        .extracting(Rule::name)
        .containsExactly("release", "hotfix", "pipelines", "nightly");
    assertThat(p.rateLimit())
        .isEqualTo(new Conditions.RateLimit(600, java.time.temporal.ChronoUnit.MINUTES));
    Rule hotfix = p.rule("hotfix").orElseThrow();
    assertThat(hotfix.approval())
        .isEqualTo(new Conditions.Approval("release-managers", 2, Duration.ofHours(24)));
    assertThat(hotfix.grant()).isEqualTo(new Conditions.Grant(Duration.ofHours(1), 5));
    Rule pipelines = p.rule("pipelines").orElseThrow();
    assertThat(pipelines.mtls().issuerDn()).isEqualTo("CN=Acme Build CA,O=Acme");
    assertThat(pipelines.oidc().tenantPins()).containsExactly("organization_id");
    assertThat(p.rule("nightly").orElseThrow().keys())
        .containsExactly("payments-pipeline", "payments-release");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          unknown rule key      | - name: r\\n  token: true\\n  tokn: true                                         | p.yaml: line 8, column 9: unknown key "tokn" (expected one of [approval, grant, keys, mtls, name, oidc, operations, pipeline, token])
          buildkite tenant      | - name: r\\n  oidc: {issuer: buildkite, claims: {pipeline_slug: app}}             | p.yaml: line 7, column 15: rule "r": issuer buildkite is shared by many tenants: pin one of [organization_id, organization_slug]
          github tenant         | - name: r\\n  oidc: {issuer: github, claims: {repository: acme/app}}             | p.yaml: line 7, column 15: rule "r": issuer github is shared by many tenants: pin one of [enterprise_id, repository_owner_id]
          gitlab tenant         | - name: r\\n  oidc: {issuer: gitlab, claims: {project_path: acme/app}}           | p.yaml: line 7, column 15: rule "r": issuer gitlab is shared by many tenants: pin one of [namespace_id]
          tenant glob           | - name: r\\n  oidc: {issuer: buildkite, claims: {organization_id: "01*"}}        | p.yaml: line 7, column 61: rule "r": tenant claim organization_id must be pinned to exact values, not patterns
          unknown claim         | - name: r\\n  oidc: {issuer: buildkite, claims: {organization_id: o, branch: main}} | p.yaml: line 7, column 64: rule "r": issuer buildkite has no claim "branch"
          sub refused           | - name: r\\n  oidc: {issuer: private, claims: {sub: x}}                          | p.yaml: line 7, column 42: rule "r": claim sub is checked by the token verifier, not by policy (match the discrete claims instead)
          unknown issuer        | - name: r\\n  oidc: {issuer: jenkins}                                            | p.yaml: line 7, column 24: rule "r": issuer "jenkins" is not configured
          no credential         | - name: r\\n  operations: digest                                                 | p.yaml: line 6, column 9: rule "r": needs at least one credential: oidc, mtls or token
          grant alone           | - name: r\\n  token: true\\n  grant: {ttl: 1h, maxSignatures: 3}                   | p.yaml: line 8, column 9: rule "r": a grant is given on approval: add approval to the rule
          mtls without CA       | - name: r\\n  mtls: {subject: {CN: x}}                                           | p.yaml: line 7, column 15: rule "r": mtls needs issuer or caSha256: which CA is trusted for this rule
          bad subject attr      | - name: r\\n  mtls: {issuer: "CN=CA", subject: {SERIALNUMBER: x}}                | p.yaml: line 7, column 43: rule "r": unknown subject attribute "SERIALNUMBER" (expected one of [C, CN, DC, L, O, OU, ST, UID, emailAddress])
          operation not in project | - name: r\\n  token: true\\n  operations: image                             | p.yaml: line 8, column 21: rule "r": operation image is not one of the project's
          key not in project    | - name: r\\n  token: true\\n  keys: [k3]                                         | p.yaml: line 8, column 15: rule "r": key "k3" is not one of the project's
          pipeline without op   | - name: r\\n  token: true\\n  operations: digest\\n  pipeline: {stepKey: x}       | p.yaml: line 9, column 9: rule "r": pipeline conditions need the pipeline operation
          quorum zero           | - name: r\\n  token: true\\n  approval: {role: rm, quorum: 0, expires: 1h}        | p.yaml: line 8, column 38: quorum: expected a whole number from 1 to 100
          expiry too long       | - name: r\\n  token: true\\n  approval: {role: rm, quorum: 1, expires: 31d}       | p.yaml: line 8, column 50: expires: at most 2592000s
          duplicate rule        | - name: r\\n  token: true\\n- name: r\\n  token: true                             | p.yaml: line 8, column 9: duplicate rule "r"
          token maybe           | - name: r\\n  token: yes                                                         | p.yaml: line 7, column 16: rule "r": token: expected true or false
          """)
  void refusalsNameTheFileLineAndColumn(String name, String rule, String message) {
    String yaml = project(rule.replace("\\n", "\n"));
    assertThatThrownBy(() -> parse(yaml))
        .as(name)
        .isInstanceOf(InputException.class)
        .hasMessage(message);
  }

  @Test
  void patternEscapesAreNarrow() throws InputException {
    assertThatThrownBy(
            () -> parse(project("- name: r\n  oidc: {issuer: private, claims: {ref: 'a\\q'}}\n")))
        .hasMessage(
            "p.yaml: line 7, column 47: in a pattern, \\ may only escape * or \\ (\"a\\\\q\")");
    PolicySet set = parse(project("- name: r\n  oidc: {issuer: private, claims: {ref: 'v\\*'}}\n"));
    Match m = set.project("app").orElseThrow().rules().getFirst().oidc().claims().get("ref");
    assertThat(m.holds("v*")).isTrue();
    assertThat(m.holds("v1")).isFalse();
  }

  @Test
  void privateIssuerNeedsNoTenantPin() throws InputException {
    PolicySet set = parse(project("- name: r\n  oidc: {issuer: private, claims: {ref: main}}\n"));
    assertThat(set.project("app").orElseThrow().rules().getFirst().oidc().tenantPins()).isEmpty();
  }

  @Test
  void yamlLevelRefusals() {
    assertThatThrownBy(() -> parse("projects:\n  app: {keys: a, keys: b}\n"))
        .hasMessageContaining("duplicate key \"keys\"");
    assertThatThrownBy(() -> parse("projects: !!map {}\n"))
        .hasMessageContaining("YAML tags are not allowed");
    assertThatThrownBy(() -> parse("projects: {}\nextra: 1\n"))
        .hasMessage("p.yaml: line 2, column 1: unknown key \"extra\" (expected projects)");
    assertThatThrownBy(() -> parse("projects: {}\n---\nprojects: {}\n"))
        .hasMessageContaining("one YAML document");
    assertThatThrownBy(() -> parse("")).hasMessage("p.yaml: empty policy document");
    assertThatThrownBy(() -> parse("projects: {a: \"x\\u0007\"}\n"))
        .hasMessageContaining("U+0007 is not allowed");
    String deep = "projects: " + "[".repeat(70) + "]".repeat(70) + "\n";
    assertThatThrownBy(() -> parse(deep)).hasMessageContaining("nested deeper than 64 levels");
    assertThatThrownBy(() -> parse("x: *nope\n"))
        .hasMessageContaining("unknown or recursive alias");
  }

  @Test
  void billionLaughsIsBounded() {
    StringBuilder y = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 10; i++) {
      y.append("a").append(i).append(": &a").append(i).append(" [");
      y.append(String.join(", ", java.util.Collections.nCopies(10, "*a" + (i - 1))));
      y.append("]\n");
    }
    assertThatThrownBy(() -> parse(y.toString())).hasMessageContaining("nodes");
    String many =
        "a: &a x\nb: [" + String.join(", ", java.util.Collections.nCopies(101, "*a")) + "]\n";
    assertThatThrownBy(() -> parse(many)).hasMessageContaining("more than 100 aliases");
  }

  @Test
  void sizeLimit() {
    String big = "projects: {}\n#" + "x".repeat(1 << 20) + "\n";
    assertThatThrownBy(() -> parse(big))
        .hasMessage("p.yaml: larger than the policy limit of 1024 KiB");
  }

  @Test
  void aliasesShareConditionsAcrossRules() throws InputException {
    PolicySet set =
        parse(
            project(
                """
                - name: a
                  oidc: &gh {issuer: github, claims: {repository_owner_id: "1", ref: main}}
                - name: b
                  oidc: *gh
                  operations: digest
                """));
    ProjectPolicy p = set.project("app").orElseThrow();
    assertThat(p.rules().get(1).oidc()).isEqualTo(p.rules().get(0).oidc());
  }

  @Test
  void configSectionLeavesSiblingKeysToTheConfigLoader() throws InputException {
    String config =
        "server: {listen: 127.0.0.1:8443}\nprojects:\n  app: {keys: k, operations: digest, rules: [{name: r, token: \"true\"}]}\n";
    PolicySet set =
        PolicySet.parseConfig(
            config, "signet.yaml", Set.of("server", "database"), TestVocabularies.ALL);
    assertThat(set.projects()).containsOnlyKeys("app");
    assertThatThrownBy(() -> PolicySet.parse(config, "signet.yaml", TestVocabularies.ALL))
        .hasMessageContaining("unknown key \"server\"");
  }

  @Test
  void versionIgnoresFormattingAndOrderButNotMeaning() throws InputException {
    String a =
        "projects:\n  b: {keys: k, operations: digest, rules: [{name: r, token: true}]}\n  a: {keys: [k], operations: [digest], rules: [{name: r, token: true}]}\n";
    String b =
        "# comment\nprojects:\n  a:\n    keys: [k]\n    operations: digest\n    rules:\n      - {token: 'true', name: r, keys: k, operations: [digest]}\n  b: {operations: digest, keys: k, rules: [{name: r, token: true}]}\n";
    assertThat(parse(a).version()).isEqualTo(parse(b).version());
    String c = a.replace("operations: digest, rules", "operations: [digest, image], rules");
    assertThat(parse(c).version()).isNotEqualTo(parse(a).version());
    assertThat(parse(a).version().value()).matches("sha256:[0-9a-f]{64}");
  }

  @Test
  void canonicalFormParsesBackToTheSameSet() throws InputException {
    PolicySet set = Fixtures.example();
    PolicySet again = PolicySet.parse(set.canonicalJson(), "canonical.json", TestVocabularies.ALL);
    assertThat(again).isEqualTo(set);
    assertThat(again.version()).isEqualTo(set.version());
  }

  @Test
  void emptyProjectsMeansNothingMaySign() throws InputException {
    assertThat(parse("projects:\n").projects()).isEmpty();
    assertThat(parse("projects: {}\n").version()).isEqualTo(PolicySet.EMPTY.version());
  }
}
