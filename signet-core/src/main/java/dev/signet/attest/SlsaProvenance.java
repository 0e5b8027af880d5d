package dev.signet.attest;

import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A SLSA Provenance v1 predicate ({@code https://slsa.dev/provenance/v1}) filled from the CI
 * environment the build runs in. The environment is passed in, never read here, so tests and
 * callers decide what it is.
 *
 * <p>Only named, non-secret variables are read — never the whole environment, which holds tokens
 * ({@code BUILDKITE_AGENT_ACCESS_TOKEN}, {@code CI_JOB_TOKEN}, {@code GITHUB_TOKEN}). A CI that is
 * detected but lacks a variable the provenance needs is an error rather than a half-filled
 * predicate; two CIs at once is an error too.
 *
 * <table>
 *   <caption>What each CI contributes</caption>
 *   <tr><th>CI<th>detected by<th>buildType<th>builder.id<th>invocationId
 *   <tr><td>GitHub Actions<td>{@code GITHUB_ACTIONS=true}
 *       <td>{@code https://actions.github.io/buildtypes/workflow/v1} (GitHub's own)
 *       <td>{@code https://github.com/actions/runner/<RUNNER_ENVIRONMENT>}
 *       <td>{@code <server>/<repo>/actions/runs/<id>/attempts/<n>}
 *   <tr><td>GitLab CI<td>{@code GITLAB_CI=true}<td>{@value #GITLAB_BUILD_TYPE}
 *       <td>{@code <server>/<project>/-/runners/<CI_RUNNER_ID>}<td>{@code CI_JOB_URL}
 *   <tr><td>Buildkite<td>{@code BUILDKITE=true}<td>{@value #BUILDKITE_BUILD_TYPE}
 *       <td>{@code https://buildkite.com/organizations/<org>/agents/<BUILDKITE_AGENT_ID>}
 *       <td>{@code BUILDKITE_BUILD_URL#BUILDKITE_JOB_ID}
 *   <tr><td>none<td>—<td>{@value #LOCAL_BUILD_TYPE}<td>{@value #LOCAL_BUILDER}<td>—
 * </table>
 *
 * <p>The Signet build types are documented in {@code docs/attestations.md}.
 */
public final class SlsaProvenance {
  public static final String GITHUB_BUILD_TYPE = "https://actions.github.io/buildtypes/workflow/v1";
  public static final String GITLAB_BUILD_TYPE = "https://signet.dev/buildtypes/gitlab-ci/v1";
  public static final String BUILDKITE_BUILD_TYPE = "https://signet.dev/buildtypes/buildkite/v1";
  public static final String LOCAL_BUILD_TYPE = "https://signet.dev/buildtypes/local/v1";
  public static final String LOCAL_BUILDER = "https://signet.dev/builders/local/v1";

  private static final Pattern GIT_COMMIT = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
  private static final Pattern SCP_LIKE = Pattern.compile("([^@/:]+@)?([^/:]+):(?!//)(.+)");

  /** The CI a build runs in. */
  public enum Ci {
    BUILDKITE("Buildkite", "BUILDKITE"),
    GITHUB_ACTIONS("GitHub Actions", "GITHUB_ACTIONS"),
    GITLAB_CI("GitLab CI", "GITLAB_CI"),
    NONE("no CI", "");

    private final String display;
    private final String marker;

    Ci(String display, String marker) {
      this.display = display;
      this.marker = marker;
    }

    public String display() {
      return display;
    }
  }

  private SlsaProvenance() {}

  /**
   * Which CI {@code env} belongs to.
   *
   * @throws AttestationException {@link AttestationException.Reason#ENVIRONMENT} when more than one
   *     CI's marker variable is {@code true}
   */
  public static Ci detect(Map<String, String> env) throws AttestationException {
    List<Ci> found = new ArrayList<>();
    for (Ci ci : Ci.values()) {
      if (ci != Ci.NONE && "true".equals(env.get(ci.marker))) {
        found.add(ci);
      }
    }
    if (found.size() > 1) {
      throw new AttestationException(
          AttestationException.Reason.ENVIRONMENT,
          "more than one CI environment is present ("
              + String.join(", ", found.stream().map(c -> c.marker + "=true").toList())
              + "); provenance must name one builder");
    }
    return found.isEmpty() ? Ci.NONE : found.getFirst();
  }

  /**
   * The predicate for the CI in {@code env}.
   *
   * @param now when provenance is being made: {@code startedOn} unless the CI says when the job
   *     started (GitLab's {@code CI_JOB_STARTED_AT})
   */
  public static JsonObject predicate(Map<String, String> env, Instant now)
      throws AttestationException {
    Ci ci = detect(env);
    Vars v = new Vars(env, ci);
    String startedOn = now.truncatedTo(ChronoUnit.SECONDS).toString();
    return switch (ci) {
      case GITHUB_ACTIONS -> github(v, startedOn);
      case GITLAB_CI -> gitlab(v, startedOn);
      case BUILDKITE -> buildkite(v, startedOn);
      case NONE ->
          predicate(
              LOCAL_BUILD_TYPE,
              JsonObject.EMPTY,
              null,
              null,
              LOCAL_BUILDER,
              JsonObject.builder().put("startedOn", startedOn).build());
    };
  }

  private static JsonObject github(Vars v, String startedOn) throws AttestationException {
    String server = v.required("GITHUB_SERVER_URL");
    String repo = v.required("GITHUB_REPOSITORY");
    String ref = v.required("GITHUB_REF");
    String sha = v.required("GITHUB_SHA");
    String runId = v.required("GITHUB_RUN_ID");
    String attempt = v.required("GITHUB_RUN_ATTEMPT");
    String workflowRef = v.required("GITHUB_WORKFLOW_REF");
    String repoUrl = server + "/" + repo;
    // GITHUB_WORKFLOW_REF is "<owner>/<repo>/<path>@<ref>"; path and ref may both contain '@'.
    String path = workflowRef;
    if (path.startsWith(repo + "/")) {
      path = path.substring(repo.length() + 1);
    }
    if (path.endsWith("@" + ref)) {
      path = path.substring(0, path.length() - ref.length() - 1);
    } else if (path.lastIndexOf('@') > 0) {
      path = path.substring(0, path.lastIndexOf('@'));
    }
    JsonObject external =
        JsonObject.builder()
            .put(
                "workflow",
                JsonObject.builder()
                    .put("ref", ref)
                    .put("repository", repoUrl)
                    .put("path", path)
                    .build())
            .build();
    JsonObject.Builder github = JsonObject.builder();
    v.optional("GITHUB_EVENT_NAME", "event_name", github);
    v.optional("GITHUB_REPOSITORY_ID", "repository_id", github);
    v.optional("GITHUB_REPOSITORY_OWNER_ID", "repository_owner_id", github);
    v.optional("RUNNER_ENVIRONMENT", "runner_environment", github);
    String runner = v.get("RUNNER_ENVIRONMENT");
    return predicate(
        GITHUB_BUILD_TYPE,
        external,
        JsonObject.builder().put("github", github.build()).build(),
        gitDependency(repoUrl, ref, sha),
        "https://github.com/actions/runner" + (runner == null ? "" : "/" + runner),
        JsonObject.builder()
            .put("invocationId", repoUrl + "/actions/runs/" + runId + "/attempts/" + attempt)
            .put("startedOn", startedOn)
            .build());
  }

  private static JsonObject gitlab(Vars v, String startedOn) throws AttestationException {
    String server = v.required("CI_SERVER_URL");
    String project = v.required("CI_PROJECT_PATH");
    String sha = v.required("CI_COMMIT_SHA");
    String refName = v.required("CI_COMMIT_REF_NAME");
    v.required("CI_PIPELINE_ID");
    v.required("CI_JOB_ID");
    String jobUrl = v.required("CI_JOB_URL");
    String runnerId = v.required("CI_RUNNER_ID");
    String source = server + "/" + project;
    String ref = (v.get("CI_COMMIT_TAG") != null ? "refs/tags/" : "refs/heads/") + refName;
    JsonObject.Builder external = JsonObject.builder().put("source", source).put("ref", ref);
    v.optional("CI_JOB_NAME", "entryPoint", external);
    v.optional("CI_CONFIG_PATH", "configPath", external);
    v.optional("CI_PIPELINE_SOURCE", "pipelineSource", external);
    JsonObject.Builder gitlab = JsonObject.builder();
    v.optional("CI_PROJECT_ID", "projectId", gitlab);
    v.optional("CI_PIPELINE_ID", "pipelineId", gitlab);
    v.optional("CI_JOB_ID", "jobId", gitlab);
    v.optional("CI_RUNNER_ID", "runnerId", gitlab);
    v.optional("CI_COMMIT_REF_PROTECTED", "refProtected", gitlab);
    String started = v.get("CI_JOB_STARTED_AT");
    if (started != null) {
      try {
        startedOn = Instant.parse(started).truncatedTo(ChronoUnit.SECONDS).toString();
      } catch (DateTimeParseException e) {
        // Not a timestamp we can vouch for: keep the time provenance is made.
      }
    }
    return predicate(
        GITLAB_BUILD_TYPE,
        external.build(),
        JsonObject.builder().put("gitlab", gitlab.build()).build(),
        gitDependency(source, ref, sha),
        source + "/-/runners/" + runnerId,
        JsonObject.builder().put("invocationId", jobUrl).put("startedOn", startedOn).build());
  }

  private static JsonObject buildkite(Vars v, String startedOn) throws AttestationException {
    String org = v.required("BUILDKITE_ORGANIZATION_SLUG");
    String pipeline = v.required("BUILDKITE_PIPELINE_SLUG");
    String buildUrl = v.required("BUILDKITE_BUILD_URL");
    String jobId = v.required("BUILDKITE_JOB_ID");
    String agentId = v.required("BUILDKITE_AGENT_ID");
    String repo = v.required("BUILDKITE_REPO");
    String commit = v.required("BUILDKITE_COMMIT");
    String server = origin(buildUrl, "BUILDKITE_BUILD_URL");
    String tag = v.get("BUILDKITE_TAG");
    String branch = v.get("BUILDKITE_BRANCH");
    String ref = tag != null ? "refs/tags/" + tag : branch != null ? "refs/heads/" + branch : null;
    JsonObject.Builder external =
        JsonObject.builder()
            .put("pipeline", server + "/" + org + "/" + pipeline)
            .put("repository", repo);
    if (ref != null) {
      external.put("ref", ref);
    }
    v.optional("BUILDKITE_STEP_KEY", "step", external);
    v.optional("BUILDKITE_SOURCE", "source", external);
    JsonObject.Builder bk = JsonObject.builder().put("organization", org).put("pipeline", pipeline);
    v.optional("BUILDKITE_BUILD_ID", "buildId", bk);
    v.optional("BUILDKITE_BUILD_NUMBER", "buildNumber", bk);
    bk.put("jobId", jobId).put("agentId", agentId);
    v.optional("BUILDKITE_AGENT_NAME", "agentName", bk);
    return predicate(
        BUILDKITE_BUILD_TYPE,
        external.build(),
        JsonObject.builder().put("buildkite", bk.build()).build(),
        gitDependency(repo, ref, commit),
        server + "/organizations/" + org + "/agents/" + agentId,
        JsonObject.builder()
            .put("invocationId", buildUrl + "#" + jobId)
            .put("startedOn", startedOn)
            .build());
  }

  /**
   * The source commit as a ResourceDescriptor, its URI in SPDX download-location form ({@code
   * git+URL@REF}); scp-style remotes ({@code git@host:path}) become {@code ssh://} URLs.
   */
  private static JsonArray gitDependency(String repo, @Nullable String ref, String commit) {
    var m = SCP_LIKE.matcher(repo);
    String url =
        m.matches() && !repo.contains("://")
            ? "ssh://" + (m.group(1) == null ? "" : m.group(1)) + m.group(2) + "/" + m.group(3)
            : repo;
    JsonObject.Builder dep =
        JsonObject.builder().put("uri", "git+" + url + (ref == null ? "" : "@" + ref));
    if (GIT_COMMIT.matcher(commit).matches()) {
      dep.put("digest", JsonObject.builder().put("gitCommit", commit).build());
    }
    return JsonArray.of(dep.build());
  }

  private static JsonObject predicate(
      String buildType,
      JsonObject external,
      @Nullable JsonObject internal,
      @Nullable JsonArray dependencies,
      String builderId,
      JsonObject metadata) {
    JsonObject.Builder def =
        JsonObject.builder().put("buildType", buildType).put("externalParameters", external);
    if (internal != null) {
      def.put("internalParameters", internal);
    }
    if (dependencies != null) {
      def.put("resolvedDependencies", dependencies);
    }
    return JsonObject.builder()
        .put("buildDefinition", def.build())
        .put(
            "runDetails",
            JsonObject.builder()
                .put("builder", JsonObject.builder().put("id", builderId).build())
                .put("metadata", metadata)
                .build())
        .build();
  }

  private static String origin(String url, String variable) throws AttestationException {
    try {
      URI u = new URI(url);
      if (u.getScheme() != null && u.getRawAuthority() != null) {
        return u.getScheme() + "://" + u.getRawAuthority();
      }
    } catch (URISyntaxException e) {
      // refused below
    }
    throw new AttestationException(
        AttestationException.Reason.ENVIRONMENT, variable + " is not an absolute URL");
  }

  /** Environment access that names the variable when one is missing. */
  private record Vars(Map<String, String> env, Ci ci) {
    @Nullable String get(String name) {
      String value = env.get(name);
      return value == null || value.isEmpty() ? null : value;
    }

    String required(String name) throws AttestationException {
      String value = get(name);
      if (value == null) {
        throw new AttestationException(
            AttestationException.Reason.ENVIRONMENT,
            ci.display
                + " detected ("
                + ci.marker
                + "=true), but "
                + name
                + " is not set; SLSA provenance needs it");
      }
      return value;
    }

    void optional(String name, String field, JsonObject.Builder into) {
      String value = get(name);
      if (value != null) {
        into.put(field, value);
      }
    }
  }
}
