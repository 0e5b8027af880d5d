package dev.signet.server.signing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.server.origin.testing.TestOidcIssuer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The operator's {@code sessions} settings on a running server: tighter bounds applied to what an
 * exchange asks, and sessions switched off, on two server processes sharing one database.
 */
class SessionSettingsApiTest {
  private static final String AUD = "https://signet.example.com";

  @TempDir static Path tmp;
  static TestOidcIssuer issuer;
  static ApiHarness tight;
  static ApiHarness off;

  static Path config(String name, String sessions) throws Exception {
    Path config = tmp.resolve(name + ".yaml");
    Files.writeString(
        config,
        """
        issuers:
          github:
            preset: github
            issuer: %s
            audience: %s
            pins: { repository_owner_id: "123456" }
            allowInsecureLoopback: true
        projects:
          payments:
            keys: [release]
            operations: [digest]
            rules:
              - name: release
                oidc:
                  issuer: github
                  claims: { repository_owner_id: "123456" }
        %s
        """
            .formatted(issuer.issuer(), AUD, sessions));
    return config;
  }

  @BeforeAll
  static void start() throws Exception {
    issuer = TestOidcIssuer.start();
    String database =
        "jdbc:h2:mem:sessionsettings"
            + UUID.randomUUID().toString().replace("-", "")
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
    tight = new ApiHarness(tmp, config("tight", "sessions: { maxTtl: 5s, maxUses: 3 }"), database);
    // The same data directory: every process on one database needs the same master key.
    off = new ApiHarness(tmp, config("off", "sessions: { enabled: false }"), database);
    var r =
        tight.post(
            "/v1/admin/projects/payments/keys",
            tight.adminToken,
            Map.of("key", "release", "algorithm", "ES256"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    off.close();
    tight.close();
    issuer.close();
  }

  static String token() {
    return issuer.mintEs256(issuer.githubClaims(AUD, Instant.now()));
  }

  @Test
  void anAskBeyondTheOperatorsBoundsIsShortenedAndLowered() throws Exception {
    Instant before = Instant.now();
    var r =
        tight.post(
            "/v1/projects/payments/sessions", token(), Map.of("ttlSeconds", 600, "maxUses", 50));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    JsonNode s = ApiHarness.json(r);
    assertThat(s.get("maxUses").asInt()).isEqualTo(3);
    assertThat(Instant.parse(s.get("expiresAt").asString()))
        .isBetween(before.plusSeconds(4), Instant.now().plusSeconds(5));
    String session = s.get("token").asString();
    for (int i = 0; i < 3; i++) {
      assertThat(
              tight
                  .post("/v1/projects/payments/sign/digest", session, SessionApiTest.digest(i))
                  .statusCode())
          .isEqualTo(200);
    }
    var exhausted =
        tight.post("/v1/projects/payments/sign/digest", session, SessionApiTest.digest(3));
    assertThat(exhausted.statusCode()).isEqualTo(401);
    assertThat(exhausted.body()).contains("session_exhausted");
  }

  @Test
  void switchedOffNoExchangeNoSessionAndTheTokenStaysGoodForARequest() throws Exception {
    String id = token();
    var r = off.post("/v1/projects/payments/sessions", id, Map.of());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    JsonNode error = ApiHarness.json(r).get("error");
    assertThat(error.get("code").asString()).isEqualTo("sessions_disabled");
    List<JsonNode> entries = off.auditOf(r);
    assertThat(entries).hasSize(1);
    assertThat(entries.getFirst().get("type").asString()).isEqualTo("DENIED");
    assertThat(entries.getFirst().get("details").get("reason").asString())
        .isEqualTo("sessions_disabled");
    // The single-use ID token was not spent by the refused exchange.
    assertThat(
            off.post("/v1/projects/payments/sign/digest", id, SessionApiTest.digest(10))
                .statusCode())
        .isEqualTo(200);

    // A session issued by the other process is refused by this one.
    var issued = tight.post("/v1/projects/payments/sessions", token(), Map.of());
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
    String session = ApiHarness.json(issued).get("token").asString();
    var refused = off.post("/v1/projects/payments/sign/digest", session, SessionApiTest.digest(11));
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(ApiHarness.json(refused).get("error").get("message").asString())
        .startsWith("session_disabled:");
    assertThat(
            tight
                .post("/v1/projects/payments/sign/digest", session, SessionApiTest.digest(12))
                .statusCode())
        .isEqualTo(200);
  }
}
