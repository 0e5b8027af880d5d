package dev.signet.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * A minimal OIDC issuer on 127.0.0.1 for the load benchmark: a discovery document and a JWKS over
 * plain HTTP (the server allows that for loopback issuers with {@code allowInsecureLoopback}), and
 * RS256 ID tokens shaped like Buildkite's (spec §5.2; Buildkite signs its agent tokens with RS256).
 * The server fetches the JWKS once and caches it, so the issuer is idle during the timed phases.
 *
 * <p>The tests' {@code TestOidcIssuer} lives in signet-server's test jar, which the shaded bench
 * jar cannot carry; this is the part of it the benchmark needs.
 */
@dev.signet.SuppressForbidden(
    reason =
        "com.sun.net.httpserver is the JDK's exported HTTP server (module jdk.httpserver); the"
            + " benchmark's issuer needs a real server on 127.0.0.1")
final class BenchIssuer implements AutoCloseable {
  static final String ORGANIZATION = "acme";
  static final String PIPELINE = "payments";
  static final String BRANCH = "main";

  private final HttpServer server;
  private final String issuer;
  private final RSAKey key;
  private final JWSSigner signer;
  private final String header;

  BenchIssuer() throws IOException, JOSEException {
    key = new RSAKeyGenerator(2048).keyID("bench-1").generate();
    signer = new RSASSASigner(key);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    issuer = "http://127.0.0.1:" + server.getAddress().getPort();
    header = b64("{\"alg\":\"RS256\",\"kid\":\"" + key.getKeyID() + "\",\"typ\":\"JWT\"}") + ".";
    String discovery =
        "{\"issuer\":\""
            + issuer
            + "\",\"jwks_uri\":\""
            + issuer
            + "/.well-known/jwks\",\"subject_types_supported\":[\"public\"],"
            + "\"response_types_supported\":[\"id_token\"],"
            + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}";
    String jwks = JSONObjectUtils.toJSONString(new JWKSet(key.toPublicJWK()).toJSONObject(true));
    server.createContext("/.well-known/openid-configuration", ex -> respond(ex, discovery));
    server.createContext("/.well-known/jwks", ex -> respond(ex, jwks));
    server.start();
  }

  /** {@code http://127.0.0.1:PORT}, the {@code iss} of the tokens. */
  String issuer() {
    return issuer;
  }

  /**
   * {@code n} tokens for {@code audience}, each with its own {@code jti} (the server accepts each
   * once), issued now and valid for ten minutes, signed on every core.
   */
  String[] mint(int n, String audience) {
    long now = Instant.now().getEpochSecond();
    return IntStream.range(0, n)
        .parallel()
        .mapToObj(i -> token(audience, now))
        .toArray(String[]::new);
  }

  private String token(String audience, long now) {
    // Buildkite's claim set for a job of pipeline "payments" on main (spec §5.2).
    String commit = "4bd3c1f0a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4";
    String claims =
        "{\"iss\":\""
            + issuer
            + "\",\"sub\":\"organization:"
            + ORGANIZATION
            + ":pipeline:"
            + PIPELINE
            + ":ref:refs/heads/"
            + BRANCH
            + ":commit:"
            + commit
            + ":step:sign\",\"aud\":\""
            + audience
            + "\",\"jti\":\""
            + UUID.randomUUID()
            + "\",\"organization_slug\":\""
            + ORGANIZATION
            + "\",\"pipeline_slug\":\""
            + PIPELINE
            + "\",\"build_number\":1234,\"build_branch\":\""
            + BRANCH
            + "\",\"build_commit\":\""
            + commit
            + "\",\"step_key\":\"sign\",\"job_id\":\"0190f3a6-1e7c-4bd0-9f4e-5c1a2b3c4d5e\","
            + "\"agent_id\":\"0190f3a6-2f8d-4ce1-8a5f-6d2b3c4d5e6f\",\"nbf\":"
            + now
            + ",\"iat\":"
            + now
            + ",\"exp\":"
            + (now + 600)
            + "}";
    String signingInput = header + b64(claims);
    try {
      return signingInput
          + "."
          + signer
              .sign(
                  new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                  signingInput.getBytes(StandardCharsets.US_ASCII))
              .toString();
    } catch (JOSEException e) {
      throw new IllegalStateException("minting a token failed: " + e.getMessage(), e);
    }
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static void respond(HttpExchange ex, String body) throws IOException {
    try (ex) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.getResponseHeaders().set("Cache-Control", "public, max-age=3600");
      ex.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
