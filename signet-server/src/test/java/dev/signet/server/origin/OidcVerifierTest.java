package dev.signet.server.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.signet.input.InputLimits;
import dev.signet.server.origin.OriginException.Reason;
import dev.signet.server.origin.testing.MutableClock;
import dev.signet.server.origin.testing.TestOidcIssuer;
import dev.signet.testing.FuzzChecks;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OIDC ID-token verification against real issuers on 127.0.0.1: the happy paths for GitHub- and
 * Buildkite-shaped tokens, and each attack refused with its reason.
 */
class OidcVerifierTest {
  static final String AUD = "https://sign.example.com/projects/payments";

  TestOidcIssuer github;
  TestOidcIssuer buildkite;
  MutableClock clock;
  OidcVerifier verifier;

  @BeforeEach
  void start() throws Exception {
    github = TestOidcIssuer.start();
    buildkite = TestOidcIssuer.start();
    clock = MutableClock.startingNow();
    verifier =
        new OidcVerifier(
            List.of(githubConfig(github), buildkiteConfig(buildkite, "acme")),
            new InMemoryReplayGuard(clock),
            clock);
  }

  @AfterEach
  void stop() {
    github.close();
    buildkite.close();
  }

  static IssuerConfig githubConfig(TestOidcIssuer issuer) throws OriginConfigException {
    return IssuerConfig.builder(IssuerPreset.GITHUB)
        .issuer(issuer.issuer())
        .allowInsecureLoopback(true)
        .audience(AUD)
        .pin("repository_owner_id", "123456")
        .build();
  }

  static IssuerConfig buildkiteConfig(TestOidcIssuer issuer, String org)
      throws OriginConfigException {
    return IssuerConfig.builder(IssuerPreset.BUILDKITE)
        .issuer(issuer.issuer())
        .allowInsecureLoopback(true)
        .audience(AUD)
        .pin("organization_slug", org)
        .build();
  }

  Map<String, Object> gh() {
    return github.githubClaims(AUD, clock.instant());
  }

  OriginException refused(String token, Reason reason) {
    OriginException e =
        (OriginException)
            org.assertj.core.api.Assertions.catchThrowable(() -> verifier.verify(token));
    assertThat(e).as("verify must refuse").isNotNull();
    assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
    FuzzChecks.typed(e, List.of(token));
    return e;
  }

  @Test
  void githubEs256TokenVerifies() throws Exception {
    Map<String, Object> claims = gh();
    Credential.Oidc c = verifier.verify(github.mintEs256(claims));
    assertThat(c.issuerName()).isEqualTo("github");
    assertThat(c.issuer()).isEqualTo(github.issuer());
    assertThat(c.subject()).isEqualTo("repo:acme/payments:ref:refs/heads/main");
    assertThat(c.audience()).isEqualTo(AUD);
    assertThat(c.tokenId()).isEqualTo(claims.get("jti"));
    assertThat(c.claims())
        .containsEntry("repository_id", "456789")
        .containsEntry(
            "job_workflow_ref", "acme/release-tools/.github/workflows/sign.yml@refs/heads/main")
        .containsEntry("exp", String.valueOf(claims.get("exp")));
    assertThat(c.expiresAt()).isEqualTo(Instant.ofEpochSecond((Long) claims.get("exp")));
  }

  @Test
  void githubRs256TokenVerifies() throws Exception {
    assertThat(verifier.verify(github.mintRs256(gh())).claims()).containsEntry("run_attempt", "1");
  }

  @Test
  void buildkiteTokenOfThePinnedOrganisationVerifies() throws Exception {
    Credential.Oidc c =
        verifier.verify(
            buildkite.mintRs256(buildkite.buildkiteClaims(AUD, "acme", clock.instant())));
    assertThat(c.issuerName()).isEqualTo("buildkite");
    assertThat(c.claims())
        .containsEntry("build_number", "1234")
        .containsEntry("pipeline_slug", "payments");
  }

