package dev.signet.server.signing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.server.origin.testing.TestOidcIssuer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test: the per-request cost of a digest signature authenticated by a fresh OIDC ID token
 * against one authenticated by a session token, sequentially over HTTPS (keep-alive) on the default
 * H2 database with a durable audit log. Tokens are minted before the clock starts. Run with {@code
 * -Dsignet.measure=true -Dtest=SessionSpeedMeasurement}; it prints one line.
 */
@EnabledIfSystemProperty(named = "signet.measure", matches = "true")
class SessionSpeedMeasurement {
  static final String AUD = "https://signet.test";

  @TempDir Path tmp;

  @Test
  void perRequestOidcAgainstSession() throws Exception {
    int n = Integer.getInteger("signet.measure.n", 2000);
    try (TestOidcIssuer issuer = TestOidcIssuer.start()) {
      Path config = tmp.resolve("signet.yaml");
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
                    claims: { repository_owner_id: "123456", ref: "refs/tags/v*" }
          """
              .formatted(issuer.issuer(), AUD));
      try (ApiHarness api = new ApiHarness(tmp, config)) {
        assertThat(
                api.post(
                        "/v1/admin/projects/payments/keys",
                        api.adminToken,
                        Map.of("key", "release", "algorithm", "ES256"))
                    .statusCode())
            .isEqualTo(201);
        Map<String, Object> body =
            Map.of(
                "key",
                "release",
                "digest",
                Map.of(
                    "algorithm",
                    "sha256",
                    "value",
                    HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(new byte[1]))));
        int warm = Math.max(50, n / 10);
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 2 * warm + n; i++) {
          Map<String, Object> c = issuer.githubClaims(AUD, Instant.now());
          c.put("ref", "refs/tags/v1");
          tokens.add(issuer.mintEs256(c));
        }
        String session =
            ApiHarness.json(
                    api.post(
                        "/v1/projects/payments/sessions",
                        tokens.removeLast(),
                        Map.of("maxUses", 100_000, "ttlSeconds", 900)))
                .get("token")
                .asString();
        // Warm both paths (JIT, pools), then measure each in turn.
        for (int i = 0; i < warm; i++) {
          sign(api, tokens.removeLast(), body);
          sign(api, session, body);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
          sign(api, tokens.removeLast(), body);
        }
        long oidc = System.nanoTime() - t0;
        long t1 = System.nanoTime();
        for (int i = 0; i < n; i++) {
          sign(api, session, body);
        }
        long sessions = System.nanoTime() - t1;
        System.out.println(
            String.format(
                Locale.ROOT,
                "signet measure: %d sequential digest signs: per-request OIDC %.3f ms/req,"
                    + " session %.3f ms/req, ratio %.2f",
                n,
                oidc / 1e6 / n,
                sessions / 1e6 / n,
                (double) oidc / sessions));
      }
    }
  }

  private static void sign(ApiHarness api, String bearer, Map<String, Object> body)
      throws Exception {
    HttpResponse<String> r = api.post("/v1/projects/payments/sign/digest", bearer, body);
    if (r.statusCode() != 200) {
      throw new AssertionError(r.body());
    }
  }
}
