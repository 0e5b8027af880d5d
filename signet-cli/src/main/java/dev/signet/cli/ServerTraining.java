package dev.signet.cli;

import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonString;
import dev.signet.server.ServerModules;
import dev.signet.server.SignetServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A real server run for the AOT cache to learn from: what {@code signet server} loads, links and
 * profiles on its first start (master key, certificate, H2 database, migrations) and on a later
 * start of the same data directory, then what its first requests do — health, metrics, OpenAPI, an
 * admin creating a key and a project token, digest signing with the project token, with an OIDC ID
 * token of an issuer on 127.0.0.1 (discovery, JWKS, replay guard) and with a session, a policy
 * denial, and the audit routes (checkpoint, proofs, entries). Every answer is checked: a training
 * that silently failed would archive the error paths instead of the served ones. Everything lives
 * in a temporary directory that is deleted afterwards.
 */
final class ServerTraining {
  private static final String PROJECT = "train";
  private static final String KEY = "k";
  private static final String AUDIENCE = "signet-train";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final int MAX_ANSWER_BYTES = 1024 * 1024;
  private static final Pattern ADMIN_TOKEN =
      Pattern.compile("admin token \\(shown once; store it now\\): (\\S+)");

  private ServerTraining() {}

  static void run() throws Exception {
    Path dir = Files.createTempDirectory("signet-train-server-");
    try (DemoOidcIssuer issuer = DemoOidcIssuer.start()) {
      Path config = Files.writeString(dir.resolve("signet.yaml"), config(issuer.issuer()));
      Path data = dir.resolve("data");
      StringWriter printed = new StringWriter();
      String projectToken;
      SignetServer first = start(config, data, printed);
      try {
        Matcher m = ADMIN_TOKEN.matcher(printed.toString());
        if (!m.find()) {
          throw new IllegalStateException("the server printed no admin token on its first start");
        }
        projectToken = firstRequests(first, issuer, m.group(1));
      } finally {
        first.close();
      }
      // A later start opens what the first one created: the path every restart takes.
      SignetServer later = start(config, data, new StringWriter());
      try {
        Client c = new Client(later);
        c.expect(200, "GET", "/healthz", null, null);
        sign(c, projectToken, "later start");
        c.expect(200, "GET", "/v1/audit/checkpoint", null, null);
        c.expect(200, "GET", "/metrics", null, null);
      } finally {
        later.close();
      }
    } finally {
      deleteTree(dir);
    }
  }

  private static SignetServer start(Path config, Path data, StringWriter printed) throws Exception {
    return SignetServer.start(
        new SignetServer.Options(
            config,
            data,
            "127.0.0.1:0",
            null,
            false,
            Map.of(),
            new PrintWriter(printed, true),
            true,
            ServerModules.defaults()));
  }

  /** Returns the project token it had issued, for the later start. */
  private static String firstRequests(SignetServer server, DemoOidcIssuer issuer, String admin)
      throws Exception {
    Client c = new Client(server);
    c.expect(200, "GET", "/healthz", null, null);
    c.expect(200, "GET", "/readyz", null, null);
    c.expect(200, "GET", "/openapi", null, null);
    c.expect(
        201,
        "POST",
        "/v1/admin/projects/" + PROJECT + "/keys",
        "{\"key\":\"" + KEY + "\",\"algorithm\":\"ES256\"}",
        admin);
    c.expect(200, "GET", "/v1/projects/" + PROJECT + "/jwks.json", null, null);
    c.expect(200, "GET", "/v1/projects/" + PROJECT + "/keys/" + KEY, null, null);
    String token =
        member(
            c.expect(
                201,
                "POST",
                "/v1/admin/projects/" + PROJECT + "/tokens",
                "{\"operations\":[\"digest\"],\"expiresIn\":\"P1D\"}",
                admin),
            "token");
    for (int i = 0; i < 3; i++) {
      sign(c, token, "project token " + i);
      sign(c, issuer.mint(AUDIENCE, "main", Instant.now()), "OIDC " + i);
    }
    String session =
        member(
            c.expect(
                201,
                "POST",
                "/v1/projects/" + PROJECT + "/sessions",
                "{\"ttlSeconds\":60}",
                issuer.mint(AUDIENCE, "main", Instant.now())),
            "token");
    for (int i = 0; i < 3; i++) {
      sign(c, session, "session " + i);
    }
    c.expect(
        403,
        "POST",
        "/v1/projects/" + PROJECT + "/sign/digest",
        digestBody("denied"),
        issuer.mint(AUDIENCE, "feature/x", Instant.now()));
    c.expect(404, "GET", "/v1/no-such-route", null, null);
    String checkpoint = c.expect(200, "GET", "/v1/audit/checkpoint", null, null);
    long size = Long.parseLong(checkpoint.split("\n", 3)[1]);
    c.expect(200, "GET", "/v1/audit/log-key", null, null);
    c.expect(
        200, "GET", "/v1/audit/proof/inclusion?index=" + (size - 1) + "&size=" + size, null, null);
    c.expect(200, "GET", "/v1/audit/proof/consistency?from=1&to=" + size, null, null);
    c.expect(200, "GET", "/v1/audit/entries?start=0&end=" + size, null, null);
    c.expect(200, "GET", "/metrics", null, null);
    return token;
  }

