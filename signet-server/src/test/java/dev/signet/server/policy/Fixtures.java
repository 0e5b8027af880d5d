package dev.signet.server.policy;

import dev.signet.input.InputException;
import dev.signet.server.origin.Credential;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Origins shaped like what the verifiers produce, and the example policy of docs/policy.md. */
public final class Fixtures {
  private Fixtures() {}

  public static final String CA_SHA256 =
      "3b9c7a1e5d2f4a6b8c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b";
  public static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  public static final String EXAMPLE =
      """
      # The example of docs/policy.md
      projects:
        payments:
          keys: [payments-release, payments-pipeline]
          operations: [pipeline, digest, image, attestation]
          rateLimit: 600/min
          rules:
            - name: release
              operations: [digest, image, attestation]
              keys: payments-release
              oidc:
                issuer: github
                claims:
                  repository_owner_id: "123456"
                  repository_id: "456789"
                  job_workflow_ref: "acme/release-tools/.github/workflows/sign.yml@refs/heads/main"
                  ref: "refs/tags/v*"
                  runner_environment: github-hosted
                  event_name: [push, release, workflow_dispatch]
                  run_attempt: "1"
            - name: hotfix
              operations: [digest]
              keys: payments-release
              oidc:
                issuer: github
                claims:
                  repository_owner_id: "123456"
                  repository_id: "456789"
                  ref: "refs/heads/hotfix/**"
              approval: { role: release-managers, quorum: 2, expires: 24h }
              grant: { ttl: 1h, maxSignatures: 5 }
            - name: pipelines
              operations: pipeline
              keys: payments-pipeline
              oidc:
                issuer: buildkite
                claims:
                  organization_id: "0188-acme"
                  pipeline_slug: [payments, payments-deploy]
                  build_branch: main
              mtls:
                issuer: "CN=Acme Build CA, O=Acme"
                caSha256: "3b9c7a1e5d2f4a6b8c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b"
                subject: { O: Acme, OU: [build, deploy], CN: "agent-*" }
                templateOid: 1.3.6.1.4.1.311.21.8.1
              pipeline:
                stepKey: ["build-*", "deploy-*"]
            - name: nightly
              operations: [attestation]
              token: true
        gitlab-app:
          keys: app
          operations: digest
          rules:
            - name: protected
              oidc:
                issuer: gitlab
                claims:
                  namespace_id: "42"
                  ref_protected: "true"
                  pipeline_source: [push, web]
      """;

  public static PolicySet example() {
    try {
      return PolicySet.parse(EXAMPLE, "policy.yaml", TestVocabularies.ALL);
    } catch (InputException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  public static Map<String, String> githubRelease() {
    Map<String, String> c = new HashMap<>();
    c.put("repository_owner_id", "123456");
    c.put("repository_id", "456789");
    c.put("repository", "acme/payments");
    c.put("job_workflow_ref", "acme/release-tools/.github/workflows/sign.yml@refs/heads/main");
    c.put("ref", "refs/tags/v1.4.0");
    c.put("runner_environment", "github-hosted");
    c.put("event_name", "push");
    c.put("run_attempt", "1");
    return c;
  }

  public static Credential.Oidc github(Map<String, String> claims) {
    return oidc("github", "https://token.actions.githubusercontent.com", claims);
  }

  public static Credential.Oidc oidc(String name, String iss, Map<String, String> claims) {
    String sub = "repo:acme/payments:ref:" + claims.getOrDefault("ref", "");
    return new Credential.Oidc(
        name, iss, sub, "https://sign.example.com", T0, T0.plusSeconds(300), "jti-1", claims);
  }

  public static Map<String, String> buildkite(String orgId) {
    Map<String, String> c = new HashMap<>();
    c.put("organization_id", orgId);
    c.put("organization_slug", "acme");
    c.put("pipeline_slug", "payments");
    c.put("build_branch", "main");
    c.put("step_key", "upload");
    return c;
  }

  public static Credential.Certificate agentCertificate() {
    return new Credential.Certificate(
        "CN=agent-17,OU=build,O=Acme",
        "cn=acme build ca,  o=ACME",
        Map.of("CN", List.of("agent-17"), "OU", List.of("build"), "O", List.of("Acme")),
        Set.of("1.3.6.1.4.1.311.21.8.1"),
        "aa".repeat(32),
        CA_SHA256);
  }

  public static Credential.ProjectToken token(String project, String... operations) {
    return new Credential.ProjectToken("tok_1", project, Set.of(operations), T0.plusSeconds(3600));
  }
}