  @Test
  void buildkiteTokenOfAnotherOrganisationIsRefused() {
    // The issuer is shared by every Buildkite customer: the token verifies, the tenant does not.
    String token =
        buildkite.mintEs256(buildkite.buildkiteClaims(AUD, "evil-corp", clock.instant()));
    assertThat(refused(token, Reason.TENANT_MISMATCH).getMessage())
        .contains("organization_slug")
        .contains("evil-corp");
  }

  @Test
  void buildkiteConfigWithoutTenantPinIsAConfigError() {
    assertThatThrownBy(() -> IssuerConfig.builder(IssuerPreset.BUILDKITE).audience(AUD).build())
        .isInstanceOf(OriginConfigException.class)
        .hasMessageContaining("organization_id or organization_slug");
  }

  @Test
  void expiredTokenIsRefused() {
    String token = github.mintEs256(gh());
    clock.advance(Duration.ofSeconds(300 + 30 + 1));
    refused(token, Reason.EXPIRED);
  }

  @Test
  void tokenWithinLeewayAfterExpiryVerifies() throws Exception {
    String token = github.mintEs256(gh());
    clock.advance(Duration.ofSeconds(300 + 30));
    verifier.verify(token);
  }

  @Test
  void notYetValidTokenIsRefused() {
    Map<String, Object> c = github.githubClaims(AUD, clock.instant().plusSeconds(120));
    refused(github.mintEs256(c), Reason.NOT_YET_VALID);
  }

  @Test
  void tokenIssuedInTheFutureWithoutNbfIsRefused() {
    Map<String, Object> c = github.githubClaims(AUD, clock.instant().plusSeconds(120));
    c.remove("nbf");
    assertThat(refused(github.mintEs256(c), Reason.NOT_YET_VALID).getMessage()).contains("iat");
  }

  @Test
  void tooOldTokenIsRefused() {
    Map<String, Object> c = gh();
    c.put("iat", clock.instant().getEpochSecond() - 700);
    c.put("nbf", clock.instant().getEpochSecond() - 700);
    refused(github.mintEs256(c), Reason.TOO_OLD);
  }

  @Test
  void wrongAudienceIsRefused() {
    Map<String, Object> c = gh();
    c.put("aud", "https://github.com/acme"); // GitHub's default audience
    refused(github.mintEs256(c), Reason.WRONG_AUDIENCE);
  }

  @Test
  void tokenForSeveralAudiencesIsRefused() {
    Map<String, Object> c = gh();
    c.put("aud", List.of(AUD, "https://other.example.com"));
    refused(github.mintEs256(c), Reason.WRONG_AUDIENCE);
  }

  @Test
  void singleAudienceArrayVerifies() throws Exception {
    Map<String, Object> c = gh();
    c.put("aud", List.of(AUD));
    assertThat(verifier.verify(github.mintEs256(c)).audience()).isEqualTo(AUD);
  }

  @Test
  void unknownIssuerIsRefusedWithoutFetchingAnything() {
    Map<String, Object> c = gh();
    c.put("iss", "https://token.actions.githubusercontent.com");
    refused(github.mintEs256(c), Reason.UNKNOWN_ISSUER);
    assertThat(github.discoveryRequests()).isZero();
  }

  @Test
  void forgedTokenWithTheIssuersKidIsRefused() throws Exception {
    ECKey attacker = new ECKeyGenerator(Curve.P_256).keyID(github.ecKey().getKeyID()).generate();
    String token =
        TestOidcIssuer.sign(
            gh(), JWSAlgorithm.ES256, attacker.getKeyID(), TestOidcIssuer.signer(attacker));
    refused(token, Reason.BAD_SIGNATURE);
  }

  @Test
  void algNoneIsRefused() {
    String token =
        TestOidcIssuer.raw(
            "{\"alg\":\"none\",\"kid\":\"ec-1\",\"typ\":\"JWT\"}", claimsJson(gh()), new byte[0]);
    refused(token, Reason.ALG_NOT_ALLOWED);
  }

