package dev.signet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.server.http.ApiRouting;
import dev.signet.server.http.RequestContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The HTTP layer of a real server over real TLS on 127.0.0.1, on the embedded database. */
class HttpApiTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  @TempDir static Path tmp;
  static SignetServer server;
  static HttpClient client;
  static final CountDownLatch SLOW_STARTED = new CountDownLatch(1);

  /** Routes only tests have: a body echo and a slow request. */
  static final ServerModule TEST_ROUTES =
      (context, routes) -> {
        routes.post(
            "/test/echo",
            (ctx, req, res) -> {
              byte[] body = RequestContext.body(req, Long.MAX_VALUE);
              ApiRouting.writeJson(res, 200, Map.of("bytes", body.length));
            });
        routes.get(
            "/test/slow",
            (ctx, req, res) -> {
              SLOW_STARTED.countDown();
              Thread.sleep(1500);
              ApiRouting.writeJson(res, 200, Map.of("slow", "done"));
            });
        routes.get(
            "/test/peer",
            (ctx, req, res) ->
                ApiRouting.writeJson(res, 200, Map.of("certs", ctx.peerCertificates().size())));
      };

  @BeforeAll
  static void start() throws Exception {
    server =
        TestServers.start(
                tmp.resolve("data"),
                new TestServers.Db("h2", null, null, null),
                null,
                List.of(TEST_ROUTES))
            .server();
    client = TestServers.client(tmp.resolve("data"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(TestServers.base(server) + path));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthzAnswersOverTls13() throws Exception {
    HttpResponse<String> r = get("/healthz");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"status\":\"ok\"}");
    assertThat(r.sslSession()).isPresent();
    assertThat(r.sslSession().get().getProtocol()).isEqualTo("TLSv1.3");
  }

  @Test
  void plainHttpIsRefused() {
    HttpClient plain = HttpClient.newHttpClient();
    assertThatThrownBy(() ->
            plain.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/healthz"))
                    .build(),
                HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void tls11IsRefused() throws Exception {
    javax.net.ssl.SSLContext ctx =
        TestServers.trusting(tmp.resolve("data").resolve(DataDir.TLS_CERT));
    javax.net.ssl.SSLParameters params = new javax.net.ssl.SSLParameters();
    params.setProtocols(new String[] {"TLSv1.1"});
    HttpClient old = HttpClient.newBuilder().sslContext(ctx).sslParameters(params).build();
    assertThatThrownBy(() ->
            old.send(
                HttpRequest.newBuilder(URI.create(TestServers.base(server) + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void aValidRequestIdIsEchoedAndAnInvalidOneReplaced() throws Exception {
    HttpResponse<String> r = get("/healthz", "X-Request-Id", "build-42.step_7:a");
    assertThat(r.headers().firstValue("X-Request-Id")).hasValue("build-42.step_7:a");

    HttpResponse<String> generated = get("/healthz");
    assertThat(generated.headers().firstValue("X-Request-Id").orElseThrow())
        .matches("[0-9a-f]{24}");

    for (String bad : List.of("a".repeat(65), "two words", "x<script>")) {
      HttpResponse<String> b = get("/healthz", "X-Request-Id", bad);
      assertThat(b.statusCode()).isEqualTo(200);
      assertThat(b.headers().firstValue("X-Request-Id").orElseThrow()).matches("[0-9a-f]{24}");
    }
  }

  @Test
  void unknownPathsGetAJsonErrorWithTheRequestId() throws Exception {
    HttpResponse<String> r = get("/no/such/thing?token=secret", "X-Request-Id", "req-1");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode error = JSON.readTree(r.body()).get("error");
    assertThat(error.get("code").asString()).isEqualTo("not_found");
    assertThat(error.get("message").asString()).isEqualTo("no such endpoint");
    assertThat(error.get("requestId").asString()).isEqualTo("req-1");
  }

  @Test
  void oversizedBodiesGet413WithAndWithoutContentLength() throws Exception {
    byte[] big = new byte[(int) ServerLimits.MAX_REQUEST_BODY_BYTES + 1];
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(URI.create(TestServers.base(server) + "/test/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(big))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(JSON.readTree(r.body()).get("error").get("code").asString())
        .isEqualTo("payload_too_large");

    // Chunked: no Content-Length, so the limit is enforced while reading.
    HttpResponse<String> chunked =
        client.send(
            HttpRequest.newBuilder(URI.create(TestServers.base(server) + "/test/echo"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(chunked.statusCode()).isEqualTo(413);

    HttpResponse<String> ok =
        client.send(
            HttpRequest.newBuilder(URI.create(TestServers.base(server) + "/test/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1000]))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(ok.body()).isEqualTo("{\"bytes\":1000}");
  }

  @Test
  void metricsCountRequestsByRouteTemplateAndStatus() throws Exception {
    get("/healthz");
    get("/nope");
    HttpResponse<String> r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
    assertThat(r.body())
        .containsPattern(
            "http_server_requests_seconds_count\\{method=\"GET\",route=\"/healthz\",status=\"200\"} [1-9]")
        .contains("route=\"unmatched\",status=\"404\"")
        .contains("signet_signing_seconds")
        .contains("signet_audit_log_size");
  }

  @Test
  void readyzChecksTheDatabase() throws Exception {
    HttpResponse<String> r = get("/readyz");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"status\":\"ready\",\"checks\":{\"database\":\"ok\"}}");
  }

  @Test
  void peerCertificatesAreEmptyWithoutClientAuth() throws Exception {
    assertThat(get("/test/peer").body()).isEqualTo("{\"certs\":0}");
  }

  @Test
  void requestsInFlightFinishWhenTheServerStops(@TempDir Path dir) throws Exception {
    TestServers.Started own =
        TestServers.start(
            dir.resolve("data"),
            new TestServers.Db("h2", null, null, null),
            null,
            List.of(TEST_ROUTES));
    HttpClient c = TestServers.client(dir.resolve("data"));
    String base = TestServers.base(own.server());
    CompletableFuture<HttpResponse<String>> slow =
        c.sendAsync(
            HttpRequest.newBuilder(URI.create(base + "/test/slow")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(SLOW_STARTED.await(10, TimeUnit.SECONDS)).isTrue();
    long t0 = System.nanoTime();
    own.server().close(); // what the SIGTERM hook runs
    HttpResponse<String> r = slow.get(10, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"slow\":\"done\"}");
    assertThat(System.nanoTime() - t0).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(500));
    HttpClient fresh = TestServers.client(dir.resolve("data"));
    assertThatThrownBy(() ->
            fresh.send(
                HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void readyzIs503WhenTheDatabaseIsGone(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    TestServers.Started own =
        TestServers.start(data, new TestServers.Db("h2", null, null, null), null, List.of());
    try {
      HttpClient c = TestServers.client(data);
      String base = TestServers.base(own.server());
      // Shut the embedded database down and remove its files, as a lost disk would.
      String url = new DataDir(data).h2Url();
      try (var conn = java.sql.DriverManager.getConnection(url);
          var st = conn.createStatement()) {
        st.execute("SHUTDOWN");
      }
      try (var files = Files.walk(data.resolve("db"))) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      HttpResponse<String> r =
          c.send(
              HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.body())
          .isEqualTo("{\"status\":\"not_ready\",\"checks\":{\"database\":\"failed\"}}");
      HttpResponse<String> h =
          c.send(
              HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(h.statusCode()).isEqualTo(200);
    } finally {
      own.server().close();
    }
  }
}
