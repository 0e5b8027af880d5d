package dev.signet.server;

import dev.signet.server.ServerConfig.HostPort;
import dev.signet.server.audit.AuditException;
import dev.signet.server.audit.AuditLog;
import dev.signet.server.audit.AuditLogs;
import dev.signet.server.audit.PersonalData;
import dev.signet.server.http.ApiRouting;
import dev.signet.server.http.BatchingLogHandler;
import dev.signet.server.http.JsonLogFormatter;
import dev.signet.server.http.ReadinessCheck;
import dev.signet.server.http.Routes;
import dev.signet.server.http.SignetMetrics;
import dev.signet.server.http.SystemRoutes;
import dev.signet.server.store.Database;
import dev.signet.server.store.ServerStore;
import dev.signet.server.store.StoreException;
import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.Logger;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.jspecify.annotations.Nullable;

/**
 * The Signet server: HTTPS (Helidon SE on virtual threads) in front of the database, started with
 * zero set-up from a data directory. {@link #start} returns once the server is listening; {@link
 * #close} stops accepting, lets requests in flight finish, then closes the pool, and is what
 * SIGTERM runs.
 */
public final class SignetServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(SignetServer.class.getName());
  static final String ADMIN_TOKEN_PREFIX = "signet_admin_";

  /**
   * How to start.
   *
   * @param config the YAML configuration file, or null for defaults
   * @param dataDir where the master key, generated certificate and H2 database live
   * @param listen overrides {@code server.listen}
   * @param database overrides {@code database.url}
   * @param env the environment, for the database password variable
   * @param out where the one-time admin token is printed
   * @param configureLogging route java.util.logging to JSON lines on stderr
   */
  public record Options(
      @Nullable Path config,
      Path dataDir,
      @Nullable String listen,
      @Nullable String database,
      boolean resetAdminToken,
      Map<String, String> env,
      PrintWriter out,
      boolean configureLogging,
      List<ServerModule> modules) {
    public Options {
      env = Map.copyOf(env);
      modules = List.copyOf(modules);
    }

    /** The environment may hold the database password: never printed. */
    @Override
    public String toString() {
      return "Options[config=" + config + ", dataDir=" + dataDir + ", listen=" + listen + "]";
    }
  }

  private final List<ServerModule> modules;
  private final WebServer web;
  private final Database database;
  private final AuditLog auditLog;
  private final ServerCustody custody;
  private final Routes routes;
  private final Path dataDir;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);

  private SignetServer(
      WebServer web,
      Database database,
      AuditLog auditLog,
      ServerCustody custody,
      Routes routes,
      Path dataDir,
      List<ServerModule> modules) {
    this.modules = List.copyOf(modules);
    this.web = web;
    this.database = database;
    this.auditLog = auditLog;
    this.custody = custody;
    this.routes = routes;
    this.dataDir = dataDir;
  }

  public static SignetServer start(Options options) throws ServerException, StoreException {
    ServerConfig config =
        options.config() == null ? ServerConfig.defaults() : ConfigReader.read(options.config());
    if (options.configureLogging()) {
      configureLogging(config);
    }
    HostPort listen =
        options.listen() == null ? config.listen() : HostPort.parse(options.listen(), "--listen");
    DataDir dir = new DataDir(options.dataDir());
    boolean selfSigned = config.tlsCert() == null;
    DataDir.Material material = dir.prepare(selfSigned, !config.custody().hsmMasterKey());

    String url = options.database() != null ? options.database() : config.databaseUrl();
    String user = config.databaseUser();
    String password = config.databasePassword();
    if (url == null) {
      url = dir.h2Url();
    } else if (password == null) {
      password = options.env().get(config.databasePasswordEnv());
    }
    Database database = Database.open(url, user, password);
    @Nullable AuditLog startedLog = null;
    @Nullable ServerCustody custody = null;
    List<ServerModule> installed = new ArrayList<>();
    try {
      custody = ServerCustody.open(config, options.env(), material, dir);
      ServerStore store = new ServerStore(database);
      PersonalData personalData = custody.checkDatabase(store);
      issueAdminToken(store, options);

      SignetMetrics metrics = new SignetMetrics();
      AuditLog auditLog;
      try {
        auditLog = AuditLogs.open(config, database, custody.masterKey());
        startedLog = auditLog;
      } catch (AuditException e) {
        throw new ServerException(e.getMessage(), e);
      }
      ServerContext context =
          new ServerContext(
              config,
              database,
              metrics,
              custody.masterKey(),
              personalData,
              custody.hsmSlot(),
              auditLog);
      Routes routes = new Routes();
      List<ReadinessCheck> checks = new ArrayList<>();
      checks.add(
          new ReadinessCheck() {
            @Override
            public String name() {
              return "database";
            }

            @Override
            public void check() throws StoreException {
              database.ping(ServerLimits.READY_CHECK_TIMEOUT);
            }
          });
      ReadinessCheck hsm = custody.readinessCheck(metrics);
      if (hsm != null) {
        checks.add(hsm);
      }
      for (ServerModule m : options.modules()) {
        checks.addAll(m.readinessChecks(context));
      }
      try {
        SystemRoutes.register(routes, checks, metrics);
      } catch (IOException e) {
        throw new ServerException("cannot load the OpenAPI document: " + e.getMessage(), e);
      }
      for (ServerModule m : options.modules()) {
        installed.add(m);
        m.install(context, routes);
      }

      Tls tls = tls(config, dir);
      WebServer web;
      try {
        web =
            WebServer.builder()
                .host(listen.host())
                .port(listen.port())
                .shutdownHook(false)
                .shutdownGracePeriod(ServerLimits.SHUTDOWN_GRACE)
                // The routing layer refuses bodies over the limit with a JSON 413; Helidon's own
                // limit is a backstop for bodies that never reach a handler.
                .maxPayloadSize(2 * ServerLimits.MAX_REQUEST_BODY_BYTES)
                .maxTcpConnections(ServerLimits.MAX_TCP_CONNECTIONS)
                .tls(tls)
                .routing(ApiRouting.build(routes, metrics))
                .build()
                .start();
      } catch (RuntimeException e) {
        throw new ServerException(
            "cannot listen on " + listen + ": " + oneLine(String.valueOf(e.getMessage())), e);
      }
      SignetServer server =
          new SignetServer(web, database, auditLog, custody, routes, dir.path(), options.modules());
      LOG.info(
          "signet server listening on https://"
              + listen.host()
              + ":"
              + web.port()
              + " (database "
              + database.description()
              + ", data dir "
              + dir.path()
              + ", "
              + custody.masterKey().describe()
              + ")");
      return server;
    } catch (ServerException | StoreException | RuntimeException e) {
      // What installed modules opened (HSM keys hold the token's module) goes before the master
      // key.
      for (ServerModule m : installed.reversed()) {
        m.close();
      }
      if (startedLog != null) {
        closeAuditLog(startedLog);
      }
      if (custody != null) {
        custody.close();
      }
      database.close();
      throw e;
    }
  }

  /** The port actually bound (useful with {@code --listen 127.0.0.1:0}). */
  public int port() {
    return web.port();
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Every registered route, for the OpenAPI consistency test. */
  public List<Routes.Route> routes() {
    return routes.all();
  }

  /** Blocks until {@link #close} has finished. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /** Stops accepting, waits for requests in flight (up to the grace period), closes the pool. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      awaitQuietly();
      return;
    }
    try {
      web.stop();
    } finally {
      for (ServerModule m : modules.reversed()) {
        m.close();
      }
      closeAuditLog(auditLog);
      // After the modules: their custody keys were sealed under it, and HSM keys share its token.
      custody.close();
      database.close();
      LOG.info("signet server stopped");
      stopped.countDown();
    }
  }

  /** Commits the appends already queued, then stops the log's sequencer, before the pool goes. */
  private static void closeAuditLog(AuditLog log) {
    if (log instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warning("cannot close the audit log: " + oneLine(String.valueOf(e.getMessage())));
      }
    }
  }

  private void awaitQuietly() {
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void issueAdminToken(ServerStore store, Options options) throws StoreException {
    String token = newAdminToken();
    if (options.resetAdminToken()) {
      store.replaceAdminTokens(token);
    } else if (!store.addInitialAdminToken(token)) {
      return;
    }
    // stdout, once: the only copy. Only its SHA-256 is stored.
    options.out().println("signet: admin token (shown once; store it now): " + token);
    options.out().flush();
  }

  static String newAdminToken() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return ADMIN_TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static Tls tls(ServerConfig config, DataDir dir) throws ServerException {
    Path certFile = config.tlsCert() != null ? config.tlsCert() : dir.resolve(DataDir.TLS_CERT);
    Path keyFile = config.tlsKey() != null ? config.tlsKey() : dir.resolve(DataDir.TLS_KEY);
    DataDir.checkOwnerOnly(keyFile, "TLS key");
    List<X509Certificate> chain = certificates(certFile);
    if (chain.isEmpty()) {
      throw new ServerException("TLS certificate file " + certFile + " holds no certificate");
    }
    PrivateKey key = privateKey(keyFile);
    var b =
        Tls.builder()
            .privateKey(key)
            .privateKeyCertChain(chain)
            .addEnabledProtocol("TLSv1.3")
            .addEnabledProtocol("TLSv1.2");
    if (config.clientCa() != null) {
      List<X509Certificate> cas = certificates(config.clientCa());
      if (cas.isEmpty()) {
        throw new ServerException("client CA file " + config.clientCa() + " holds no certificate");
      }
      // OPTIONAL: a client certificate is one credential among several (OIDC, project tokens),
      // so the handshake asks for one and the origin verifiers decide whether it is required.
      // The handshake accepts any chain (it still proves possession of the certificate's key):
      // the origin verifier checks it against these CAs on every request, so that a refused
      // certificate gets an answer and a DENIED audit entry instead of a silent reset.
      b.trustAll(true).clientAuth(TlsClientAuth.OPTIONAL);
    } else {
      b.clientAuth(TlsClientAuth.NONE);
    }
    try {
      return b.build();
    } catch (RuntimeException e) {
      throw new ServerException(
          "cannot set up TLS with " + certFile + ": " + oneLine(String.valueOf(e.getMessage())), e);
    }
  }

  private static List<Object> pemObjects(Path file, String what) throws ServerException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(ServerLimits.MAX_PEM_BYTES + 1);
    } catch (IOException e) {
      throw new ServerException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
    }
    if (bytes.length > ServerLimits.MAX_PEM_BYTES) {
      throw new ServerException(
          what + " " + file + " is larger than " + ServerLimits.MAX_PEM_BYTES + " bytes");
    }
    List<Object> objects = new ArrayList<>();
    try (PEMParser p =
        new PEMParser(
            new InputStreamReader(
                new java.io.ByteArrayInputStream(bytes), StandardCharsets.US_ASCII))) {
      for (Object o = p.readObject(); o != null; o = p.readObject()) {
        objects.add(o);
      }
    } catch (IOException | RuntimeException e) {
      throw new ServerException(what + " " + file + " is not valid PEM");
    }
    return objects;
  }

  private static List<X509Certificate> certificates(Path file) throws ServerException {
    List<X509Certificate> out = new ArrayList<>();
    for (Object o : pemObjects(file, "certificate file")) {
      if (o instanceof X509CertificateHolder h) {
        try {
          out.add(new JcaX509CertificateConverter().getCertificate(h));
        } catch (CertificateException e) {
          throw new ServerException("certificate file " + file + " holds a bad certificate");
        }
      }
    }
    return out;
  }

  private static PrivateKey privateKey(Path file) throws ServerException {
    JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
    for (Object o : pemObjects(file, "TLS key")) {
      try {
        if (o instanceof PrivateKeyInfo info) {
          return conv.getPrivateKey(info);
        }
        if (o instanceof PEMKeyPair pair) {
          return conv.getKeyPair(pair).getPrivate();
        }
      } catch (IOException e) {
        throw new ServerException("TLS key " + file + " holds an unreadable key");
      }
    }
    throw new ServerException("TLS key " + file + " holds no unencrypted private key");
  }

  private static void configureLogging(ServerConfig config) {
    Logger root = Logger.getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
      if (h instanceof BatchingLogHandler previous) {
        // A server started earlier in this JVM (tests, the demo): stop its writer thread.
        previous.close();
      }
    }
    // Where ConsoleHandler writes (stderr), one batch of lines per write.
    root.addHandler(new BatchingLogHandler(System.err, new JsonLogFormatter(), config.logLevel()));
    root.setLevel(config.logLevel());
  }

  private static String oneLine(String s) {
    return s.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
