package dev.signet.server.origin.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A real OIDC issuer on 127.0.0.1: serves a discovery document and a JWKS over HTTP, counts
 * requests, rotates keys, serves errors on demand, and mints ES256 and RS256 ID tokens with claims
 * shaped like GitHub Actions' and Buildkite's (spec §5.1 and §5.2). Its issuer URL is plain HTTP on
 * loopback, so configs for it need {@code allowInsecureLoopback(true)}.
 */
@dev.signet.SuppressForbidden(
    reason =
        "com.sun.net.httpserver is the JDK's exported HTTP server (module jdk.httpserver); the"
            + " test issuer needs a real server on 127.0.0.1")
public final class TestOidcIssuer implements AutoCloseable {
  private final HttpServer server;
  private final String issuer;
  private final AtomicInteger discoveryRequests = new AtomicInteger();
  private final AtomicInteger jwksRequests = new AtomicInteger();
  private final AtomicInteger generation = new AtomicInteger(1);
  private volatile ECKey ecKey;
  private volatile RSAKey rsaKey;
  private volatile List<JWK> published;
  private volatile int status = 200;
  private volatile String cacheControl = "public, max-age=300";
  private volatile String announcedIssuer;
  private volatile String jwksUri;
  private volatile Supplier<String> jwksBody;

