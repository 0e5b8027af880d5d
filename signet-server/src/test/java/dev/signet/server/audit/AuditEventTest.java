package dev.signet.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.server.origin.Credential;
import dev.signet.server.origin.Origin;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuditEventTest {
  private static final PersonalData SALT = new PersonalData(new byte[32]);

  private static Credential.Oidc github(Map<String, String> extra) {
    Map<String, String> claims = new java.util.HashMap<>(extra);
    claims.put("repository", "acme/app");
    claims.put("repository_id", "456789");
    claims.put("ref", "refs/tags/v1.2.0");
    claims.put("actor", "alice");
    claims.put("user_email", "alice@example.com");
    claims.put("custom_secretish", "x");
    return new Credential.Oidc(
        "github",
        "https://token.actions.githubusercontent.com",
        "repo:acme/app:ref:refs/tags/v1.2.0",
        "https://sign.example.com",
        Instant.parse("2026-11-22T07:00:00Z"),
        Instant.parse("2026-11-22T07:05:00Z"),
        "jti-1",
        claims);
  }

  private static AuditEvent signed(AuditEvent.Caller caller) {
    return new AuditEvent(
        AuditEvent.Type.SIGNED,
        Instant.parse("2026-11-22T07:00:01.123456Z"),
        "req-1",
        "payments",
        new AuditEvent.Key("release", 2, "release-v2", "ES256", "ab".repeat(32)),
        new AuditEvent.Subject("digest", "sha256", "cd".repeat(32), "app.tar\nline2"),
        "ef".repeat(32),
        caller,
        new AuditEvent.PolicyOutcome("01".repeat(32), "allow", "release", "allowed"),
        null,
        null,
        Map.of());
  }

  @Test
  void leafIsCanonicalJsonOnOneLineWithMillisecondTime() {
    AuditEvent e = signed(Callers.of(Origin.of(github(Map.of())), SALT));
    String leaf = new String(e.leaf(), StandardCharsets.UTF_8);
    assertThat(leaf).doesNotContain("\n").startsWith("{\"caller\":");
    assertThat(leaf).contains("\"time\":\"2026-11-22T07:00:01.123Z\"", "\"v\":1");
    assertThat(leaf).contains("\"name\":\"app.tar\\nline2\"");
    assertThat(e.leaf()).isEqualTo(signed(Callers.of(Origin.of(github(Map.of())), SALT)).leaf());
  }

  @Test
  void callerKeepsBuildIdentifiersHashesPeopleAndDropsTheRest() {
    AuditEvent.Caller c = Callers.of(Origin.of(github(Map.of())), SALT);
    assertThat(c.methods()).containsExactly("oidc");
    assertThat(c.claims())
        .containsEntry("repository_id", "456789")
        .containsEntry("ref", "refs/tags/v1.2.0")
        .containsEntry("iss", "https://token.actions.githubusercontent.com")
        .doesNotContainKey("custom_secretish");
    assertThat(c.claims().get("actor")).startsWith("hmac-sha256:").doesNotContain("alice");
    assertThat(c.claims().get("user_email")).startsWith("hmac-sha256:");
    assertThat(c.claims().get("actor"))
        .as("the same person under the same salt is matchable")
        .isEqualTo(SALT.protect("actor", "alice"))
        .isNotEqualTo(
            new PersonalData(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
                .protect("actor", "alice"));
    String leaf = new String(signed(c).leaf(), StandardCharsets.UTF_8);
    assertThat(leaf).doesNotContain("alice");
  }

  @Test
  void everyCredentialKindIsRecordedWithoutSecrets() {
    Origin origin =
        Origin.of(
            github(Map.of()),
            new Credential.Certificate(
                "CN=ci-runner-42,O=acme",
                "CN=Acme CI CA",
                Map.of("CN", List.of("ci-runner-42")),
                Set.of(),
                "aa".repeat(32),
                "bb".repeat(32)),
            new Credential.ProjectToken(
                "tok123", "payments", Set.of("digest"), Instant.parse("2027-01-01T00:00:00Z")));
    AuditEvent.Caller c = Callers.of(origin, SALT);
    assertThat(c.methods()).containsExactly("oidc", "mtls", "token");
    assertThat(c.certificateSha256()).isEqualTo("aa".repeat(32));
    assertThat(c.tokenId()).isEqualTo("tok123");
    assertThat(Callers.of(new Origin(List.of()), SALT)).isNull();
  }

  @Test
  void longClaimValuesAreCutAndOversizedLeavesRefused() {
    AuditEvent.Caller c = Callers.of(Origin.of(github(Map.of("workflow", "w".repeat(5000)))), SALT);
    assertThat(c.claims().get("workflow")).hasSize(Callers.MAX_VALUE_CHARS + "…(cut)".length());
    AuditEvent huge =
        new AuditEvent(
            AuditEvent.Type.POLICY_CHANGED,
            Instant.EPOCH,
            "r",
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            Map.of("x", "y".repeat(70_000)));
    assertThatThrownBy(huge::leaf).hasMessageContaining("exceeds");
  }

  @Test
  void saltMustBeLongEnough() {
    assertThatThrownBy(() -> new PersonalData(new byte[8])).hasMessageContaining("16 bytes");
  }
}