  @Test
  void hs256WithThePublicKeyAsSecretIsRefused() throws Exception {
    byte[] publicKey = github.rsaKey().toRSAPublicKey().getEncoded();
    String token =
        TestOidcIssuer.sign(
            gh(), JWSAlgorithm.HS256, github.rsaKey().getKeyID(), new MACSigner(publicKey));
    refused(token, Reason.ALG_NOT_ALLOWED);
    assertThat(github.jwksRequests()).isZero();
  }

  @Test
  void algThatDoesNotFitTheKeyIsRefused() {
    // An RS256 header naming the EC key: never verify with a key of another type.
    String token =
        TestOidcIssuer.sign(
            gh(),
            JWSAlgorithm.RS256,
            github.ecKey().getKeyID(),
            TestOidcIssuer.signer(github.rsaKey()));
    refused(token, Reason.ALG_NOT_ALLOWED);
  }

  @Test
  void algAllowedGloballyButNotByTheIssuerIsRefused() throws Exception {
    String token =
        TestOidcIssuer.raw(
            "{\"alg\":\"PS256\",\"kid\":\"rsa-1\"}", claimsJson(gh()), new byte[256]);
    refused(token, Reason.ALG_NOT_ALLOWED);
  }

  @Test
  void replayedJtiIsRefused() throws Exception {
    String token = github.mintEs256(gh());
    verifier.verify(token);
    assertThat(refused(token, Reason.REPLAYED).getMessage()).contains("jti");
  }

  @Test
  void tokenReplayedPastItsLifetimeIsRefused() throws Exception {
    String token = github.mintEs256(gh());
    verifier.verify(token);
    clock.advance(Duration.ofMinutes(6));
    refused(token, Reason.EXPIRED);
  }

  @Test
  void singleUseTokenWithoutJtiIsRefused() {
    Map<String, Object> c = gh();
    c.remove("jti");
    refused(github.mintEs256(c), Reason.MALFORMED);
  }

  @Test
  void missingTenantClaimIsRefused() {
    Map<String, Object> c = gh();
    c.remove("repository_owner_id");
    assertThat(refused(github.mintEs256(c), Reason.TENANT_MISMATCH).getMessage())
        .contains("repository_owner_id is missing");
  }

  @Test
  void tokenWithoutKidIsRefused() {
    String token = TestOidcIssuer.raw("{\"alg\":\"ES256\"}", claimsJson(gh()), new byte[64]);
    assertThat(refused(token, Reason.MALFORMED).getMessage()).contains("kid");
  }

  @Test
  void criticalHeaderIsRefused() {
    String token =
        TestOidcIssuer.raw(
            "{\"alg\":\"ES256\",\"kid\":\"ec-1\",\"crit\":[\"b64\"],\"b64\":false}",
            claimsJson(gh()),
            new byte[64]);
    refused(token, Reason.MALFORMED);
  }

  @Test
  void oversizedTokenIsRefusedBeforeAnyWork() {
    String token = "e".repeat(InputLimits.MAX_TOKEN_CHARS + 1);
    assertThat(refused(token, Reason.MALFORMED).getMessage()).contains("longer than");
    assertThat(github.discoveryRequests()).isZero();
  }

  @Test
  void tokenAtTheSizeLimitIsRead() {
    Map<String, Object> c = gh();
    String base = github.mintEs256(c);
    c.put("padding", "x".repeat((InputLimits.MAX_TOKEN_CHARS - base.length()) * 3 / 4 - 20));
    String token = github.mintEs256(c);
    assertThat(token.length()).isLessThanOrEqualTo(InputLimits.MAX_TOKEN_CHARS);
    // Passes the size check and fails only at policy: the unknown padding claim is no problem.
    org.assertj.core.api.Assertions.assertThatNoException()
        .isThrownBy(() -> verifier.verify(token));
  }