  private static void sign(Client c, String bearer, String name) throws Exception {
    c.expect(200, "POST", "/v1/projects/" + PROJECT + "/sign/digest", digestBody(name), bearer);
  }

  private static String digestBody(String name) throws GeneralSecurityException {
    byte[] digest =
        java.security.MessageDigest.getInstance("SHA-256")
            .digest(name.getBytes(StandardCharsets.UTF_8));
    return "{\"key\":\""
        + KEY
        + "\",\"digest\":{\"algorithm\":\"sha256\",\"value\":\""
        + HexFormat.of().formatHex(digest)
        + "\"},\"name\":\""
        + name
        + "\"}";
  }

  private static String config(String issuerUrl) {
    return String.format(
        Locale.ROOT,
        """
        issuers:
          buildkite:
            issuer: %s
            audience: %s
            allowInsecureLoopback: true
            pins: { organization_id: "%s" }
        projects:
          %s:
            keys: [%s]
            operations: [digest]
            rules:
              - name: ci
                oidc:
                  issuer: buildkite
                  claims:
                    organization_id: "%s"
                    build_branch: main
              - name: nightly
                token: true
        audit:
          origin: signet-train/audit
        """,
        issuerUrl,
        AUDIENCE,
        DemoOidcIssuer.ORGANIZATION_ID,
        PROJECT,
        KEY,
        DemoOidcIssuer.ORGANIZATION_ID);
  }

  private static String member(String json, String name) throws Exception {
    if (JsonReader.withDefaultLimits().parse(json, "answer") instanceof JsonObject o
        && o.get(name) instanceof JsonString s) {
      return s.value();
    }
    throw new IllegalStateException("the answer has no string member " + name);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** HTTPS to the training server, trusting exactly its generated certificate. */
  private static final class Client {
    private final String base;
    private final HttpClient http;

    Client(SignetServer server) throws IOException, GeneralSecurityException {
      this.base = "https://127.0.0.1:" + server.port();
      this.http = LocalServerHttps.client(server.dataDir().resolve("tls.crt"), TIMEOUT);
    }

    /** The answer's body; any other status than {@code status} ends the training. */
    String expect(
        int status, String method, String path, @Nullable String body, @Nullable String bearer)
        throws IOException, InterruptedException {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(base + path))
              .timeout(TIMEOUT)
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
      if (body != null) {
        b.header("Content-Type", "application/json");
      }
      if (bearer != null) {
        b.header("Authorization", "Bearer " + bearer);
      }
      HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      byte[] bytes;
      try (InputStream in = r.body()) {
        bytes = in.readNBytes(MAX_ANSWER_BYTES);
      }
      if (r.statusCode() != status) {
        // Only the route and status: the training's own tokens never reach a message.
        throw new IllegalStateException(
            method + " " + path.replaceAll("\\?.*", "") + ": HTTP " + r.statusCode());
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }
}
