package dev.signet.server.audit;

import dev.signet.server.origin.Credential;
import dev.signet.server.origin.Origin;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What of a verified origin goes into the audit log. Claims are allow-listed: the identifiers of
 * the build and its source (Fulcio's extension vocabulary, §5.4 of the landscape notes) go in as
 * they are, personal ones (who triggered the build) as HMACs, and anything else an issuer adds is
 * left out, because an unknown claim may carry personal data or grow the leaf without bound.
 */
public final class Callers {
  private Callers() {}

  /** Build and source identifiers of GitHub Actions, Buildkite and GitLab CI tokens. */
  static final Set<String> PLAIN =
      Set.of(
          "iss",
          "sub",
          "aud",
          "jti",
          "iat",
          "exp",
          // GitHub Actions
          "repository",
          "repository_id",
          "repository_owner",
          "repository_owner_id",
          "repository_visibility",
          "ref",
          "ref_type",
          "sha",
          "workflow",
          "workflow_ref",
          "workflow_sha",
          "job_workflow_ref",
          "job_workflow_sha",
          "run_id",
          "run_number",
          "run_attempt",
          "event_name",
          "environment",
          "runner_environment",
          "enterprise",
          "enterprise_id",
          "base_ref",
          "head_ref",
          // Buildkite
          "organization_id",
          "organization_slug",
          "pipeline_id",
          "pipeline_slug",
          "build_number",
          "build_branch",
          "build_tag",
          "build_commit",
          "build_source",
          "step_key",
          "job_id",
          "agent_id",
          // GitLab CI
          "namespace_id",
          "namespace_path",
          "project_id",
          "project_path",
          "pipeline_source",
          "ref_protected",
          "environment_protected",
          "deployment_tier",
          "runner_id",
          "ci_config_ref_uri",
          "ci_config_sha",
          "project_visibility");

  /** Claims that name a person: kept as HMACs so approvals and actors stay matchable. */
  static final Set<String> PERSONAL =
      Set.of("actor", "actor_id", "triggering_actor", "user_id", "user_login", "user_email");

  /** Longest claim value kept; longer ones are cut (and marked) so a leaf stays bounded. */
  static final int MAX_VALUE_CHARS = 512;

  /** The caller of a CI request; null when nothing was verified. */
  public static AuditEvent.@Nullable Caller of(Origin origin, PersonalData personal) {
    if (origin.credentials().isEmpty()) {
      return null;
    }
    List<String> methods = new ArrayList<>();
    Map<String, String> claims = new LinkedHashMap<>();
    String certificate = null;
    String token = null;
    for (Credential c : origin.credentials()) {
      methods.add(c.method());
      switch (c) {
        case Credential.Oidc oidc -> {
          claims.put("issuer_name", oidc.issuerName());
          oidc.claims()
              .forEach((name, value) -> {
                if (PLAIN.contains(name)) {
                  claims.put(name, bounded(value));
                } else if (PERSONAL.contains(name)) {
                  claims.put(name, personal.protect(name, value));
                }
              });
          claims.put("iss", oidc.issuer());
          claims.put("sub", bounded(oidc.subject()));
        }
        case Credential.Certificate cert -> certificate = cert.sha256();
        case Credential.ProjectToken t -> token = t.tokenId();
      }
    }
    return new AuditEvent.Caller(methods, claims, certificate, token, null);
  }

  /** A human principal (admin, approver): the name as an HMAC. */
  public static AuditEvent.Caller principal(String name, PersonalData personal) {
    return new AuditEvent.Caller(
        List.of("principal"), Map.of(), null, null, personal.protect("principal", name));
  }

  private static String bounded(String value) {
    return value.length() <= MAX_VALUE_CHARS
        ? value
        : value.substring(0, MAX_VALUE_CHARS) + "…(cut)";
  }
}
