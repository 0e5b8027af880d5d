package dev.signet.server.origin;

import java.util.List;
import java.util.Set;

/**
 * The CI systems Signet knows: issuer URL, the claims that say which customer a token belongs to
 * (tenant pins), and each system's claim vocabulary, so that a policy naming a claim the system
 * never sends can be refused when it is loaded instead of silently never matching.
 *
 * <p>All three issuers are shared by every customer of the service (every GitHub repository gets
 * tokens from the same {@code iss}), so a config for any of them must pin at least one tenant claim
 * (sigstore/fulcio#1989 is what happens otherwise).
 */
public enum IssuerPreset {
  /** GitHub Actions (spec §5.1); GHES and GHE.com use another issuer URL with this vocabulary. */
  GITHUB(
      "github",
      "https://token.actions.githubusercontent.com",
      Set.of("repository_owner_id", "enterprise_id"),
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
          "ref_protected",
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
          "workflow_sha"),
      List.of("repo_property_")),

  /** Buildkite agents (spec §5.2): one issuer for every organisation. */
  BUILDKITE(
      "buildkite",
      "https://agent.buildkite.com",
      Set.of("organization_id", "organization_slug"),
      Set.of(
          "organization_slug",
          "organization_id",
          "pipeline_slug",
          "pipeline_id",
          "build_number",
          "build_branch",
          "build_tag",
          "build_commit",
          "build_source",
          "step_key",
          "job_id",
          "agent_id",
          "runner_environment",
          "cluster_id",
          "cluster_name",
          "queue_id",
          "queue_key"),
      List.of("agent_tag:")),

  /** GitLab CI {@code id_tokens} on gitlab.com (spec §5.3); self-managed uses its own URL. */
  GITLAB(
      "gitlab",
      "https://gitlab.com",
      Set.of("namespace_id"),
      Set.of(
          "namespace_id",
          "namespace_path",
          "project_id",
          "project_path",
          "user_id",
          "user_login",
          "user_email",
          "user_identities",
          "pipeline_id",
          "pipeline_source",
          "job_id",
          "ref",
          "ref_type",
          "ref_path",
          "ref_protected",
          "environment",
          "environment_protected",
          "deployment_tier",
          "environment_action",
          "runner_id",
          "runner_environment",
          "sha",
          "ci_config_ref_uri",
          "ci_config_sha",
          "project_visibility",
          "groups_direct"),
      List.of());

  /** Claims every OIDC ID token may carry (RFC 7519 registered claims). */
  static final Set<String> REGISTERED_CLAIMS =
      Set.of("iss", "sub", "aud", "exp", "nbf", "iat", "jti");

  private final String presetName;
  private final String issuer;

  // Set.of and List.of: unmodifiable, which Error Prone cannot see through the interface type.
  @SuppressWarnings("ImmutableEnumChecker")
  private final Set<String> tenantClaims;

  @SuppressWarnings("ImmutableEnumChecker")
  private final Set<String> claims;

  @SuppressWarnings("ImmutableEnumChecker")
  private final List<String> claimPrefixes;

  IssuerPreset(
      String presetName,
      String issuer,
      Set<String> tenantClaims,
      Set<String> claims,
      List<String> claimPrefixes) {
    this.presetName = presetName;
    this.issuer = issuer;
    this.tenantClaims = tenantClaims;
    this.claims = claims;
    this.claimPrefixes = claimPrefixes;
  }

  /** The name used in configs and policies ({@code trustedBuildSystem: github}). */
  public String presetName() {
    return presetName;
  }

  /** The public service's issuer URL. */
  public String issuer() {
    return issuer;
  }

  /** Claims of which a config must pin at least one. */
  public Set<String> tenantClaims() {
    return tenantClaims;
  }

  /** The system's own claims, without the registered ones and without prefix families. */
  public Set<String> claims() {
    return claims;
  }

  /** Families of claims by prefix ({@code repo_property_*}, {@code agent_tag:*}). */
  public List<String> claimPrefixes() {
    return claimPrefixes;
  }

  /** Whether tokens of this system can carry the claim. */
  public boolean knowsClaim(String name) {
    return REGISTERED_CLAIMS.contains(name)
        || claims.contains(name)
        || claimPrefixes.stream().anyMatch(p -> name.startsWith(p) && name.length() > p.length());
  }
}