  @Test
  void duplicateClaimIsRefused() {
    String token =
        TestOidcIssuer.raw(
            "{\"alg\":\"ES256\",\"kid\":\"ec-1\"}",
            "{\"iss\":\"" + github.issuer() + "\",\"iss\":\"x\"}",
            new byte[64]);
    refused(token, Reason.MALFORMED);
  }

  @Test
  void discoveryNamingAnotherIssuerIsRefused() {
    github.announceIssuer("https://token.actions.githubusercontent.com");
    assertThat(refused(github.mintEs256(gh()), Reason.BAD_DISCOVERY).getMessage())
        .contains("token.actions.githubusercontent.com");
    assertThat(github.jwksRequests()).isZero();
  }

  @Test
  void jwksUriOnAnotherHostIsRefused() {
    github.jwksUri(
        "http://127.0.0.2:" + github.issuer().replaceAll(".*:", "") + "/.well-known/jwks");
    refused(github.mintEs256(gh()), Reason.BAD_DISCOVERY);
  }

  @Test
  void aFloodOfBogusKidsCostsOneFetchPerInterval() throws Exception {
    verifier.verify(github.mintEs256(gh())); // warm the cache
    assertThat(github.jwksRequests()).isEqualTo(1);
    for (int i = 0; i < 500; i++) {
      String token =
          TestOidcIssuer.sign(
              gh(),
              JWSAlgorithm.ES256,
              "bogus-" + UUID.randomUUID(),
              TestOidcIssuer.signer(github.ecKey()));
      refused(token, Reason.UNKNOWN_KEY);
    }
    assertThat(github.jwksRequests()).isEqualTo(1);
    assertThat(github.discoveryRequests()).isEqualTo(1);
    clock.advance(OriginLimits.MIN_REFETCH_INTERVAL);
    for (int i = 0; i < 100; i++) {
      String token =
          TestOidcIssuer.sign(
              gh(), JWSAlgorithm.ES256, "bogus-" + i, TestOidcIssuer.signer(github.ecKey()));
      refused(token, Reason.UNKNOWN_KEY);
    }
    assertThat(github.jwksRequests()).isEqualTo(2);
  }

  @Test
  void rotatedKeysAreFetchedWhenAnUnknownKidAppears() throws Exception {
    verifier.verify(github.mintEs256(gh()));
    github.rotate();
    String next = github.mintEs256(gh());
    clock.advance(OriginLimits.MIN_REFETCH_INTERVAL);
    verifier.verify(next);
    assertThat(github.jwksRequests()).isEqualTo(2);
    verifier.verify(github.mintRs256(gh()));
    assertThat(github.jwksRequests()).as("cached after the refetch").isEqualTo(2);
  }

  @Test
  void cacheControlMaxAgeIsHonoured() throws Exception {
    github.cacheControl("max-age=120");
    verifier.verify(github.mintEs256(gh()));
    clock.advance(Duration.ofSeconds(119));
    verifier.verify(github.mintEs256(gh()));
    assertThat(github.jwksRequests()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(2));
    verifier.verify(github.mintEs256(gh()));
    assertThat(github.jwksRequests()).isEqualTo(2);
  }

  @Test
  void noCacheIsClampedToTheMinimumLifetime() throws Exception {
    github.cacheControl("no-cache");
    verifier.verify(github.mintEs256(gh()));
    verifier.verify(github.mintEs256(gh()));
    assertThat(github.jwksRequests()).isEqualTo(1);
    clock.advance(OriginLimits.MIN_KEY_TTL);
    verifier.verify(github.mintEs256(gh()));
    assertThat(github.jwksRequests()).isEqualTo(2);
  }

