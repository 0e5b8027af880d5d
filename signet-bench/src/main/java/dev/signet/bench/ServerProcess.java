package dev.signet.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * A Signet server as a child process ({@code signet server} from the same jar, with the JVM flags
 * the {@code ./signet} launcher gives a server), on a free loopback port: the reference the load
 * benchmark measures is a real server process, not an in-process call.
 */
final class ServerProcess implements AutoCloseable {
  /** The launcher's flags for {@code server}: SerialGC, C2 kept (see the launcher script). */
  static final List<String> LAUNCHER_FLAGS =
      List.of(
          "-XX:+UseSerialGC",
          "-Xlog:aot=off",
          "-Xlog:cds=off",
          "--enable-native-access=ALL-UNNAMED");

  private static final Pattern ADMIN =
      Pattern.compile("admin token \\(shown once; store it now\\): (\\S+)");

  private final Process process;
  private final Path log;
  private final String base;
  private final String adminToken;
  private final SSLContext tls;

  private ServerProcess(Process process, Path log, String base, String adminToken, SSLContext tls) {
    this.process = process;
    this.log = log;
    this.base = base;
    this.adminToken = adminToken;
    this.tls = tls;
  }

  /**
   * Starts {@code signet server} on {@code dir/data} with {@code config}, waits for the admin token
   * and {@code /readyz}. The server's log (stderr) goes to {@code dir/server.log}.
   */
  static ServerProcess start(
      Path dir, Path config, int port, @Nullable String database, List<String> jvmOptions)
      throws IOException, InterruptedException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElseThrow(() -> new IllegalStateException("cannot tell which java runs the bench"));
    List<String> cmd = new ArrayList<>(List.of(java));
    // Another collector given with --server-jvm replaces the launcher's (the JVM refuses two).
    boolean ownGc = jvmOptions.stream().anyMatch(f -> f.matches("-XX:\\+Use\\w+GC"));
    for (String f : LAUNCHER_FLAGS) {
      if (!(ownGc && f.equals("-XX:+UseSerialGC"))) {
        cmd.add(f);
      }
    }
    cmd.addAll(jvmOptions);
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "dev.signet.cli.Main",
            "server",
            "--config",
            config.toString(),
            "--data-dir",
            dir.resolve("data").toString(),
            "--listen",
            "127.0.0.1:" + port));
    if (database != null) {
      cmd.add("--database");
      cmd.add(database);
    }
    Path log = dir.resolve("server.log");
    Process p =
        new ProcessBuilder(cmd)
            .redirectError(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    p.getOutputStream().close();
    CompletableFuture<String> token = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon()
        .name("server-stdout")
        .start(() -> readToken(p.getInputStream(), token));
    String admin;
    try {
      admin = token.get(120, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      p.destroyForcibly();
      throw new IllegalStateException(
          "the server printed no admin token; its log " + log + " ends: " + tail(log));
    }
    String base = "https://127.0.0.1:" + port;
    SSLContext tls;
    try {
      tls = trusting(dir.resolve("data").resolve("tls.crt"));
    } catch (GeneralSecurityException e) {
      p.destroyForcibly();
      throw new IllegalStateException("cannot read the server's tls.crt: " + e.getMessage(), e);
    }
    ServerProcess s = new ServerProcess(p, log, base, admin, tls);
    s.awaitReady();
    return s;
  }

  /** A free TCP port on 127.0.0.1 (closed again; the server binds it next). */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void readToken(InputStream out, CompletableFuture<String> token) {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(out, StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        Matcher m = ADMIN.matcher(line);
        if (m.find()) {
          token.complete(m.group(1));
        }
      }
      token.completeExceptionally(new IOException("stdout closed"));
    } catch (IOException e) {
      token.completeExceptionally(e);
    }
  }

  private void awaitReady() throws InterruptedException, IOException {
    HttpClient c = client();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the server exited with " + process.exitValue() + "; its log ends: " + tail(log));
      }
      try {
        HttpResponse<String> r =
            c.send(
                HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the server was not ready within 60 s; log: " + log);
  }

  /** An HTTP/1.1 client (keep-alive) trusting the server's generated certificate. */
  HttpClient client() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .sslContext(tls)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  /** Trusts exactly the server's generated {@code tls.crt}. */
  SSLContext tls() {
    return tls;
  }

  String base() {
    return base;
  }

  String adminToken() {
    return adminToken;
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  /** CPU time the server process has used so far (all threads), in nanoseconds. */
  long cpuNanos() {
    return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  private static SSLContext trusting(Path cert) throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    try (InputStream in = Files.newInputStream(cert)) {
      ks.setCertificateEntry(
          "signet", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  /** SIGTERM, as an operator stops it; forcibly after 20 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
