package dev.signet.cli;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.signet.keys.KeyException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The demo's stand-in for Buildkite's OIDC issuer: a discovery document and a JWKS served over
 * plain HTTP on 127.0.0.1 (the server trusts it only with {@code allowInsecureLoopback}), and ES256
 * ID tokens with the claims a Buildkite agent's {@code oidc request-token} carries. The key is made
 * at start and lives only in this process.
 */
@dev.signet.SuppressForbidden(
    reason =
        "com.sun.net.httpserver is the JDK's exported HTTP server (module jdk.httpserver); the demo"
            + " serves its issuer on 127.0.0.1 with it")
final class DemoOidcIssuer implements AutoCloseable {
  static final String ORGANIZATION_SLUG = "acme";
  static final String ORGANIZATION_ID = "0190f3a6-0c1d-4e2f-8a3b-5c1a2b3c4d5e";
  static final String PIPELINE_SLUG = "widgets";
  private static final long LIFETIME_SECONDS = 300; // what Buildkite issues by default

  private final HttpServer server;
  private final String issuer;
  private final ECKey key;
  private final byte[] discovery;
  private final byte[] jwks;

  private DemoOidcIssuer(HttpServer server, ECKey key) {
    this.server = server;
    this.issuer = "http://127.0.0.1:" + server.getAddress().getPort();
    this.key = key;
    this.discovery =
        ("{\"issuer\":\""
                + issuer
                + "\",\"jwks_uri\":\""
                + issuer
                + "/.well-known/jwks\",\"response_types_supported\":[\"id_token\"],"
                + "\"subject_types_supported\":[\"public\"],"
                + "\"id_token_signing_alg_values_supported\":[\"ES256\"]}")
            .getBytes(StandardCharsets.UTF_8);
    this.jwks = new JWKSet(key.toPublicJWK()).toString(true).getBytes(StandardCharsets.UTF_8);
  }

  static DemoOidcIssuer start() throws KeyException {
    ECKey key;
    try {
      key =
          new ECKeyGenerator(Curve.P_256)
              .keyID("demo-" + UUID.randomUUID().toString().substring(0, 8))
              .keyUse(KeyUse.SIGNATURE)
              .generate();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot make the demo issuer's P-256 key", e);
    }
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new KeyException(
          KeyException.Reason.UNAVAILABLE,
          "signet demo: cannot serve the OIDC issuer on 127.0.0.1: "
              + e.getClass().getSimpleName());
    }
    DemoOidcIssuer issuer = new DemoOidcIssuer(server, key);
    server.createContext(
        "/.well-known/openid-configuration", ex -> issuer.respond(ex, issuer.discovery));
    server.createContext("/.well-known/jwks", ex -> issuer.respond(ex, issuer.jwks));
    server.start();
    return issuer;
  }

  /** {@code http://127.0.0.1:PORT}: the {@code iss} of every token. */
  String issuer() {
    return issuer;
  }

  /**
   * A token as a Buildkite agent gets it for a job of pipeline {@value #PIPELINE_SLUG} building
   * {@code branch} (claims as in the agent's {@code oidc request-token}; spec §5.2).
   */
  String mint(String audience, String branch, Instant now) {
    String commit = "4bd3c1f0a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4";
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("iss", issuer);
    c.put(
        "sub",
        "organization:"
            + ORGANIZATION_SLUG
            + ":pipeline:"
            + PIPELINE_SLUG
            + ":ref:refs/heads/"
            + branch
            + ":commit:"
            + commit
            + ":step:upload");
    c.put("aud", audience);
    c.put("jti", UUID.randomUUID().toString());
    c.put("organization_id", ORGANIZATION_ID);
    c.put("organization_slug", ORGANIZATION_SLUG);
    c.put("pipeline_slug", PIPELINE_SLUG);
    c.put("build_number", 1234);
    c.put("build_branch", branch);
    c.put("build_commit", commit);
    c.put("build_source", "webhook");
    c.put("step_key", "upload");
    c.put("job_id", UUID.randomUUID().toString());
    c.put("agent_id", UUID.randomUUID().toString());
    long t = now.getEpochSecond();
    c.put("nbf", t);
    c.put("iat", t);
    c.put("exp", t + LIFETIME_SECONDS);
    try {
      JWSObject jws =
          new JWSObject(
              new JWSHeader.Builder(JWSAlgorithm.ES256)
                  .keyID(key.getKeyID())
                  .type(JOSEObjectType.JWT)
                  .build(),
              new Payload(c));
      jws.sign(new ECDSASigner(key));
      return jws.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a demo ID token", e);
    }
  }

  private void respond(HttpExchange ex, byte[] body) throws IOException {
    try (ex) {
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.getResponseHeaders().set("Cache-Control", "public, max-age=300");
      if (!"GET".equals(ex.getRequestMethod())) {
        ex.sendResponseHeaders(405, -1);
        return;
      }
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
