package dev.signet.server.signing;

import dev.signet.server.ServerContext;
import dev.signet.server.ServerModule;
import dev.signet.server.SignetServer;
import dev.signet.server.http.Routes;
import dev.signet.server.origin.testing.TestCa;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A real server on 127.0.0.1 with the API module, and an HTTPS client for it. */
final class ApiHarness implements AutoCloseable {
  static final JsonMapper JSON = JsonMapper.builder().build();

  /** Keeps the context so tests can read the audit log the server writes. */
  static final class Capture implements ServerModule {
    volatile @Nullable ServerContext context;

    @Override
    public void install(ServerContext c, Routes routes) {
      context = c;
    }
  }

  final SignetServer server;
  final SigningModule module;
  final ServerContext context;
  final Path data;
  final String adminToken;
  final HttpClient client;

  ApiHarness(Path tmp, Path config) throws Exception {
    this(tmp, config, null);
  }

  /**
   * A server on {@code database} (null: the data directory's H2 file). A second harness on the same
   * {@code tmp} and database is another server process on the same state (same master key); only
   * the first one prints an admin token, the others have an empty {@link #adminToken}.
   */
  ApiHarness(Path tmp, Path config, @Nullable String database) throws Exception {
    this(tmp, config, database, new SigningModule());
  }

  /** As above, with {@code module} (another clock or housekeeping interval). */
  ApiHarness(Path tmp, Path config, @Nullable String database, SigningModule module)
      throws Exception {
    this.module = module;
    this.data = tmp.resolve("data");
    Capture capture = new Capture();
    StringWriter out = new StringWriter();
    server =
        SignetServer.start(
            new SignetServer.Options(
                config,
                data,
                "127.0.0.1:0",
                database,
                false,
                Map.of(),
                new PrintWriter(out, true),
                false,
                List.of(capture, module)));
    context = java.util.Objects.requireNonNull(capture.context);
    Matcher m = Pattern.compile("(signet_admin_[A-Za-z0-9_-]+)").matcher(out.toString());
    if (m.find()) {
      adminToken = m.group(1);
    } else if (database != null) {
      adminToken = "";
    } else {
      throw new IllegalStateException("no admin token printed");
    }
    client = client(null);
  }

  /** A client trusting the server's certificate, presenting {@code cert} if given. */
  HttpClient client(TestCa.@Nullable Issued cert) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(data.resolve("tls.crt"))) {
      trust.setCertificateEntry(
          "server", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (cert != null) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry(
          "client", cert.key(), "pw".toCharArray(), cert.chain().toArray(X509Certificate[]::new));
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, "pw".toCharArray());
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(
        kmf == null ? null : new KeyManager[] {always((X509KeyManager) kmf.getKeyManagers()[0])},
        tmf.getTrustManagers(),
        null);
    return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();
  }

  /**
   * Presents the certificate whatever CAs the server names: the JDK's own key manager would
   * silently send none when the server asks for another CA, and the attack would not be tried.
   */
  private static X509ExtendedKeyManager always(X509KeyManager km) {
    return new X509ExtendedKeyManager() {
      @Override
      public String[] getClientAliases(String keyType, Principal[] issuers) {
        return new String[] {"client"};
      }

      @Override
      public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return "client";
      }

      @Override
      public String chooseEngineClientAlias(
          String[] keyType, Principal[] issuers, SSLEngine engine) {
        return "client";
      }

      @Override
      public String[] getServerAliases(String keyType, Principal[] issuers) {
        return new String[0];
      }

      @Override
      public @Nullable String chooseServerAlias(
          String keyType, Principal[] issuers, Socket socket) {
        return null;
      }

      @Override
      public X509Certificate[] getCertificateChain(String alias) {
        return km.getCertificateChain(alias);
      }

      @Override
      public PrivateKey getPrivateKey(String alias) {
        return km.getPrivateKey(alias);
      }
    };
  }

  String base() {
    return "https://127.0.0.1:" + server.port();
  }

  HttpResponse<String> post(String path, @Nullable String bearer, Object body) throws Exception {
    return post(client, path, bearer, body);
  }

  HttpResponse<String> post(HttpClient c, String path, @Nullable String bearer, Object body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path, @Nullable String bearer) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).GET();
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> delete(String path, String bearer) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(base() + path))
            .DELETE()
            .header("Authorization", "Bearer " + bearer)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> r) {
    return JSON.readTree(r.body());
  }

  /** Every leaf of the audit log, as text. */
  List<String> audit() throws Exception {
    String cp = context.auditLog().checkpoint();
    long size = Long.parseLong(cp.split("\n")[1]);
    List<String> out = new ArrayList<>();
    for (long s = 0; s < size; s += 500) {
      for (byte[] leaf : context.auditLog().entries(s, Math.min(size, s + 500))) {
        out.add(new String(leaf, StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  /** The audit entries of one HTTP request (by its X-Request-Id). */
  List<JsonNode> auditOf(HttpResponse<String> r) throws Exception {
    String id = r.headers().firstValue("X-Request-Id").orElseThrow();
    List<JsonNode> out = new ArrayList<>();
    for (String leaf : audit()) {
      JsonNode n = JSON.readTree(leaf);
      if (n.get("requestId").asString().equals(id)) {
        out.add(n);
      }
    }
    return out;
  }

  @Override
  public void close() {
    server.close();
  }
}
