package dev.signet.server.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Admin changes are audited before they take effect: with the audit log's table taken away from the
 * real database, every admin change answers 503 and nothing changed; a change that fails after its
 * entry was appended is followed by an ADMIN_CHANGE_FAILED entry.
 */
class AdminAuditFirstTest {
  @TempDir static Path tmp;
  static Path config;
  static ApiHarness api;

  static final String POLICY =
      """
      projects:
        payments:
          keys: [release, other, retiring]
          operations: [digest]
          rules:
            - name: tokens
              token: true
      """;

  @BeforeAll
  static void start() throws Exception {
    config = tmp.resolve("signet.yaml");
    Files.writeString(config, POLICY);
    String database =
        "jdbc:h2:mem:auditfirst"
            + UUID.randomUUID().toString().replace("-", "")
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
    api = new ApiHarness(tmp, config, database);
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  /** Takes the log's state table away (every append fails, as with a lost grant), or back. */
  static void auditLog(boolean available) throws Exception {
    try (Connection c = api.context.database().dataSource().getConnection();
        Statement st = c.createStatement()) {
      st.execute(
          available
              ? "ALTER TABLE audit_state_away RENAME TO audit_state"
              : "ALTER TABLE audit_state RENAME TO audit_state_away");
    }
  }

  static HttpResponse<String> created(String path, Object body) throws Exception {
    HttpResponse<String> r = api.post(path, api.adminToken, body);
    assertThat(r.statusCode()).as(r.body()).isBetween(200, 201);
    return r;
  }

  static void unavailable(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
    assertThat(ApiHarness.json(r).get("error").get("code").asString())
        .isEqualTo("audit_unavailable");
    assertThat(r.body()).doesNotContain("sgp_").doesNotContain("sga_");
  }

  static Map<String, Object> digest() throws Exception {
    byte[] d = MessageDigest.getInstance("SHA-256").digest(new byte[] {42});
    return Map.of(
        "key",
        "release",
        "digest",
        Map.of("algorithm", "sha256", "value", HexFormat.of().formatHex(d)));
  }

  @Test
  void withTheAuditLogUnavailableEveryAdminChangeAnswers503AndNothingChanged() throws Exception {
    created("/v1/admin/projects/payments/keys", Map.of("key", "release", "algorithm", "ES256"));
    JsonNode token =
        ApiHarness.json(
            created(
                "/v1/admin/projects/payments/tokens",
                Map.of("operations", List.of("digest"), "expiresIn", "P1D")));
    String tokenId = token.get("id").asString();
    String projectToken = token.get("token").asString();
    int sizeBefore = api.audit().size();
    String versionBefore =
        ApiHarness.json(api.post("/v1/admin/policy/reload", api.adminToken, Map.of()))
            .get("version")
            .asString();
    Files.writeString(
        config, POLICY.replace("[release, other, retiring]", "[release, other, retiring, third]"));

    auditLog(false);
    try {
      unavailable(
          api.post(
              "/v1/admin/projects/payments/keys/release/versions/1/revoke",
              api.adminToken,
              Map.of()));
      unavailable(
          api.post(
              "/v1/admin/projects/payments/keys/release/versions/1/retire",
              api.adminToken,
              Map.of()));
      unavailable(
          api.post("/v1/admin/projects/payments/keys/release/rotate", api.adminToken, Map.of()));
      unavailable(
          api.post(
              "/v1/admin/projects/payments/keys",
              api.adminToken,
              Map.of("key", "other", "algorithm", "ES256")));
      unavailable(
          api.post(
              "/v1/admin/projects/payments/tokens",
              api.adminToken,
              Map.of("operations", List.of("digest"))));
      unavailable(api.delete("/v1/admin/tokens/" + tokenId, api.adminToken));
      unavailable(
          api.post(
              "/v1/admin/principals",
              api.adminToken,
              Map.of("name", "carol", "roles", List.of("admin"))));
      unavailable(api.post("/v1/admin/policy/reload", api.adminToken, Map.of()));
    } finally {
      auditLog(true);
    }

    // Nothing changed: the key's version 1 is active and current, and signs; the token works;
    // the principal name and the key name are free; the policy is the old version.
    JsonNode key = ApiHarness.json(api.get("/v1/projects/payments/keys/release", null));
    assertThat(key.get("kid").asString()).isEqualTo("release-v1");
    assertThat(key.get("state").asString()).isEqualTo("active");
    HttpResponse<String> signed =
        api.post("/v1/projects/payments/sign/digest", projectToken, digest());
    assertThat(signed.statusCode()).as(signed.body()).isEqualTo(200);
    assertThat(ApiHarness.json(signed).get("kid").asString()).isEqualTo("release-v1");
    assertThat(api.get("/v1/projects/payments/keys/other", null).statusCode()).isEqualTo(404);
    assertThat(api.audit()).hasSize(sizeBefore + 1); // only the SIGNED entry
    assertThat(api.context.auditLog().checkpoint()).isNotBlank();
    created("/v1/admin/principals", Map.of("name", "carol", "roles", List.of("release-managers")));
    JsonNode reloaded = ApiHarness.json(created("/v1/admin/policy/reload", Map.of()));
    assertThat(reloaded.get("previous").asString()).isEqualTo(versionBefore);
    assertThat(reloaded.get("changed").asBoolean()).isTrue();

    // With the log back, the revocation goes through, its entry first.
    HttpResponse<String> revoked =
        created("/v1/admin/projects/payments/keys/release/versions/1/revoke", Map.of());
    List<JsonNode> entries = api.auditOf(revoked);
    assertThat(entries).hasSize(1);
    assertThat(entries.getFirst().get("type").asString()).isEqualTo("KEY_REVOKED");
    assertThat(entries.getFirst().get("key").get("kid").asString()).isEqualTo("release-v1");
  }

  @Test
  void aChangeThatFailsAfterItsEntryIsFollowedByAnAdminChangeFailedEntry() throws Exception {
    created("/v1/admin/projects/payments/keys", Map.of("key", "retiring", "algorithm", "ES384"));
    created("/v1/admin/projects/payments/keys/retiring/versions/1/revoke", Map.of());
    // A revoked version cannot be retired: custody refuses after the entry was appended.
    HttpResponse<String> r =
        api.post(
            "/v1/admin/projects/payments/keys/retiring/versions/1/retire",
            api.adminToken,
            Map.of());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
    List<JsonNode> entries = api.auditOf(r);
    assertThat(entries.stream().map(e -> e.get("type").asString()).toList())
        .containsExactly("KEY_RETIRED", "ADMIN_CHANGE_FAILED");
    JsonNode failed = entries.getLast();
    assertThat(failed.get("details").get("change").asString()).isEqualTo("KEY_RETIRED");
    assertThat(failed.get("details").get("status").asString()).isEqualTo("409");
    assertThat(failed.get("key").get("kid").asString()).isEqualTo("retiring-v1");
    // An unknown version is refused before anything is logged.
    HttpResponse<String> unknown =
        api.post(
            "/v1/admin/projects/payments/keys/retiring/versions/9/retire",
            api.adminToken,
            Map.of());
    assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
    assertThat(api.auditOf(unknown)).isEmpty();
  }
}
