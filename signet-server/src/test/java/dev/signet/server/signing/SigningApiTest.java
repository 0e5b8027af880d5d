package dev.signet.server.signing;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.signet.attest.Dsse;
import dev.signet.attest.DsseEnvelope;
import dev.signet.input.InputLimits;
import dev.signet.job.Job;
import dev.signet.job.JobExpander;
import dev.signet.job.JobVerdict;
import dev.signet.job.JobVerifier;
import dev.signet.keys.KeySet;
import dev.signet.keys.VerifyingKey;
import dev.signet.pipeline.Pipeline;
import dev.signet.pipeline.PipelineParser;
import dev.signet.server.origin.testing.TestCa;
import dev.signet.server.origin.testing.TestOidcIssuer;
import dev.signet.tlog.NoteVerifier;
import dev.signet.tlog.Receipt;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The service end to end over real HTTPS: real OIDC tokens from a local issuer, real client
 * certificates, keys in custody, the policy engine, approvals and the audit log.
 */
class SigningApiTest {
  static final String AUD = "https://signet.test";
  static final String REPO = "https://github.com/acme/payments.git";

  @TempDir static Path tmp;
  static TestOidcIssuer issuer;
  static TestCa ca;
  static Path config;
  static ApiHarness api;

  static String policy(String releaseRef) {
    return """
    projects:
      payments:
        keys: [release, pipeline-key]
        operations: [pipeline, digest, attestation]
        rules:
          - name: release
            operations: [digest, attestation]
            keys: release
            oidc:
              issuer: github
              claims:
                repository_owner_id: "123456"
                ref: "%s"
          - name: hotfix
            operations: [digest]
            keys: release
            oidc:
              issuer: github
              claims:
                repository_owner_id: "123456"
                ref: "refs/heads/hotfix/**"
            approval: { role: release-managers, quorum: 2, expires: 24h }
            grant: { ttl: 1h, maxSignatures: 2 }
          - name: pipelines
            operations: [pipeline]
            keys: pipeline-key
            token: true
    """
        .formatted(releaseRef);
  }

  static String configText(String releaseRef) {
    return """
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
    """
            .formatted(issuer.issuer(), AUD)
        + policy(releaseRef);
  }

  @BeforeAll
  static void start() throws Exception {
    issuer = TestOidcIssuer.start();
    ca = TestCa.root("CN=Acme Build CA, O=Acme");
    Files.writeString(tmp.resolve("ca.pem"), ca.pem());
    config = tmp.resolve("signet.yaml");
    Files.writeString(config, configText("refs/tags/v*"));
    api = new ApiHarness(tmp, config);
    for (String[] k : new String[][] {{"release", "ES256"}, {"pipeline-key", "EdDSA"}}) {
      HttpResponse<String> r =
          api.post(
              "/v1/admin/projects/payments/keys",
              api.adminToken,
              Map.of("key", k[0], "algorithm", k[1]));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      assertThat(api.auditOf(r).getFirst().get("type").asString()).isEqualTo("KEY_CREATED");
    }
  }

  @AfterAll
  static void stop() {
    api.close();
    issuer.close();
  }

  static Map<String, Object> claims(String ref) {
    Map<String, Object> c = issuer.githubClaims(AUD, Instant.now());
    c.put("ref", ref);
    c.put("sub", "repo:acme/payments:ref:" + ref);
    return c;
  }

  static String token(String ref) {
    return issuer.mintEs256(claims(ref));
  }

  static Map<String, Object> digestBody(byte[] data) throws Exception {
    return Map.of(
        "key",
        "release",
        "digest",
        Map.of("algorithm", "sha256", "value", HexFormat.of().formatHex(sha256(data))));
  }

