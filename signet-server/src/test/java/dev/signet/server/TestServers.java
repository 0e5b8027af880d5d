package dev.signet.server;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * Starts real servers for tests: on H2 in a temp data directory always, and on the PostgreSQL named
 * by {@code SIGNET_TEST_POSTGRES_URL} when set (each test gets a fresh schema). In CI ({@code
 * CI=true}) a missing PostgreSQL is a failure, not a skip.
 */
final class TestServers {
  private TestServers() {}

  static final String PG_URL = "SIGNET_TEST_POSTGRES_URL";

  /** A database to run on: null url means the embedded H2. */
  record Db(String name, @Nullable String url, @Nullable String user, @Nullable String password) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** H2, plus PostgreSQL when configured; fails in CI when PostgreSQL is missing. */
  static List<Db> databases() {
    List<Db> dbs = new ArrayList<>();
    dbs.add(new Db("h2", null, null, null));
    postgres().ifPresent(dbs::add);
    return dbs;
  }

  static java.util.Optional<Db> postgres() {
    String url = System.getenv(PG_URL);
    if (url == null || url.isBlank()) {
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException(
            PG_URL + " is not set but CI=true: .ci/run must start PostgreSQL for the server tests");
      }
      return java.util.Optional.empty();
    }
    String user = System.getenv("SIGNET_TEST_POSTGRES_USER");
    String password = System.getenv("SIGNET_TEST_POSTGRES_PASSWORD");
    String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection c = DriverManager.getConnection(url, user, password);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("cannot reach test PostgreSQL: " + e.getMessage(), e);
    }
    String sep = url.contains("?") ? "&" : "?";
    return java.util.Optional.of(
        new Db("postgresql", url + sep + "currentSchema=" + schema, user, password));
  }

  /** A started server and what it printed. */
  record Started(SignetServer server, String stdout) {}

  static Started start(Path dataDir, Db db, @Nullable Path config, List<ServerModule> modules)
      throws Exception {
    return start(dataDir, db, config, modules, false);
  }

  static Started start(
      Path dataDir, Db db, @Nullable Path config, List<ServerModule> modules, boolean reset)
      throws Exception {
    java.io.StringWriter out = new java.io.StringWriter();
    Map<String, String> env = new HashMap<>();
    if (db.password() != null) {
      env.put(ServerConfig.DEFAULT_PASSWORD_ENV, db.password());
    }
    Path cfg = config;
    if (cfg == null && db.user() != null) {
      cfg = Files.createTempFile(dataDir.getParent(), "signet-", ".yaml");
      Files.writeString(cfg, "database:\n  user: " + db.user() + "\n");
    }
    SignetServer s =
        SignetServer.start(
            new SignetServer.Options(
                cfg,
                dataDir,
                "127.0.0.1:0",
                db.url(),
                reset,
                env,
                new java.io.PrintWriter(out, true),
                false,
                modules));
    return new Started(s, out.toString());
  }

  /** An HTTP client that trusts exactly the server's generated certificate. */
  static HttpClient client(Path dataDir) throws Exception {
    return HttpClient.newBuilder()
        .sslContext(trusting(dataDir.resolve(DataDir.TLS_CERT)))
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  static SSLContext trusting(Path certFile) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    try (InputStream in = Files.newInputStream(certFile)) {
      X509Certificate cert =
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      ks.setCertificateEntry("server", cert);
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  static String base(SignetServer s) {
    return String.format(Locale.ROOT, "https://127.0.0.1:%d", s.port());
  }
}