  private TestOidcIssuer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    issuer = "http://127.0.0.1:" + server.getAddress().getPort();
    announcedIssuer = issuer;
    jwksUri = issuer + "/.well-known/jwks";
    ecKey = ec(1);
    rsaKey = rsa(1);
    published = List.of(ecKey.toPublicJWK(), rsaKey.toPublicJWK());
    jwksBody = () -> new JWKSet(published).toString(true);
    server.createContext("/.well-known/openid-configuration", this::discovery);
    server.createContext("/.well-known/jwks", this::jwks);
    server.start();
  }

  public static TestOidcIssuer start() {
    try {
      return new TestOidcIssuer();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code http://127.0.0.1:PORT}, the {@code iss} of its tokens. */
  public String issuer() {
    return issuer;
  }

  public int discoveryRequests() {
    return discoveryRequests.get();
  }

  public int jwksRequests() {
    return jwksRequests.get();
  }

  /** New EC and RSA keys with new kids, published instead of the old ones. */
  public void rotate() {
    int g = generation.incrementAndGet();
    ecKey = ec(g);
    rsaKey = rsa(g);
    published = List.of(ecKey.toPublicJWK(), rsaKey.toPublicJWK());
  }

  /** Publishes the current keys plus the given ones (e.g. a key with a clashing kid). */
  public void publishAlso(JWK... keys) {
    List<JWK> all = new ArrayList<>(List.of(ecKey.toPublicJWK(), rsaKey.toPublicJWK()));
    for (JWK k : keys) {
      all.add(k.toPublicJWK());
    }
    published = List.copyOf(all);
  }

  /** Every response gets this status from now on (200 serves documents again). */
  public void status(int code) {
    this.status = code;
  }

  public void cacheControl(String value) {
    this.cacheControl = value;
  }

  /** The discovery document names this issuer instead of the real one. */
  public void announceIssuer(String iss) {
    this.announcedIssuer = iss;
  }

  public void jwksUri(String uri) {
    this.jwksUri = uri;
  }

  /** Serves this text as the JWKS. */
  public void jwksBody(String body) {
    this.jwksBody = () -> body;
  }

  public ECKey ecKey() {
    return ecKey;
  }

  public RSAKey rsaKey() {
    return rsaKey;
  }

  /** An ES256 token over these claims, with the current EC key's kid. */
  public String mintEs256(Map<String, Object> claims) {
    return sign(claims, JWSAlgorithm.ES256, ecKey.getKeyID(), signer(ecKey));
  }

  /** An RS256 token over these claims, with the current RSA key's kid. */
  public String mintRs256(Map<String, Object> claims) {
    return sign(claims, JWSAlgorithm.RS256, rsaKey.getKeyID(), signer(rsaKey));
  }

  /** A token signed by any key under any kid: forgeries. */
  public static String sign(
      Map<String, Object> claims, JWSAlgorithm alg, String kid, JWSSigner signer) {
    try {
      JWSObject jws =
          new JWSObject(
              new JWSHeader.Builder(alg).keyID(kid).type(JOSEObjectType.JWT).build(),
              new Payload(claims));
      jws.sign(signer);
      return jws.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A token from raw header and claims JSON and signature bytes, for hand-made attacks. */
  public static String raw(String headerJson, String claimsJson, byte[] signature) {
    Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
    return b.encodeToString(headerJson.getBytes(StandardCharsets.UTF_8))
        + "."
        + b.encodeToString(claimsJson.getBytes(StandardCharsets.UTF_8))
        + "."
        + b.encodeToString(signature);
  }

  public static JWSSigner signer(JWK key) {
    try {
      return key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Claims like a GitHub Actions token for acme/payments on main (spec §5.1). */
  public Map<String, Object> githubClaims(String audience, Instant now) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("jti", UUID.randomUUID().toString());
    c.put("sub", "repo:acme/payments:ref:refs/heads/main");
    c.put("aud", audience);
    c.put("ref", "refs/heads/main");
    c.put("sha", "9f2c0c3e2d1b6a1f1b7a0b0c1d2e3f405162738a");
    c.put("repository", "acme/payments");
    c.put("repository_owner", "acme");
    c.put("repository_owner_id", "123456");
    c.put("repository_id", "456789");
    c.put("repository_visibility", "private");
    c.put("run_id", "9876543210");
    c.put("run_number", "42");
    c.put("run_attempt", "1");
    c.put("runner_environment", "github-hosted");
    c.put("actor", "octocat");
    c.put("actor_id", "583231");
    c.put("workflow", "release");
    c.put("event_name", "push");
    c.put("ref_type", "branch");
    c.put("job_workflow_ref", "acme/release-tools/.github/workflows/sign.yml@refs/heads/main");
    c.put("workflow_ref", "acme/payments/.github/workflows/release.yml@refs/heads/main");
    c.put("iss", issuer);
    times(c, now, 300);
    return c;
  }

  /** Claims like a Buildkite agent token of organisation {@code org} (spec §5.2). */
  public Map<String, Object> buildkiteClaims(String audience, String org, Instant now) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("iss", issuer);
    c.put(
        "sub",
        "organization:"
            + org
            + ":pipeline:payments:ref:refs/heads/main:commit:4bd3c1f0a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4:step:sign");
    c.put("aud", audience);
    c.put("jti", UUID.randomUUID().toString());
    c.put("organization_slug", org);
    c.put("pipeline_slug", "payments");
    c.put("build_number", 1234);
    c.put("build_branch", "main");
    c.put("build_commit", "4bd3c1f0a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4");
    c.put("step_key", "sign");
    c.put("job_id", "0190f3a6-1e7c-4bd0-9f4e-5c1a2b3c4d5e");
    c.put("agent_id", "0190f3a6-2f8d-4ce1-8a5f-6d2b3c4d5e6f");
    times(c, now, 300);
    return c;
  }

  private static void times(Map<String, Object> c, Instant now, long lifetime) {
    long t = now.getEpochSecond();
    c.put("nbf", t);
    c.put("iat", t);
    c.put("exp", t + lifetime);
  }

  private void discovery(HttpExchange ex) throws IOException {
    discoveryRequests.incrementAndGet();
    String body =
        "{\"issuer\":\""
            + announcedIssuer
            + "\",\"jwks_uri\":\""
            + jwksUri
            + "\",\"subject_types_supported\":[\"public\"],\"response_types_supported\":[\"id_token\"],"
            + "\"id_token_signing_alg_values_supported\":[\"RS256\",\"ES256\"]}";
    respond(ex, body, null);
  }

  private void jwks(HttpExchange ex) throws IOException {
    jwksRequests.incrementAndGet();
    respond(ex, jwksBody.get(), cacheControl);
  }

  private void respond(HttpExchange ex, String body, String cache) throws IOException {
    try (ex) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      if (cache != null) {
        ex.getResponseHeaders().set("Cache-Control", cache);
      }
      int code = status;
      if (code != 200) {
        ex.sendResponseHeaders(code, -1);
        return;
      }
      ex.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private static ECKey ec(int generation) {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID("ec-" + generation).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  // RSA key generation costs about half a second on a busy CI machine; issuers share keys of the
  // same generation (tokens are matched to issuers by iss, so sharing changes no outcome).
  private static final java.util.concurrent.ConcurrentMap<Integer, RSAKey> RSA_KEYS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static RSAKey rsa(int generation) {
    return RSA_KEYS.computeIfAbsent(generation, TestOidcIssuer::newRsa);
  }

  private static RSAKey newRsa(int generation) {
    try {
      return new RSAKeyGenerator(2048).keyID("rsa-" + generation).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
