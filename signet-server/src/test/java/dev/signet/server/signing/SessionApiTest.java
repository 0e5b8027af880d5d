package dev.signet.server.signing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.server.origin.testing.TestCa;
import dev.signet.server.origin.testing.TestOidcIssuer;
import dev.signet.server.session.SessionLimits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Session tokens end to end over real HTTPS: a real OIDC issuer, real client certificates, two
 * server processes on one database. A session carries the exchange's verified origin, so the policy
 * still decides every request on those claims; it is bound to its project and, when made with one,
 * to the client certificate; it expires, runs out, and can be revoked by its holder or an admin.
 * Every step is in the audit log.
 */
class SessionApiTest {
  static final String AUD = "https://signet.test";

  @TempDir static Path tmp;
  static TestOidcIssuer issuer;
  static TestCa ca;
  static String database;
  static ApiHarness api;

  @BeforeAll
  static void start() throws Exception {
    issuer = TestOidcIssuer.start();
    ca = TestCa.root("CN=Acme Build CA, O=Acme");
    Files.writeString(tmp.resolve("ca.pem"), ca.pem());
    String caSha256 =
        HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(ca.certificate().getEncoded()));
    Path config = tmp.resolve("signet.yaml");
    Files.writeString(
        config,
        """
        server:
          tls:
            clientCa: ca.pem
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
                  claims: { repository_owner_id: "123456", ref: "refs/tags/v*" }
              - name: agents
                mtls:
                  caSha256: "%s"
                  subject: { CN: "agent-*" }
          billing:
            keys: [release]
            operations: [digest]
            rules:
              - name: release
                oidc:
                  issuer: github
                  claims: { repository_owner_id: "123456" }
          ledger:
            keys: [release, spare]
            operations: [digest]
            rules:
              - name: tokens
                token: true
        """
            .formatted(issuer.issuer(), AUD, caSha256));
    // An H2 database in this JVM that a second server process can open too.
    database =
        "jdbc:h2:mem:sessions"
            + UUID.randomUUID().toString().replace("-", "")
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
    api = new ApiHarness(tmp, config, database);
    for (String project : List.of("payments", "billing", "ledger")) {
      HttpResponse<String> r =
          api.post(
              "/v1/admin/projects/" + project + "/keys",
              api.adminToken,
              Map.of("key", "release", "algorithm", "ES256"));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }
  }

  @AfterAll
  static void stop() {
    api.close();
    issuer.close();
  }

  static String token(String ref) {
    Map<String, Object> c = issuer.githubClaims(AUD, Instant.now());
    c.put("ref", ref);
    c.put("sub", "repo:acme/payments:ref:" + ref);
    return issuer.mintEs256(c);
  }

  static Map<String, Object> digest(int n) throws Exception {
    byte[] d = MessageDigest.getInstance("SHA-256").digest(new byte[] {(byte) n});
    return Map.of(
        "key",
        "release",
        "digest",
        Map.of("algorithm", "sha256", "value", HexFormat.of().formatHex(d)));
  }

  static HttpResponse<String> exchange(
      ApiHarness on, HttpClient client, @Nullable String bearer, Object body) throws Exception {
    return on.post(client, "/v1/projects/payments/sessions", bearer, body);
  }

  /** A session of the payments project for a tag build; its token. */
  static String session(Map<String, Object> ask) throws Exception {
    HttpResponse<String> r = exchange(api, api.client, token("refs/tags/v1"), ask);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return ApiHarness.json(r).get("token").asString();
  }

  static String idOf(String sessionToken) {
    return sessionToken.substring(4, 20);
  }

  static HttpResponse<String> sign(ApiHarness on, HttpClient client, String bearer, int n)
      throws Exception {
    return on.post(client, "/v1/projects/payments/sign/digest", bearer, digest(n));
  }

  static HttpResponse<String> delete(HttpClient client, String path, String bearer)
      throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(api.base() + path))
            .DELETE()
            .header("Authorization", "Bearer " + bearer)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Refused with 401 naming {@code reason}, and a DENIED entry in the audit log says so. */
  static JsonNode refused(HttpResponse<String> r, String reason) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
    assertThat(ApiHarness.json(r).get("error").get("message").asString()).startsWith(reason + ":");
    List<JsonNode> entries = api.auditOf(r);
    assertThat(entries).hasSize(1);
    JsonNode e = entries.getFirst();
    assertThat(e.get("type").asString()).isEqualTo("DENIED");
    assertThat(e.get("details").get("reason").asString()).isEqualTo(reason);
    return e;
  }

  @Test
  void oneExchangeThenManySignaturesEachLoggedAsViaTheSession() throws Exception {
    Instant before = Instant.now();
    HttpResponse<String> r = exchange(api, api.client, token("refs/tags/v1.2.3"), Map.of());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    JsonNode s = ApiHarness.json(r);
    String token = s.get("token").asString();
    assertThat(token).matches("sgs_[0-9a-f]{16}_[0-9a-f]{64}");
    assertThat(s.get("sessionId").asString()).isEqualTo(idOf(token));
    assertThat(s.get("project").asString()).isEqualTo("payments");
    assertThat(s.get("maxUses").asInt()).isEqualTo(SessionLimits.DEFAULT_MAX_USES);
    assertThat(Instant.parse(s.get("expiresAt").asString()))
        .isBetween(
            before.plus(SessionLimits.DEFAULT_TTL).minusSeconds(1),
            Instant.now().plus(SessionLimits.DEFAULT_TTL));
    JsonNode issued = api.auditOf(r).getFirst();
    assertThat(issued.get("type").asString()).isEqualTo("SESSION_ISSUED");
    assertThat(issued.get("details").get("session").asString()).isEqualTo(idOf(token));
    assertThat(issued.get("caller").get("claims").get("ref").asString())
        .isEqualTo("refs/tags/v1.2.3");
    assertThat(issued.toString()).doesNotContain(token.substring(21));

    for (int i = 0; i < 20; i++) {
      HttpResponse<String> signed = sign(api, api.client, token, i);
      assertThat(signed.statusCode()).as(signed.body()).isEqualTo(200);
      JsonNode entry =
          ApiHarness.JSON.readTree(ApiHarness.json(signed).get("auditEntry").asString());
      assertThat(entry.get("type").asString()).isEqualTo("SIGNED");
      assertThat(entry.get("details").get("session").asString()).isEqualTo(idOf(token));
      assertThat(entry.get("caller").get("claims").get("ref").asString())
          .isEqualTo("refs/tags/v1.2.3");
      assertThat(entry.get("policy").toString()).contains("\"release\"");
    }
  }

  @Test
  void aCallerNoRuleAdmitsIsDeniedAtTheExchangeNamingTheCondition() throws Exception {
    HttpResponse<String> r = exchange(api, api.client, token("refs/heads/feature/x"), Map.of());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    String message = ApiHarness.json(r).get("error").get("message").asString();
    assertThat(message).contains("rule \"release\"").contains("refs/heads/feature/x");
    assertThat(message).contains("refs/tags/v*");
    // Another project's rules are not shown: billing would admit this caller.
    assertThat(r.body()).doesNotContain("billing");
    JsonNode e = api.auditOf(r).getFirst();
    assertThat(e.get("type").asString()).isEqualTo("DENIED");
    assertThat(e.get("details").get("stage").asString()).isEqualTo("session");
    assertThat(e.get("policy").get("decision").asString()).isEqualTo("deny");
    assertThat(e.get("caller").get("claims").get("ref").asString())
        .isEqualTo("refs/heads/feature/x");
    assertThat(api.auditOf(r)).noneMatch(x -> x.get("type").asString().equals("SESSION_ISSUED"));
  }

  @Test
  void thePolicyStillDecidesEachRequestOnTheExchangedClaims() throws Exception {
    String token = session(Map.of());
    byte[] statement =
        "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[],\"predicateType\":\"x\",\"predicate\":{}}"
            .getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> denied =
        api.post(
            api.client,
            "/v1/projects/payments/sign/attestation",
            token,
            Map.of(
                "key",
                "release",
                "payloadType",
                "application/vnd.in-toto+json",
                "payload",
                Base64.getEncoder().encodeToString(statement)));
    assertThat(denied.statusCode()).as(denied.body()).isEqualTo(403);
    assertThat(denied.body()).contains("operation attestation is not allowed");
    JsonNode e = api.auditOf(denied).getFirst();
    assertThat(e.get("type").asString()).isEqualTo("DENIED");
    assertThat(e.get("details").get("session").asString()).isEqualTo(idOf(token));
    assertThat(sign(api, api.client, token, 9).statusCode()).isEqualTo(200);
  }

  @Test
  void anExpiredSessionIsRefused() throws Exception {
    String token = session(Map.of("ttlSeconds", 1));
    Thread.sleep(1100);
    refused(sign(api, api.client, token, 2), "session_expired");
  }

  @Test
  void anExhaustedSessionIsRefusedWith401() throws Exception {
    String token = session(Map.of("maxUses", 2));
    assertThat(sign(api, api.client, token, 3).statusCode()).isEqualTo(200);
    assertThat(sign(api, api.client, token, 4).statusCode()).isEqualTo(200);
    JsonNode e = refused(sign(api, api.client, token, 5), "session_exhausted");
    assertThat(e.get("details").get("message").asString()).contains("used all its 2");
  }

  @Test
  void anotherProjectAnAlteredSecretAndChainingAreRefused() throws Exception {
    String token = session(Map.of());
    JsonNode e =
        refused(
            api.post(api.client, "/v1/projects/billing/sign/digest", token, digest(6)),
            "session_wrong_project");
    assertThat(e.get("project").asString()).isEqualTo("billing");

    char last = token.charAt(token.length() - 1);
    String altered = token.substring(0, token.length() - 1) + (last == '0' ? '1' : '0');
    HttpResponse<String> r = sign(api, api.client, altered, 7);
    refused(r, "session_unknown_session");
    assertThat(r.body()).doesNotContain(altered.substring(21));

    refused(exchange(api, api.client, token, Map.of()), "not_accepted");
    assertThat(sign(api, api.client, token, 8).statusCode()).isEqualTo(200);
  }

  @Test
  void aBadBodyIsRefusedBeforeTheSingleUseTokenIsSpent() throws Exception {
    String id = token("refs/tags/v9");
    HttpResponse<String> tooLong = exchange(api, api.client, id, Map.of("ttlSeconds", 901));
    assertThat(tooLong.statusCode()).as(tooLong.body()).isEqualTo(400);
    assertThat(tooLong.body()).contains("ttlSeconds must be an integer from 1 to 900");
    HttpResponse<String> tooMany = exchange(api, api.client, id, Map.of("maxUses", 100_001));
    assertThat(tooMany.statusCode()).isEqualTo(400);
    assertThat(exchange(api, api.client, id, Map.of("ttl", 5)).statusCode()).isEqualTo(400);
    HttpResponse<String> ok =
        exchange(api, api.client, id, Map.of("ttlSeconds", 900, "maxUses", 100_000));
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
    assertThat(ApiHarness.json(ok).get("maxUses").asInt()).isEqualTo(100_000);
    // The ID token was spent by the exchange: it cannot open a second session.
    refused(exchange(api, api.client, id, Map.of()), "replayed");
    refused(exchange(api, api.client, null, Map.of()), "no_credentials");
  }

  @Test
  void aSessionMadeWithAClientCertificateNeedsThatCertificate() throws Exception {
    HttpClient agent1 = api.client(ca.client("CN=agent-1, O=Acme").issue());
    HttpClient agent2 = api.client(ca.client("CN=agent-2, O=Acme").issue());
    HttpResponse<String> r = exchange(api, agent1, null, Map.of());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    assertThat(api.auditOf(r).getFirst().get("details").get("certificateBound").asString())
        .isEqualTo("true");
    String token = ApiHarness.json(r).get("token").asString();
    HttpResponse<String> signed = sign(api, agent1, token, 10);
    assertThat(signed.statusCode()).as(signed.body()).isEqualTo(200);
    assertThat(signed.body()).contains("mtls");
    refused(sign(api, api.client, token, 11), "session_certificate_mismatch");
    refused(sign(api, agent2, token, 12), "session_certificate_mismatch");

    String unbound = session(Map.of());
    refused(sign(api, agent1, unbound, 13), "session_certificate_mismatch");
  }

  @Test
  void theHolderOrAnAdminRevokesAndARevokedSessionIsRefused() throws Exception {
    String token = session(Map.of());
    String other = session(Map.of());
    HttpResponse<String> notYours =
        delete(api.client, "/v1/projects/payments/sessions/" + idOf(token), other);
    assertThat(notYours.statusCode()).as(notYours.body()).isEqualTo(403);
    assertThat(api.auditOf(notYours).getFirst().get("type").asString()).isEqualTo("DENIED");

    HttpResponse<String> own =
        delete(api.client, "/v1/projects/payments/sessions/" + idOf(token), token);
    assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
    JsonNode revoked = api.auditOf(own).getFirst();
    assertThat(revoked.get("type").asString()).isEqualTo("SESSION_REVOKED");
    assertThat(revoked.get("details").get("session").asString()).isEqualTo(idOf(token));
    refused(sign(api, api.client, token, 14), "session_revoked");

    HttpResponse<String> admin =
        delete(api.client, "/v1/projects/payments/sessions/" + idOf(other), api.adminToken);
    assertThat(admin.statusCode()).as(admin.body()).isEqualTo(200);
    refused(sign(api, api.client, other, 15), "session_revoked");
    assertThat(
            delete(api.client, "/v1/projects/payments/sessions/0123456789abcdef", api.adminToken)
                .statusCode())
        .isEqualTo(404);
  }

  @Test
  void aSecondServerProcessSeesTheRevocationWithinTheRecheckInterval() throws Exception {
    try (ApiHarness second = new ApiHarness(tmp, tmp.resolve("signet.yaml"), database)) {
      String token = session(Map.of());
      // The second process validates the session from the database and reserves uses.
      HttpResponse<String> there = sign(second, second.client, token, 16);
      assertThat(there.statusCode()).as(there.body()).isEqualTo(200);
      HttpResponse<String> own =
          delete(api.client, "/v1/projects/payments/sessions/" + idOf(token), token);
      assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
      refused(sign(api, api.client, token, 17), "session_revoked");
      Thread.sleep(SessionLimits.RECHECK_INTERVAL.toMillis() + 100);
      HttpResponse<String> late = sign(second, second.client, token, 18);
      assertThat(late.statusCode()).as(late.body()).isEqualTo(401);
      assertThat(late.body()).contains("session_revoked");
    }
  }

  /** A project token of the ledger project: its id and the token. */
  static String[] ledgerToken() throws Exception {
    HttpResponse<String> issued =
        api.post(
            "/v1/admin/projects/ledger/tokens",
            api.adminToken,
            Map.of("operations", List.of("digest"), "expiresIn", "P1D"));
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
    JsonNode j = ApiHarness.json(issued);
    return new String[] {j.get("id").asString(), j.get("token").asString()};
  }

  static String ledgerSession(String projectToken) throws Exception {
    HttpResponse<String> r =
        api.post(api.client, "/v1/projects/ledger/sessions", projectToken, Map.of());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return ApiHarness.json(r).get("token").asString();
  }

  static HttpResponse<String> signLedger(ApiHarness on, String bearer, String key, int n)
      throws Exception {
    Map<String, Object> body = new java.util.HashMap<>(digest(n));
    body.put("key", key);
    return on.post(on.client, "/v1/projects/ledger/sign/digest", bearer, body);
  }

  @Test
  void revokingAProjectTokenEndsItsSessionsOnBothProcesses() throws Exception {
    try (ApiHarness second = new ApiHarness(tmp, tmp.resolve("signet.yaml"), database)) {
      String[] t = ledgerToken();
      String viaToken = ledgerSession(t[1]);
      String viaOtherToken = ledgerSession(ledgerToken()[1]);
      String viaOidc = session(Map.of());
      // The second process validated the session and holds a reservation of uses.
      HttpResponse<String> there = signLedger(second, viaToken, "release", 30);
      assertThat(there.statusCode()).as(there.body()).isEqualTo(200);

      HttpResponse<String> revoked = api.delete("/v1/admin/tokens/" + t[0], api.adminToken);
      assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
      assertThat(ApiHarness.json(revoked).get("sessionsRevoked").asInt()).isEqualTo(1);
      List<JsonNode> entries = api.auditOf(revoked);
      assertThat(entries).hasSize(1);
      assertThat(entries.getFirst().get("type").asString()).isEqualTo("TOKEN_REVOKED");
      assertThat(entries.getFirst().get("details").get("tokenId").asString()).isEqualTo(t[0]);

      HttpResponse<String> here = signLedger(api, viaToken, "release", 31);
      assertThat(here.statusCode()).as(here.body()).isEqualTo(401);
      assertThat(here.body()).contains("session_revoked");
      Thread.sleep(SessionLimits.RECHECK_INTERVAL.toMillis() + 100);
      HttpResponse<String> late = signLedger(second, viaToken, "release", 32);
      assertThat(late.statusCode()).as(late.body()).isEqualTo(401);
      assertThat(late.body()).contains("session_revoked");
      // Sessions another token or an OIDC token opened are not touched.
      assertThat(signLedger(second, viaOtherToken, "release", 33).statusCode()).isEqualTo(200);
      assertThat(sign(second, second.client, viaOidc, 34).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void signingThroughASessionFollowsTheKeysState() throws Exception {
    HttpResponse<String> created =
        api.post(
            "/v1/admin/projects/ledger/keys",
            api.adminToken,
            Map.of("key", "spare", "algorithm", "ES256"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String token = ledgerSession(ledgerToken()[1]);
    HttpResponse<String> v1 = signLedger(api, token, "spare", 40);
    assertThat(v1.statusCode()).as(v1.body()).isEqualTo(200);
    assertThat(ApiHarness.json(v1).get("kid").asString()).isEqualTo("spare-v1");

    HttpResponse<String> rotated =
        api.post("/v1/admin/projects/ledger/keys/spare/rotate", api.adminToken, Map.of());
    assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
    HttpResponse<String> v2 = signLedger(api, token, "spare", 41);
    assertThat(v2.statusCode()).as(v2.body()).isEqualTo(200);
    assertThat(ApiHarness.json(v2).get("kid").asString()).isEqualTo("spare-v2");

    HttpResponse<String> retired =
        api.post(
            "/v1/admin/projects/ledger/keys/spare/versions/2/retire", api.adminToken, Map.of());
    assertThat(retired.statusCode()).as(retired.body()).isEqualTo(200);
    HttpResponse<String> afterRetire = signLedger(api, token, "spare", 42);
    assertThat(afterRetire.statusCode()).as(afterRetire.body()).isEqualTo(409);
    assertThat(afterRetire.body()).contains("key_not_signing");

    assertThat(
            api.post("/v1/admin/projects/ledger/keys/spare/rotate", api.adminToken, Map.of())
                .statusCode())
        .isEqualTo(200);
    assertThat(signLedger(api, token, "spare", 43).statusCode()).isEqualTo(200);
    HttpResponse<String> revoked =
        api.post(
            "/v1/admin/projects/ledger/keys/spare/versions/3/revoke", api.adminToken, Map.of());
    assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
    HttpResponse<String> afterRevoke = signLedger(api, token, "spare", 44);
    assertThat(afterRevoke.statusCode()).as(afterRevoke.body()).isEqualTo(409);
    assertThat(afterRevoke.body()).contains("key_not_signing");
  }

  @Test
  void theDigestSignedThroughASessionVerifies() throws Exception {
    String token = session(Map.of());
    HttpResponse<String> r = sign(api, api.client, token, 19);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode signed = ApiHarness.json(r);
    assertThat(signed.get("signature").asString()).isNotEmpty();
    assertThat(
            new String(
                Base64.getDecoder().decode(signed.get("signature").asString()),
                StandardCharsets.ISO_8859_1))
        .isNotEmpty();
  }
}
