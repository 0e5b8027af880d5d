package dev.signet.server.policy;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The claim vocabularies of landscape §5.1–5.3, as the origin package's presets will provide. */
public final class TestVocabularies {
  private TestVocabularies() {}

  static final Set<String> STANDARD = Set.of("iss", "sub", "aud", "exp", "iat", "nbf", "jti");

  public static final IssuerVocabularies.Vocabulary GITHUB =
      new IssuerVocabularies.Vocabulary(
          Set.of("repository_owner_id", "enterprise_id"),
          union(
              Set.of(
                  "actor",
                  "actor_id",
                  "base_ref",
                  "check_run_id",
                  "enterprise",
                  "enterprise_id",
                  "environment",
                  "event_name",
                  "head_ref",
                  "job_workflow_ref",
                  "job_workflow_sha",
                  "ref",
                  "ref_type",
                  "repository",
                  "repository_id",
                  "repository_owner",
                  "repository_owner_id",
                  "repository_visibility",
                  "run_id",
                  "run_number",
                  "run_attempt",
                  "runner_environment",
                  "workflow",
                  "workflow_ref",
                  "workflow_sha")),
          Set.of("repo_property_"));

  public static final IssuerVocabularies.Vocabulary BUILDKITE =
      new IssuerVocabularies.Vocabulary(
          Set.of("organization_id"),
          union(
              Set.of(
                  "organization_slug",
                  "organization_id",
                  "pipeline_slug",
                  "pipeline_id",
                  "build_number",
                  "build_branch",
                  "build_commit",
                  "build_source",
                  "build_tag",
                  "step_key",
                  "job_id",
                  "agent_id",
                  "runner_environment")),
          Set.of());

  public static final IssuerVocabularies.Vocabulary GITLAB =
      new IssuerVocabularies.Vocabulary(
          Set.of("namespace_id"),
          union(
              Set.of(
                  "namespace_id",
                  "namespace_path",
                  "project_id",
                  "project_path",
                  "user_id",
                  "user_login",
                  "user_email",
                  "pipeline_id",
                  "pipeline_source",
                  "job_id",
                  "ref",
                  "ref_type",
                  "ref_protected",
                  "environment",
                  "environment_protected",
                  "deployment_tier",
                  "runner_id",
                  "runner_environment",
                  "sha",
                  "ci_config_ref_uri",
                  "ci_config_sha",
                  "project_visibility")),
          Set.of());

  /** A private issuer (one tenant): no tenant claim to pin. */
  public static final IssuerVocabularies.Vocabulary PRIVATE =
      new IssuerVocabularies.Vocabulary(Set.of(), union(Set.of("ref", "team")), Set.of());

  public static final IssuerVocabularies ALL =
      name ->
          Optional.ofNullable(
              Map.of("github", GITHUB, "buildkite", BUILDKITE, "gitlab", GITLAB, "private", PRIVATE)
                  .get(name));

  private static Set<String> union(Set<String> custom) {
    java.util.HashSet<String> all = new java.util.HashSet<>(custom);
    all.addAll(STANDARD);
    return Set.copyOf(all);
  }
}