  @Test
  void cachedKeysKeepWorkingWhileTheIssuerIsDown() throws Exception {
    verifier.verify(github.mintEs256(gh()));
    github.status(503);
    clock.advance(Duration.ofMinutes(20)); // past max-age=300
    verifier.verify(github.mintEs256(gh()));
    assertThat(github.jwksRequests()).as("one failed discovery attempt, no JWKS").isEqualTo(1);
    assertThat(github.discoveryRequests()).isEqualTo(2);
    // A kid it never saw cannot be verified while the issuer is down.
    github.rotate();
    clock.advance(OriginLimits.MIN_REFETCH_INTERVAL);
    refused(github.mintEs256(gh()), Reason.ISSUER_UNAVAILABLE);
  }

  @Test
  void issuerDownWithNothingCachedIsUnavailable() {
    github.status(500);
    assertThat(refused(github.mintEs256(gh()), Reason.ISSUER_UNAVAILABLE).getMessage())
        .contains("HTTP status 500");
    // Failures are rate-limited too.
    refused(github.mintEs256(gh()), Reason.ISSUER_UNAVAILABLE);
    assertThat(github.discoveryRequests()).isEqualTo(1);
  }

  @Test
  void unreachableIssuerIsUnavailable() throws Exception {
    github.close();
    refused(github.mintEs256(gh()), Reason.ISSUER_UNAVAILABLE);
  }

  @Test
  void oversizedJwksIsRefused() {
    github.jwksBody("{\"keys\":[],\"pad\":\"" + "x".repeat(OriginLimits.MAX_JWKS_BYTES) + "\"}");
    assertThat(refused(github.mintEs256(gh()), Reason.ISSUER_UNAVAILABLE).getMessage())
        .contains("larger than");
  }

  @Test
  void weakRsaKeyInJwksIsRefused() throws Exception {
    com.nimbusds.jose.jwk.RSAKey weak =
        new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(1024, true).keyID("weak").generate();
    github.publishAlso(weak);
    refused(github.mintEs256(gh()), Reason.BAD_DISCOVERY);
  }

  @Test
  void duplicateKidInJwksIsRefused() throws Exception {
    github.publishAlso(new ECKeyGenerator(Curve.P_256).keyID(github.ecKey().getKeyID()).generate());
    assertThat(refused(github.mintEs256(gh()), Reason.BAD_DISCOVERY).getMessage())
        .contains("more than one key");
  }

  @Test
  void twoConfigsForOneIssuerAreRefused() {
    assertThatThrownBy(() ->
            new OidcVerifier(
                List.of(githubConfig(github), buildkiteConfig(github, "acme")),
                new InMemoryReplayGuard(clock),
                clock))
        .isInstanceOf(OriginConfigException.class);
  }

  static String claimsJson(Map<String, Object> claims) {
    return com.nimbusds.jose.util.JSONObjectUtils.toJSONString(claims);
  }

  /** The hand-written shape check says exactly what the regular expression it replaced said. */
  @Test
  void theCompactShapeCheckAgreesWithItsRegularExpression() {
    Pattern compact = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
    char[] alphabet = "aZ09_-.=+/ \u00e9".toCharArray();
    SecureRandom random = new SecureRandom();
    int accepted = 0;
    for (int n = 0; n < 20_000; n++) {
      char[] cs = new char[random.nextInt(12)];
      for (int i = 0; i < cs.length; i++) {
        // Mostly base64url and dots, so that well-formed tokens are common.
        cs[i] = alphabet[random.nextInt(random.nextInt(4) == 0 ? alphabet.length : 7)];
      }
      String s = new String(cs);
      boolean expected = compact.matcher(s).matches();
      assertThat(OidcVerifier.isCompactJws(s)).as("%s", s).isEqualTo(expected);
      accepted += expected ? 1 : 0;
    }
    assertThat(accepted).isGreaterThan(100);
    assertThat(OidcVerifier.isCompactJws("a.b.")).isTrue();
    assertThat(OidcVerifier.isCompactJws(".b.c")).isFalse();
    assertThat(OidcVerifier.isCompactJws("a..c")).isFalse();
    assertThat(OidcVerifier.isCompactJws("a.b.c.d")).isFalse();
  }
}