  static byte[] sha256(byte[] data) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(data);
  }

  static VerifyingKey jwksKey(String kid) throws Exception {
    String jwks = api.get("/v1/projects/payments/jwks.json", null).body();
    for (VerifyingKey k : KeySet.parse(jwks, "jwks").verifyingKeys()) {
      if (kid.equals(k.keyId())) {
        return k;
      }
    }
    throw new AssertionError("no " + kid + " in " + jwks);
  }

  /** The response's receipt verifies its audit entry under the log's key. */
  static void receiptVerifies(JsonNode signed) throws Exception {
    Receipt receipt = Receipt.parse(signed.get("receipt").toString(), "receipt");
    receipt.verify(
        signed.get("auditEntry").asString().getBytes(StandardCharsets.UTF_8),
        new NoteVerifier(List.of(api.context.auditLog().logKey())));
  }

  /** The request was refused, and the audit log has a DENIED entry for it naming why. */
  static JsonNode deniedAndLogged(HttpResponse<String> r, int status, String reason)
      throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    List<JsonNode> entries = api.auditOf(r);
    assertThat(entries).as("audit entries of " + r.body()).hasSize(1);
    JsonNode e = entries.getFirst();
    assertThat(e.get("type").asString()).isEqualTo("DENIED");
    assertThat(e.toString()).contains(reason);
    return e;
  }

  @Test
  void tagTokenGetsADigestSignatureThatVerifiesWithTheJwksAndAReceipt() throws Exception {
    byte[] artifact = "release-1.2.3.tar.gz".getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> r =
        api.post(
            "/v1/projects/payments/sign/digest", token("refs/tags/v1.2.3"), digestBody(artifact));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode signed = ApiHarness.json(r);
    assertThat(signed.get("algorithm").asString()).isEqualTo("ES256");
    VerifyingKey key = jwksKey(signed.get("kid").asString());
    byte[] sig = Base64.getDecoder().decode(signed.get("signature").asString());
    assertThat(key.verifyDigest(sha256(artifact), sig)).isTrue();
    receiptVerifies(signed);
    JsonNode entry = ApiHarness.JSON.readTree(signed.get("auditEntry").asString());
    assertThat(entry.get("type").asString()).isEqualTo("SIGNED");
    assertThat(entry.get("subject").get("digest").asString())
        .isEqualTo(HexFormat.of().formatHex(sha256(artifact)));
    assertThat(entry.get("signatureSha256").asString())
        .isEqualTo(HexFormat.of().formatHex(sha256(sig)));
    assertThat(entry.get("policy").get("decision").asString()).isEqualTo("allow");
    assertThat(entry.get("key").get("kid").asString()).isEqualTo("release-v1");
    assertThat(api.get("/metrics", null).body()).contains("signet_decisions_total");
  }

  @Test
  void featureBranchIsDeniedNamingTheCondition() throws Exception {
    HttpResponse<String> r =
        api.post(
            "/v1/projects/payments/sign/digest",
            token("refs/heads/feature/x"),
            digestBody(new byte[] {1}));
    JsonNode e = deniedAndLogged(r, 403, "claim_mismatch");
    assertThat(ApiHarness.json(r).get("error").get("message").asString())
        .contains("refs/heads/feature/x")
        .contains("refs/tags/v*");
    assertThat(e.get("policy").get("decision").asString()).isEqualTo("deny");
  }

  @Test
  void forgedExpiredMisaddressedAndForeignTokensAreDeniedAndLogged() throws Exception {
    String path = "/v1/projects/payments/sign/digest";
    Map<String, Object> body = digestBody(new byte[] {2});
    String tag = "refs/tags/v9";

    Map<String, Object> expired = claims(tag);
    long now = Instant.now().getEpochSecond();
    expired.put("iat", now - 400);
    expired.put("nbf", now - 400);
    expired.put("exp", now - 200);
    deniedAndLogged(api.post(path, issuer.mintEs256(expired), body), 401, "expired");

    Map<String, Object> wrongAud = claims(tag);
    wrongAud.put("aud", "https://other.test");
    deniedAndLogged(api.post(path, issuer.mintEs256(wrongAud), body), 401, "wrong_audience");

    try (TestOidcIssuer other = TestOidcIssuer.start()) {
      deniedAndLogged(
          api.post(path, other.mintEs256(other.githubClaims(AUD, Instant.now())), body),
          401,
          "unknown_issuer");
    }

    String forged =
        TestOidcIssuer.sign(
            claims(tag),
            JWSAlgorithm.ES256,
            issuer.ecKey().getKeyID(),
            TestOidcIssuer.signer(new ECKeyGenerator(Curve.P_256).generate()));
    deniedAndLogged(api.post(path, forged, body), 401, "bad_signature");

    String none =
        TestOidcIssuer.raw(
            "{\"alg\":\"none\",\"typ\":\"JWT\"}",
            ApiHarness.JSON.writeValueAsString(claims(tag)),
            new byte[0]);
    deniedAndLogged(api.post(path, none, body), 401, "alg_not_allowed");

    Map<String, Object> otherOrg = claims(tag);
    otherOrg.put("repository_owner_id", "999999");
    deniedAndLogged(api.post(path, issuer.mintEs256(otherOrg), body), 401, "tenant_mismatch");

    String once = token(tag);
    assertThat(api.post(path, once, body).statusCode()).isEqualTo(200);
    HttpResponse<String> replayed = api.post(path, once, body);
    deniedAndLogged(replayed, 401, "replayed");
    assertThat(replayed.body()).doesNotContain(once);

    deniedAndLogged(api.post(path, null, body), 401, "no_credentials");
  }

  @Test
  void aClientCertificateOfTheConfiguredCaIsAnOriginAndAnotherCasIsRefused() throws Exception {
    TestCa.Issued good = ca.client("CN=agent-1, O=Acme").issue();
    HttpResponse<String> r =
        api.post(
            api.client(good),
            "/v1/projects/payments/sign/digest",
            token("refs/tags/v3"),
            digestBody(new byte[] {3}));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode entry = ApiHarness.JSON.readTree(ApiHarness.json(r).get("auditEntry").asString());
    assertThat(entry.get("caller").get("methods").toString()).contains("mtls").contains("oidc");

    // Another CA's certificate with a good token: the handshake passes, the origin verifier
    // refuses the certificate, and the refusal is in the audit log.
    TestCa.Issued foreign = TestCa.root("CN=Evil CA").client("CN=agent-1, O=Acme").issue();
    HttpResponse<String> refused =
        api.post(
            api.client(foreign),
            "/v1/projects/payments/sign/digest",
            token("refs/tags/v3"),
            digestBody(new byte[] {3}));
    deniedAndLogged(refused, 401, "DENIED");
    assertThat(refused.body()).doesNotContain("Evil");
  }

  @Test
  void pipelineSignedThroughTheServiceVerifiesWithTheAgentsJobVerifier() throws Exception {
    HttpResponse<String> issued =
        api.post(
            "/v1/admin/projects/payments/tokens",
            api.adminToken,
            Map.of("operations", List.of("pipeline"), "expiresIn", "P1D"));
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
    String projectToken = ApiHarness.json(issued).get("token").asString();
    String pipeline =
        """
        steps:
          - key: build
            label: ":hammer: build"
            command: make test
            env:
              GOFLAGS: -mod=vendor
          - group: deploy
            steps:
              - key: deploy-prod
                command: ./deploy.sh production
        """;
    HttpResponse<String> r =
        api.post(
            "/v1/projects/payments/sign/pipeline",
            projectToken,
            Map.of("pipeline", pipeline, "repository", REPO));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode signed = ApiHarness.json(r);
    receiptVerifies(signed);
    List<Pipeline> docs =
        PipelineParser.parseAll(signed.get("pipeline").asString(), "signed", InputLimits.DEFAULT);
    String jwks = api.get("/v1/projects/payments/jwks.json", null).body();
    JobVerifier verifier =
        new JobVerifier(
            KeySet.parse(jwks, "jwks").verificationKeys(), JobVerifier.FailureBehavior.BLOCK);
    List<Job> jobs = JobExpander.expand(docs, REPO, Map.of());
    assertThat(jobs).hasSize(2);
    for (Job job : jobs) {
      assertThat(verifier.verify(job)).isInstanceOf(JobVerdict.Verified.class);
    }
    // Signed for another repository, the jobs do not verify.
    for (Job job : JobExpander.expand(docs, "https://github.com/evil/x.git", Map.of())) {
      assertThat(verifier.verify(job)).isInstanceOf(JobVerdict.Failed.class);
    }

    // Revoked, the token is refused, and the refusal is in the log.
    String id = ApiHarness.json(issued).get("id").asString();
    assertThat(api.delete("/v1/admin/tokens/" + id, api.adminToken).statusCode()).isEqualTo(200);
    deniedAndLogged(
        api.post(
            "/v1/projects/payments/sign/pipeline",
            projectToken,
            Map.of("pipeline", pipeline, "repository", REPO)),
        401,
        "revoked");
  }

  @Test
  void dsseEnvelopeVerifiesWithCore() throws Exception {
    byte[] statement =
        "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[],\"predicateType\":\"x\",\"predicate\":{}}"
            .getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> r =
        api.post(
            "/v1/projects/payments/sign/attestation",
            token("refs/tags/v4"),
            Map.of(
                "key",
                "release",
                "payloadType",
                Dsse.IN_TOTO_PAYLOAD_TYPE,
                "payload",
                Base64.getEncoder().encodeToString(statement)));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode signed = ApiHarness.json(r);
    receiptVerifies(signed);
    DsseEnvelope env = DsseEnvelope.parse(signed.get("envelope").toString(), "envelope");
    byte[] payload = Dsse.verify(env, jwksKey("release-v1"), "envelope");
    assertThat(payload).isEqualTo(statement);
  }

  @Test
  void twoOfThreeApproveThenTheSignatureIsThereAndTheGrantServesLaterRequests() throws Exception {
    List<String> approvers = new ArrayList<>();
    for (String name : List.of("alice", "bob", "carol")) {
      HttpResponse<String> p =
          api.post(
              "/v1/admin/principals",
              api.adminToken,
              Map.of("name", name, "roles", List.of("release-managers")));
      assertThat(p.statusCode()).as(p.body()).isEqualTo(201);
      approvers.add(ApiHarness.json(p).get("token").asString());
    }
    String ref = "refs/heads/hotfix/cve-1";
    byte[] artifact = "hotfix.tar.gz".getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> asked =
        api.post("/v1/projects/payments/sign/digest", token(ref), digestBody(artifact));
    assertThat(asked.statusCode()).as(asked.body()).isEqualTo(202);
    String id = ApiHarness.json(asked).get("request").get("id").asString();
    assertThat(api.auditOf(asked).getFirst().get("type").asString())
        .isEqualTo("APPROVAL_REQUESTED");

    // The requester (same issuer and subject, a fresh token) may not approve: denied, logged.
    deniedAndLogged(
        api.post("/v1/requests/" + id + "/approve", token(ref), Map.of()), 403, "self_approval");
    // Nor may a principal without the role.
    String outsider =
        ApiHarness.json(
                api.post(
                    "/v1/admin/principals",
                    api.adminToken,
                    Map.of("name", "mallory", "roles", List.of("developers"))))
            .get("token")
            .asString();
    deniedAndLogged(
        api.post("/v1/requests/" + id + "/approve", outsider, Map.of()), 403, "not_in_role");

    HttpResponse<String> first =
        api.post("/v1/requests/" + id + "/approve", approvers.get(0), Map.of("comment", "ok"));
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(ApiHarness.json(first).get("status").asString()).isEqualTo("pending");
    assertThat(api.post("/v1/requests/" + id + "/approve", approvers.get(0), Map.of()).statusCode())
        .isEqualTo(409);
    HttpResponse<String> second =
        api.post("/v1/requests/" + id + "/approve", approvers.get(1), Map.of());
    assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
    assertThat(ApiHarness.json(second).get("status").asString()).isEqualTo("approved");
    List<String> types = api.auditOf(second).stream().map(n -> n.get("type").asString()).toList();
    assertThat(types).containsExactly("APPROVED", "GRANT_ISSUED", "SIGNED");

    HttpResponse<String> polled = api.get("/v1/requests/" + id, approvers.get(2));
    assertThat(polled.statusCode()).as(polled.body()).isEqualTo(200);
    JsonNode result = ApiHarness.json(polled).get("result");
    byte[] sig = Base64.getDecoder().decode(result.get("signature").asString());
    assertThat(jwksKey(result.get("kid").asString()).verifyDigest(sha256(artifact), sig)).isTrue();
    receiptVerifies(result);
    // The requester polls with a new token of the same subject.
    assertThat(api.get("/v1/requests/" + id, token(ref)).statusCode()).isEqualTo(200);
    // Someone else's token sees nothing.
    assertThat(api.get("/v1/requests/" + id, token("refs/tags/v7")).statusCode()).isEqualTo(404);

    // The grant (2 signatures) covers the next two requests of the rule, then approval again.
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> g =
          api.post("/v1/projects/payments/sign/digest", token(ref), digestBody(new byte[] {9}));
      assertThat(g.statusCode()).as(g.body()).isEqualTo(200);
      JsonNode entry = ApiHarness.JSON.readTree(ApiHarness.json(g).get("auditEntry").asString());
      assertThat(entry.has("grantId")).isTrue();
    }
    assertThat(
            api.post("/v1/projects/payments/sign/digest", token(ref), digestBody(new byte[] {9}))
                .statusCode())
        .isEqualTo(202);
  }

  @Test
  void keysRotateRetireAndRevokeThroughTheAdminApi() throws Exception {
    String base = "/v1/admin/projects/keys-test/keys";
    assertThat(
            api.post(base, api.adminToken, Map.of("key", "k", "algorithm", "ES384")).statusCode())
        .isEqualTo(201);
    HttpResponse<String> rotated = api.post(base + "/k/rotate", api.adminToken, Map.of());
    assertThat(ApiHarness.json(rotated).get("kid").asString()).isEqualTo("k-v2");
    assertThat(api.auditOf(rotated).getFirst().get("type").asString()).isEqualTo("KEY_ROTATED");
    JsonNode info = ApiHarness.json(api.get("/v1/projects/keys-test/keys/k", null));
    assertThat(info.get("version").asInt()).isEqualTo(2);
    assertThat(info.get("publicKeyPem").asString()).startsWith("-----BEGIN PUBLIC KEY-----");
    assertThat(api.post(base + "/k/versions/1/retire", api.adminToken, Map.of()).statusCode())
        .isEqualTo(200);
    HttpResponse<String> revoked =
        api.post(
            base + "/k/versions/1/revoke",
            api.adminToken,
            Map.of("effectiveAt", "2020-01-01T00:00:00Z"));
    assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
    assertThat(api.auditOf(revoked).getFirst().get("type").asString()).isEqualTo("KEY_REVOKED");
    String jwks = api.get("/v1/projects/keys-test/jwks.json", null).body();
    assertThat(jwks).contains("k-v2").doesNotContain("k-v1");
    // Later, never: 409.
    assertThat(
            api.post(
                    base + "/k/versions/1/revoke",
                    api.adminToken,
                    Map.of("effectiveAt", "2030-01-01T00:00:00Z"))
                .statusCode())
        .isEqualTo(409);
    // Admin routes refuse CI tokens and unknown admin tokens, and log it.
    deniedAndLogged(
        api.post(base, token("refs/tags/v1"), Map.of("key", "x", "algorithm", "ES256")),
        401,
        "not_accepted");
    deniedAndLogged(
        api.post(base, "sga_00_" + "0".repeat(64), Map.of("key", "x", "algorithm", "ES256")),
        401,
        "unknown_token");
  }

  @Test
  void policyReloadRacingRequestsDecidesEachUnderOneVersion() throws Exception {
    String before =
        ApiHarness.json(api.post("/v1/admin/policy/reload", api.adminToken, Map.of()))
            .get("version")
            .asString();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<HttpResponse<String>>> calls = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        String t = token("refs/tags/v10." + i);
        calls.add(
            pool.submit(() ->
                api.post("/v1/projects/payments/sign/digest", t, digestBody(new byte[] {10}))));
        if (i == 8) {
          Files.writeString(config, configText("refs/tags/release-*"));
          calls.add(
              pool.submit(() -> api.post("/v1/admin/policy/reload", api.adminToken, Map.of())));
        }
      }
      String after = null;
      for (Future<HttpResponse<String>> f : calls) {
        HttpResponse<String> r = f.get();
        if (r.uri().getPath().endsWith("/reload")) {
          JsonNode reload = ApiHarness.json(r);
          after = reload.get("version").asString();
          assertThat(reload.get("changed").asBoolean()).isTrue();
          JsonNode e = api.auditOf(r).getFirst();
          assertThat(e.get("type").asString()).isEqualTo("POLICY_CHANGED");
          assertThat(e.get("details").get("version").asString()).isEqualTo(after);
          continue;
        }
        assertThat(r.statusCode()).as(r.body()).isIn(200, 403);
        JsonNode entry = api.auditOf(r).getFirst();
        assertThat(entry.get("type").asString())
            .isEqualTo(r.statusCode() == 200 ? "SIGNED" : "DENIED");
      }
      assertThat(after).isNotNull().isNotEqualTo(before);
      // After the reload returned, the old rule no longer signs.
      deniedAndLogged(
          api.post(
              "/v1/projects/payments/sign/digest",
              token("refs/tags/v11"),
              digestBody(new byte[] {11})),
          403,
          "claim_mismatch");
      assertThat(
              api.post(
                      "/v1/projects/payments/sign/digest",
                      token("refs/tags/release-11"),
                      digestBody(new byte[] {11}))
                  .statusCode())
          .isEqualTo(200);
    } finally {
      pool.shutdownNow();
      Files.writeString(config, configText("refs/tags/v*"));
      api.post("/v1/admin/policy/reload", api.adminToken, Map.of());
    }
  }
}
