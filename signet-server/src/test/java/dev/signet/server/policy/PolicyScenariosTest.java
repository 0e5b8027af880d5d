package dev.signet.server.policy;

import static dev.signet.server.policy.Fixtures.agentCertificate;
import static dev.signet.server.policy.Fixtures.buildkite;
import static dev.signet.server.policy.Fixtures.github;
import static dev.signet.server.policy.Fixtures.githubRelease;
import static dev.signet.server.policy.Fixtures.oidc;
import static dev.signet.server.policy.Fixtures.token;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.server.origin.Origin;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The policy scenarios of issue 4 §4 against the example policy of docs/policy.md. */
class PolicyScenariosTest {
  private static final String BK = "https://agent.buildkite.com";

  private static Map<String, String> with(
      Map<String, String> claims, UnaryOperator<Map<String, String>> change) {
    return change.apply(new java.util.HashMap<>(claims));
  }

  static Stream<Arguments> scenarios() {
    return Stream.of(
        Arguments.of(
            "GitHub release on a tag is allowed",
            "payments",
            Operation.DIGEST,
            "payments-release",
            Origin.of(github(githubRelease())),
            RequestAttributes.NONE,
            Reason.ALLOWED,
            "release",
            null),
        Arguments.of(
            "feature branch is denied, naming the condition",
            "payments",
            Operation.DIGEST,
            "payments-release",
            Origin.of(
                github(
                    with(
                        githubRelease(),
                        c -> {
                          c.put("ref", "refs/heads/feature");
                          return c;
                        }))),
            RequestAttributes.NONE,
            Reason.CLAIM_MISMATCH,
            null,
            "rule \"release\": claim ref \"refs/heads/feature\" does not match \"refs/tags/v*\""),
        Arguments.of(
            "a re-run is denied",
            "payments",
            Operation.DIGEST,
            "payments-release",
            Origin.of(
                github(
                    with(
                        githubRelease(),
                        c -> {
                          c.put("run_attempt", "2");
                          return c;
                        }))),
            RequestAttributes.NONE,
            Reason.CLAIM_MISMATCH,
            null,
            "rule \"release\": claim run_attempt \"2\" does not match \"1\""),
        Arguments.of(
            "a missing claim is named",
            "payments",
            Operation.DIGEST,
            "payments-release",
            Origin.of(
                github(
                    with(
                        githubRelease(),
                        c -> {
                          c.remove("event_name");
                          return c;
                        }))),
            RequestAttributes.NONE,
            Reason.CLAIM_MISMATCH,
            null,
            "rule \"release\": claim event_name is missing"),
        Arguments.of(
            "a hotfix branch needs approval",
            "payments",
            Operation.DIGEST,
            "payments-release",
            Origin.of(
                github(
                    with(
                        githubRelease(),
                        c -> {
                          c.put("ref", "refs/heads/hotfix/pay/42");
                          return c;
                        }))),
            RequestAttributes.NONE,
            Reason.APPROVAL_REQUIRED,
            "hotfix",
            null),
        Arguments.of(
            "GitHub token of another owner: no rule, like an unknown project",
            "payments",
            Operation.DIGEST,
            "payments-release",
            Origin.of(
                github(
                    with(
                        githubRelease(),
                        c -> {
                          c.put("repository_owner_id", "999");
                          return c;
                        }))),
            RequestAttributes.NONE,
            Reason.NO_RULE,
            null,
            "project \"payments\": no rule admits this caller"),
        Arguments.of(
            "unknown project looks the same",
            "payroll",
            Operation.DIGEST,
            "payments-release",
            Origin.of(github(githubRelease())),
            RequestAttributes.NONE,
            Reason.NO_RULE,
            null,
            "project \"payroll\": no rule admits this caller"),
        Arguments.of(
            "Buildkite token from another organisation is denied without detail",
            "payments",
            Operation.PIPELINE,
            "payments-pipeline",
            Origin.of(oidc("buildkite", BK, buildkite("0188-evil")), agentCertificate()),
            RequestAttributes.steps("build-x"),
            // the certificate is Acme's, so the rule is addressed; the token is not Acme's
            Reason.MISSING_CREDENTIAL,
            null,
            "rule \"pipelines\": requires an OIDC token from issuer buildkite"),
        Arguments.of(
            "Buildkite token from another organisation alone: no rule",
            "payments",
            Operation.PIPELINE,
            "payments-pipeline",
            Origin.of(oidc("buildkite", BK, buildkite("0188-evil"))),
            RequestAttributes.steps("build-x"),
            Reason.NO_RULE,
            null,
            "project \"payments\": no rule admits this caller"),
        Arguments.of(
            "Buildkite with token and client certificate is allowed",
            "payments",
            Operation.PIPELINE,
            "payments-pipeline",
            Origin.of(oidc("buildkite", BK, buildkite("0188-acme")), agentCertificate()),
            RequestAttributes.steps("build-x", "deploy-prod"),
            Reason.ALLOWED,
            "pipelines",
            null),
        Arguments.of(
            "missing client certificate when both are required",
            "payments",
            Operation.PIPELINE,
            "payments-pipeline",
            Origin.of(oidc("buildkite", BK, buildkite("0188-acme"))),
            RequestAttributes.steps("build-x"),
            Reason.MISSING_CREDENTIAL,
            null,
            "rule \"pipelines\": requires a client certificate (mtls)"),
        Arguments.of(
            "a step key outside the pattern",
            "payments",
            Operation.PIPELINE,
            "payments-pipeline",
            Origin.of(oidc("buildkite", BK, buildkite("0188-acme")), agentCertificate()),
            RequestAttributes.steps("build-x", "exfiltrate"),
            Reason.STEP_KEY_MISMATCH,
            null,
            "rule \"pipelines\": step key \"exfiltrate\" does not match any of [\"build-*\", \"deploy-*\"]"),
        Arguments.of(
            "wrong key for the rule",
            "payments",
            Operation.PIPELINE,
            "payments-release",
            Origin.of(oidc("buildkite", BK, buildkite("0188-acme")), agentCertificate()),
            RequestAttributes.steps("build-x"),
            Reason.KEY_NOT_ALLOWED,
            null,
            "rule \"pipelines\": key \"payments-release\" is not allowed"),
        Arguments.of(
            "project token scoped to the operation",
            "payments",
            Operation.ATTESTATION,
            "payments-release",
            Origin.of(token("payments", "attestation")),
            RequestAttributes.NONE,
            Reason.ALLOWED,
            "nightly",
            null),
        Arguments.of(
            "project token scoped to another operation",
            "payments",
            Operation.ATTESTATION,
            "payments-release",
            Origin.of(token("payments", "digest")),
            RequestAttributes.NONE,
            Reason.TOKEN_SCOPE,
            null,
            "rule \"nightly\": project token \"tok_1\" is not scoped to operation attestation"),
        Arguments.of(
            "project token of another project",
            "payments",
            Operation.ATTESTATION,
            "payments-release",
            Origin.of(token("payroll", "attestation")),
            RequestAttributes.NONE,
            Reason.NO_RULE,
            null,
            "project \"payments\": no rule admits this caller"),
        Arguments.of(
            "GitLab fork pipeline without a protected ref",
            "gitlab-app",
            Operation.DIGEST,
            "app",
            Origin.of(
                oidc(
                    "gitlab",
                    "https://gitlab.com",
                    Map.of(
                        "namespace_id",
                        "42",
                        "ref_protected",
                        "false",
                        "pipeline_source",
                        "merge_request_event"))),
            RequestAttributes.NONE,
            Reason.CLAIM_MISMATCH,
            null,
            "rule \"protected\": claim ref_protected \"false\" does not match \"true\"; "
                + "rule \"protected\": claim pipeline_source \"merge_request_event\" does not match any of [\"push\", \"web\"]"),
        Arguments.of(
            "no credentials at all",
            "payments",
            Operation.DIGEST,
            "payments-release",
            Origin.of(),
            RequestAttributes.NONE,
            Reason.NO_RULE,
            null,
            "project \"payments\": no rule admits this caller"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void scenario(
      String name,
      String project,
      Operation operation,
      String key,
      Origin origin,
      RequestAttributes attributes,
      Reason reason,
      @Nullable String rule,
      @Nullable String message) {
    PolicyEngine engine =
        new PolicyEngine(
            Fixtures.example(),
            "policy.yaml",
            PolicyHistory.inMemory(),
            InstantSource.fixed(Instant.EPOCH));
    Decision d = engine.decide(project, operation, key, origin, attributes);
    assertThat(d.reason()).as(name + ": " + d).isEqualTo(reason);
    assertThat(d.version()).isEqualTo(Fixtures.example().version());
    switch (d) {
      case Decision.Allow a -> assertThat(a.rule().rule()).isEqualTo(rule);
      case Decision.NeedsApproval n -> {
        assertThat(n.rule().rule()).isEqualTo(rule);
        assertThat(n.approval().quorum()).isEqualTo(2);
      }
      case Decision.Deny deny -> {
        // every rule addressed to the caller is listed, in policy order; the first is the reason
        assertThat(deny.message()).startsWith(message);
        assertThat(deny.message()).doesNotContain("payroll-secret");
      }
    }
  }

  @org.junit.jupiter.api.Test
  void denyNeverNamesAnotherProjectsConditions() {
    // gitlab-app's namespace pin must not appear in any answer about payments, and vice versa
    PolicyEngine engine =
        new PolicyEngine(
            Fixtures.example(),
            "policy.yaml",
            PolicyHistory.inMemory(),
            InstantSource.fixed(Instant.EPOCH));
    Decision d =
        engine.decide(
            "gitlab-app",
            Operation.DIGEST,
            "app",
            Origin.of(github(githubRelease()), token("payments", "digest")),
            RequestAttributes.NONE);
    assertThat(((Decision.Deny) d).message())
        .isEqualTo("project \"gitlab-app\": no rule admits this caller")
        .doesNotContain("123456")
        .doesNotContain("42");
  }

  /** What a session exchange asks: could any rule, for any of its operations, admit the caller. */
  @org.junit.jupiter.api.Test
  void admitsAsksWhetherAnyRuleCouldAllowTheCaller() {
    PolicyEngine engine =
        new PolicyEngine(
            Fixtures.example(),
            "policy.yaml",
            PolicyHistory.inMemory(),
            InstantSource.fixed(Instant.EPOCH));
    Map<String, String> feature = new java.util.HashMap<>(githubRelease());
    Map<String, String> hotfix = new java.util.HashMap<>(githubRelease());
    feature.put("ref", "refs/heads/feature");
    hotfix.put("ref", "refs/heads/hotfix/cve-1");

    Decision release = engine.admits("payments", Origin.of(github(githubRelease())));
    assertThat(release).isInstanceOf(Decision.Allow.class);
    assertThat(((Decision.Allow) release).rule().rule()).isEqualTo("release");

    Decision viaApproval = engine.admits("payments", Origin.of(github(hotfix)));
    assertThat(viaApproval).isInstanceOf(Decision.NeedsApproval.class);
    assertThat(((Decision.NeedsApproval) viaApproval).rule().rule()).isEqualTo("hotfix");

    // Neither rule addressed to GitHub admits a feature branch: both failures are named.
    Decision.Deny denied = (Decision.Deny) engine.admits("payments", Origin.of(github(feature)));
    assertThat(denied.reason()).isEqualTo(Reason.CLAIM_MISMATCH);
    assertThat(denied.message())
        .contains("rule \"release\": claim ref \"refs/heads/feature\"")
        .contains("rule \"hotfix\"");

    // A project token admitted only by the nightly rule (attestation) but scoped to digest.
    Decision.Deny scope =
        (Decision.Deny) engine.admits("payments", Origin.of(token("payments", "digest")));
    assertThat(scope.reason()).isEqualTo(Reason.TOKEN_SCOPE);
    assertThat(engine.admits("payments", Origin.of(token("payments", "attestation"))))
        .isInstanceOf(Decision.Allow.class);

    // No rule addressed to the caller at all, and a project without a policy.
    assertThat(
            ((Decision.Deny) engine.admits("gitlab-app", Origin.of(github(githubRelease()))))
                .reason())
        .isEqualTo(Reason.NO_RULE);
    assertThat(
            ((Decision.Deny) engine.admits("nowhere", Origin.of(github(githubRelease())))).reason())
        .isEqualTo(Reason.NO_RULE);
  }

  @org.junit.jupiter.api.Test
  void rateLimitCountsOnlyAdmittedRequests() {
    MutableClock clock = new MutableClock(Instant.EPOCH);
    PolicyEngine engine =
        new PolicyEngine(Fixtures.example(), "policy.yaml", PolicyHistory.inMemory(), clock);
    Origin stranger =
        Origin.of(
            github(
                with(
                    githubRelease(),
                    c -> {
                      c.put("repository_owner_id", "1");
                      return c;
                    })));
    for (int i = 0; i < 1000; i++) {
      assertThat(
              engine
                  .decide(
                      "payments",
                      Operation.DIGEST,
                      "payments-release",
                      stranger,
                      RequestAttributes.NONE)
                  .reason())
          .isEqualTo(Reason.NO_RULE);
    }
    Origin release = Origin.of(github(githubRelease()));
    for (int i = 0; i < 600; i++) {
      assertThat(
              engine
                  .decide(
                      "payments",
                      Operation.DIGEST,
                      "payments-release",
                      release,
                      RequestAttributes.NONE)
                  .reason())
          .isEqualTo(Reason.ALLOWED);
    }
    Decision limited =
        engine.decide(
            "payments", Operation.DIGEST, "payments-release", release, RequestAttributes.NONE);
    assertThat(limited.reason()).isEqualTo(Reason.RATE_LIMITED);
    assertThat(((Decision.Deny) limited).message())
        .isEqualTo("project \"payments\": rate limit of 600/min exceeded");
    clock.advance(java.time.Duration.ofMillis(100)); // 600/min refills one token per 100 ms
    assertThat(
            engine
                .decide(
                    "payments",
                    Operation.DIGEST,
                    "payments-release",
                    release,
                    RequestAttributes.NONE)
                .reason())
        .isEqualTo(Reason.ALLOWED);
    assertThat(
            engine
                .decide(
                    "payments",
                    Operation.DIGEST,
                    "payments-release",
                    release,
                    RequestAttributes.NONE)
                .reason())
        .isEqualTo(Reason.RATE_LIMITED);
    // the gitlab project has no limit
    assertThat(Reason.values())
        .extracting(Reason::code)
        .contains("rate_limited", "no_rule", "claim_mismatch");
  }
}
