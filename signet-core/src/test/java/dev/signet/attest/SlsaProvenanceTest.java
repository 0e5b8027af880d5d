package dev.signet.attest;

import static dev.signet.attest.AttestationsTest.refused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.json.JsonObject;
import dev.signet.json.JsonWriter;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SLSA provenance from each CI's environment, and the refusals for incomplete environments. */
class SlsaProvenanceTest {
  private static final Instant NOW = Instant.parse("2026-03-04T05:06:07.890Z");
  private static final String SHA = "0123456789abcdef0123456789abcdef01234567";

  static Map<String, String> buildkiteEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("BUILDKITE", "true");
    env.put("BUILDKITE_AGENT_ID", "0190-agent");
    env.put("BUILDKITE_AGENT_NAME", "builder-1");
    env.put("BUILDKITE_AGENT_ACCESS_TOKEN", "secret-agent-token");
    env.put("BUILDKITE_BUILD_URL", "https://buildkite.com/acme/widgets/builds/42");
    env.put("BUILDKITE_BUILD_ID", "0190-build");
    env.put("BUILDKITE_BUILD_NUMBER", "42");
    env.put("BUILDKITE_REPO", "git@github.com:acme/widgets.git");
    env.put("BUILDKITE_COMMIT", SHA);
    env.put("BUILDKITE_BRANCH", "main");
    env.put("BUILDKITE_PIPELINE_SLUG", "widgets");
    env.put("BUILDKITE_ORGANIZATION_SLUG", "acme");
    env.put("BUILDKITE_JOB_ID", "0190-job");
    env.put("BUILDKITE_STEP_KEY", "build");
    env.put("BUILDKITE_SOURCE", "webhook");
    return env;
  }

  static Map<String, String> githubEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("GITHUB_ACTIONS", "true");
    env.put("GITHUB_SERVER_URL", "https://github.com");
    env.put("GITHUB_REPOSITORY", "acme/widgets");
    env.put("GITHUB_SHA", SHA);
    env.put("GITHUB_REF", "refs/tags/v1.2.3");
    env.put("GITHUB_RUN_ID", "123456");
    env.put("GITHUB_RUN_ATTEMPT", "2");
    env.put(
        "GITHUB_WORKFLOW_REF", "acme/widgets/.github/workflows/release@v2.yml@refs/tags/v1.2.3");
    env.put("GITHUB_EVENT_NAME", "push");
    env.put("GITHUB_REPOSITORY_ID", "99");
    env.put("GITHUB_REPOSITORY_OWNER_ID", "7");
    env.put("RUNNER_ENVIRONMENT", "github-hosted");
    env.put("GITHUB_TOKEN", "ghs_secret");
    return env;
  }

  static Map<String, String> gitlabEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("GITLAB_CI", "true");
    env.put("CI_SERVER_URL", "https://gitlab.example.com");
    env.put("CI_PROJECT_PATH", "acme/widgets");
    env.put("CI_PROJECT_ID", "55");
    env.put("CI_COMMIT_SHA", SHA);
    env.put("CI_COMMIT_REF_NAME", "main");
    env.put("CI_PIPELINE_ID", "777");
    env.put("CI_JOB_ID", "888");
    env.put("CI_JOB_NAME", "build");
    env.put("CI_JOB_URL", "https://gitlab.example.com/acme/widgets/-/jobs/888");
    env.put("CI_RUNNER_ID", "12");
    env.put("CI_JOB_STARTED_AT", "2026-03-04T05:00:00Z");
    env.put("CI_JOB_TOKEN", "glcbt-secret");
    return env;
  }

  private static String json(Map<String, String> env) throws Exception {
    return JsonWriter.compact(SlsaProvenance.predicate(env, NOW));
  }

  @Test
  void buildkite() throws Exception {
    assertThat(SlsaProvenance.detect(buildkiteEnv())).isEqualTo(SlsaProvenance.Ci.BUILDKITE);
    assertThat(json(buildkiteEnv()))
        .isEqualTo(
            "{\"buildDefinition\":{\"buildType\":\"https://signet.dev/buildtypes/buildkite/v1\","
                + "\"externalParameters\":{\"pipeline\":\"https://buildkite.com/acme/widgets\","
                + "\"repository\":\"git@github.com:acme/widgets.git\",\"ref\":\"refs/heads/main\","
                + "\"step\":\"build\",\"source\":\"webhook\"},"
                + "\"internalParameters\":{\"buildkite\":{\"organization\":\"acme\",\"pipeline\":\"widgets\","
                + "\"buildId\":\"0190-build\",\"buildNumber\":\"42\",\"jobId\":\"0190-job\","
                + "\"agentId\":\"0190-agent\",\"agentName\":\"builder-1\"}},"
                + "\"resolvedDependencies\":[{\"uri\":\"git+ssh://git@github.com/acme/widgets.git@refs/heads/main\","
                + "\"digest\":{\"gitCommit\":\""
                + SHA
                + "\"}}]},"
                + "\"runDetails\":{\"builder\":{\"id\":\"https://buildkite.com/organizations/acme/agents/0190-agent\"},"
                + "\"metadata\":{\"invocationId\":\"https://buildkite.com/acme/widgets/builds/42#0190-job\","
                + "\"startedOn\":\"2026-03-04T05:06:07Z\"}}}");
  }

  @Test
  void githubActionsUsesGitHubsOwnBuildType() throws Exception {
    JsonObject p = SlsaProvenance.predicate(githubEnv(), NOW);
    assertThat(JsonWriter.compact(p))
        .isEqualTo(
            "{\"buildDefinition\":{\"buildType\":\"https://actions.github.io/buildtypes/workflow/v1\","
                + "\"externalParameters\":{\"workflow\":{\"ref\":\"refs/tags/v1.2.3\","
                + "\"repository\":\"https://github.com/acme/widgets\",\"path\":\".github/workflows/release@v2.yml\"}},"
                + "\"internalParameters\":{\"github\":{\"event_name\":\"push\",\"repository_id\":\"99\","
                + "\"repository_owner_id\":\"7\",\"runner_environment\":\"github-hosted\"}},"
                + "\"resolvedDependencies\":[{\"uri\":\"git+https://github.com/acme/widgets@refs/tags/v1.2.3\","
                + "\"digest\":{\"gitCommit\":\""
                + SHA
                + "\"}}]},"
                + "\"runDetails\":{\"builder\":{\"id\":\"https://github.com/actions/runner/github-hosted\"},"
                + "\"metadata\":{\"invocationId\":\"https://github.com/acme/widgets/actions/runs/123456/attempts/2\","
                + "\"startedOn\":\"2026-03-04T05:06:07Z\"}}}");
  }

  @Test
  void gitlabCi() throws Exception {
    String j = json(gitlabEnv());
    assertThat(j)
        .contains("\"buildType\":\"https://signet.dev/buildtypes/gitlab-ci/v1\"")
        .contains(
            "\"externalParameters\":{\"source\":\"https://gitlab.example.com/acme/widgets\","
                + "\"ref\":\"refs/heads/main\",\"entryPoint\":\"build\"}")
        .contains(
            "\"gitlab\":{\"projectId\":\"55\",\"pipelineId\":\"777\",\"jobId\":\"888\",\"runnerId\":\"12\"}")
        .contains("\"builder\":{\"id\":\"https://gitlab.example.com/acme/widgets/-/runners/12\"}")
        .contains("\"invocationId\":\"https://gitlab.example.com/acme/widgets/-/jobs/888\"")
        .contains("\"startedOn\":\"2026-03-04T05:00:00Z\"");
    Map<String, String> tag = gitlabEnv();
    tag.put("CI_COMMIT_TAG", "v1");
    tag.put("CI_COMMIT_REF_NAME", "v1");
    assertThat(json(tag)).contains("\"ref\":\"refs/tags/v1\"");
  }

  @Test
  void noCiIsAnExplicitLocalBuilder() throws Exception {
    assertThat(SlsaProvenance.detect(Map.of("HOME", "/root"))).isEqualTo(SlsaProvenance.Ci.NONE);
    assertThat(json(Map.of("BUILDKITE", "false")))
        .isEqualTo(
            "{\"buildDefinition\":{\"buildType\":\"https://signet.dev/buildtypes/local/v1\","
                + "\"externalParameters\":{}},\"runDetails\":{\"builder\":{\"id\":"
                + "\"https://signet.dev/builders/local/v1\"},\"metadata\":{\"startedOn\":\"2026-03-04T05:06:07Z\"}}}");
  }

  @Test
  void secretsInTheEnvironmentNeverReachTheProvenance() throws Exception {
    assertThat(json(buildkiteEnv())).doesNotContain("secret");
    assertThat(json(githubEnv())).doesNotContain("secret");
    assertThat(json(gitlabEnv())).doesNotContain("secret");
  }

  @Test
  void incompleteOrAmbiguousEnvironmentsAreRefusedNamingTheVariable() {
    for (var entry :
        Map.of(
                "BUILDKITE_COMMIT", buildkiteEnv(),
                "GITHUB_WORKFLOW_REF", githubEnv(),
                "CI_RUNNER_ID", gitlabEnv())
            .entrySet()) {
      Map<String, String> env = new HashMap<>(entry.getValue());
      env.remove(entry.getKey());
      refused(
          () -> SlsaProvenance.predicate(env, NOW),
          AttestationException.Reason.ENVIRONMENT,
          entry.getKey());
    }
    Map<String, String> both = new HashMap<>(buildkiteEnv());
    both.putAll(githubEnv());
    refused(
        () -> SlsaProvenance.predicate(both, NOW),
        AttestationException.Reason.ENVIRONMENT,
        "BUILDKITE=true",
        "GITHUB_ACTIONS=true");
    Map<String, String> badUrl = buildkiteEnv();
    badUrl.put("BUILDKITE_BUILD_URL", "not a url");
    refused(() -> SlsaProvenance.predicate(badUrl, NOW), AttestationException.Reason.ENVIRONMENT);
  }
}
