package dev.signet.bench;

import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyException;
import dev.signet.keys.SigningKey;
import dev.signet.keys.SoftwareKey;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * The signing service under load (issue 4 §7, docs/performance.md): a real {@code signet server}
 * child process on loopback, K client threads each on its own keep-alive HTTPS connection, every
 * request a digest (Ed25519: a 32-byte message) signed under OIDC authentication (a fresh RS256
 * Buildkite-shaped ID token per request, minted before the timed window), policy evaluation and a
 * durable audit entry. Beside it, in the same run, the raw single-core signature rate of the same
 * algorithm through the same code the server's software keys sign with ({@link SoftwareKey}),
 * measured before and after the server phases.
 *
 * <ol>
 *   <li>closed loop: each client sends its next request as soon as the last answered; warm-up, then
 *       the peak rate over the measurement window;
 *   <li>open loop at half the peak: requests on a fixed schedule, latency measured from the
 *       scheduled send time, so a stalled server is not hidden by clients that wait for it
 *       (coordinated omission); exact percentiles from every recorded latency.
 * </ol>
 *
 * <p>Afterwards the audit log must have grown by at least one leaf per signature returned (a
 * benchmark that loses entries measures the wrong thing), and {@code signet_signing_seconds} is
 * scraped from {@code /metrics}.
 *
 * <pre>
 * java -cp signet-bench/target/signet-bench.jar dev.signet.bench.ServerBench
 *     [--key es256|ed25519|all] [--auth oidc|session] [--clients 32] [--warmup 10] [--measure 20]
 *     [--open 20] [--database jdbc:postgresql://HOST:PORT/DB --database-user USER]
 *     [--server-jvm OPTION]... [--keep DIR]
 * </pre>
 *
 * With {@code --database}, the password comes from {@code SIGNET_DB_PASSWORD} and the database must
 * be fresh (the run creates its own master key).
 */
public final class ServerBench {
  static final String PROJECT = "bench";
  static final String AUDIENCE_PREFIX = "https://127.0.0.1:";

  /** Ways the clients authenticate. */
  enum Auth {
    /** A fresh OIDC ID token (unique jti) on every request, as CI jobs present them. */
    OIDC,
    /**
     * A session token: each client exchanges one ID token per key benchmarked ({@code POST
     * /v1/projects/{p}/sessions}) and signs with the {@code sgs_} token it gets.
     */
    SESSION
  }

  /** The key algorithms benchmarked, with the route each signs through. */
  enum Key {
    ES256(Algorithm.ES256, "digest"),
    ED25519(Algorithm.EdDSA, "message");

    final Algorithm algorithm;
    final String route;
    final String path;

    Key(Algorithm algorithm, String route) {
      this.algorithm = algorithm;
      this.route = route;
      this.path = "/v1/projects/" + PROJECT + "/sign/" + route;
    }

    String keyName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  record Options(
      List<Key> keys,
      Auth auth,
      int clients,
      Duration warmup,
      Duration measure,
      Duration open,
      Duration raw,
      @Nullable String database,
      @Nullable String databaseUser,
      List<String> serverJvm,
      @Nullable Path keep) {

    static Options defaults() {
      return new Options(
          List.of(Key.ES256, Key.ED25519),
          Auth.OIDC,
          32,
          Duration.ofSeconds(10),
          Duration.ofSeconds(20),
          Duration.ofSeconds(20),
          Duration.ofSeconds(3),
          null,
          null,
          List.of(),
          null);
    }

    /** About two seconds of load per phase group: for the smoke test, not for figures. */
    static Options smoke() {
      return smoke(Auth.OIDC, List.of(Key.ES256, Key.ED25519));
    }

    static Options smoke(Auth auth, List<Key> keys) {
      return new Options(
          keys,
          auth,
          4,
          Duration.ofMillis(300),
          Duration.ofMillis(700),
          Duration.ofMillis(700),
          Duration.ofMillis(200),
          null,
          null,
          List.of(),
          null);
    }
  }

  /** Latency percentiles in milliseconds, exact (every latency recorded and sorted). */
  record Latency(long count, double p50, double p90, double p99, double max) {
    static Latency of(long[] nanos) {
      long[] s = nanos.clone();
      Arrays.sort(s);
      return new Latency(s.length, pct(s, 0.50), pct(s, 0.90), pct(s, 0.99), pct(s, 1.0));
    }

    private static double pct(long[] sorted, double q) {
      if (sorted.length == 0) {
        return Double.NaN;
      }
      int i = (int) Math.ceil(q * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }
  }

  /** One key's figures. */
  record KeyResult(
      Key key,
      Auth auth,
      double rawBefore,
      double rawAfter,
      double peak,
      double peakWindowSeconds,
      Latency atPeak,
      double openTarget,
      double openAchieved,
      Latency atHalf,
      double serverCpuMsPerSignature,
      double clientCpuMsPerRequest) {
    /**
     * The raw rate the ratio is taken to: the higher of the two measurements, since a lower one
     * means the machine (or the JIT, for the JDK's P-256 code) held the reference back, and a
     * reference held back would flatter the server.
     */
    double raw() {
      return Math.max(rawBefore, rawAfter);
    }

    double ratio() {
      return peak / raw();
    }

    boolean targetMet() {
      return ratio() >= 0.25 && atHalf.p99() <= 50;
    }
  }

  /** A whole run: per-key figures, the audit check and the server's own timer. */
  record Result(
      List<KeyResult> keys,
      long signaturesReturned,
      long refusals,
      long requests,
      long reconnects,
      long auditBefore,
      long auditAfter,
      String signingMetrics) {
    boolean auditComplete() {
      return auditAfter - auditBefore >= signaturesReturned;
    }
  }

  private ServerBench() {}

  public static void main(String[] args) throws Exception {
    Options o = parse(args);
    Result r = run(o, System.out::println);
    System.out.println();
    System.out.println(table(r, o));
    if (!r.auditComplete()) {
      System.err.println(
          "FAILED: the audit log grew by "
              + (r.auditAfter() - r.auditBefore())
              + " leaves for "
              + r.signaturesReturned()
              + " signatures returned");
      System.exit(1);
    }
  }

  static Options parse(String[] args) {
    Options o = Options.defaults();
    List<Key> keys = o.keys();
    Auth auth = o.auth();
    int clients = o.clients();
    Duration warmup = o.warmup();
    Duration measure = o.measure();
    Duration open = o.open();
    Duration raw = o.raw();
    String database = null;
    String user = null;
    Path keep = null;
    List<String> jvm = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(a + ": a value is required");
      }
      String v = args[++i];
      switch (a) {
        case "--key" ->
            keys =
                v.equals("all")
                    ? List.of(Key.ES256, Key.ED25519)
                    : List.of(Key.valueOf(v.toUpperCase(Locale.ROOT)));
        case "--auth" -> auth = Auth.valueOf(v.toUpperCase(Locale.ROOT));
        case "--smoke" -> {
          return Options.smoke(Auth.valueOf(v.toUpperCase(Locale.ROOT)), keys);
        }
        case "--clients" -> clients = Integer.parseInt(v);
        case "--warmup" -> warmup = seconds(v);
        case "--measure" -> measure = seconds(v);
        case "--open" -> open = seconds(v);
        case "--raw" -> raw = seconds(v);
        case "--database" -> database = v;
        case "--database-user" -> user = v;
        case "--server-jvm" -> jvm.add(v);
        case "--keep" -> keep = Path.of(v);
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (clients < 1 || clients > 1024) {
      throw new IllegalArgumentException("--clients must be 1..1024");
    }
    return new Options(
        keys, auth, clients, warmup, measure, open, raw, database, user, List.copyOf(jvm), keep);
  }

  private static Duration seconds(String v) {
    return seconds(Double.parseDouble(v));
  }

  private static Duration seconds(double s) {
    return Duration.ofMillis(Math.round(s * 1000));
  }

  /** Runs the benchmark; {@code progress} gets one line per phase. */
  static Result run(Options o, java.util.function.Consumer<String> progress) throws Exception {
    Path dir =
        o.keep() != null
            ? Files.createDirectories(o.keep())
            : Files.createTempDirectory("signet-server-bench");
    try (BenchIssuer issuer = new BenchIssuer()) {
      int port = ServerProcess.freePort();
      String audience = AUDIENCE_PREFIX + port;
      Path config = dir.resolve("signet.yaml");
      Files.writeString(config, config(issuer.issuer(), audience, o));
      progress.accept(
          "starting signet server (" + (o.database() == null ? "H2" : "PostgreSQL") + ")");
      try (ServerProcess server =
          ServerProcess.start(dir, config, port, o.database(), o.serverJvm())) {
        HttpClient admin = server.client();
        for (Key k : o.keys()) {
          HttpResponse<String> created =
              send(
                  admin,
                  post(
                          server.base() + "/v1/admin/projects/" + PROJECT + "/keys",
                          server.adminToken())
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"key\":\""
                                  + k.keyName()
                                  + "\",\"algorithm\":\""
                                  + k.algorithm.jwa()
                                  + "\"}"))
                      .build());
          if (created.statusCode() != 201) {
            throw new IllegalStateException(
                "creating key "
                    + k.keyName()
                    + ": HTTP "
                    + created.statusCode()
                    + " "
                    + created.body());
          }
        }
        long auditBefore = auditSize(admin, server.base());
        List<KeyResult> results = new ArrayList<>();
        long requests;
        long reconnects;
        Load load = new Load(server, o.clients(), issuer, audience, o.auth());
        try (load) {
          for (Key k : o.keys()) {
            results.add(benchKey(o, k, server, load, progress));
          }
          requests = load.requests.get();
          reconnects = load.reconnects();
        }
        long auditAfter = auditSize(admin, server.base());
        String metrics =
            send(admin, HttpRequest.newBuilder(URI.create(server.base() + "/metrics")).build())
                .body();
        return new Result(
            List.copyOf(results),
            load.ok.get(),
            load.failed.get(),
            requests,
            reconnects,
            auditBefore,
            auditAfter,
            signingMetrics(metrics));
      }
    } finally {
      if (o.keep() == null) {
        delete(dir);
      }
    }
  }

  static String config(String issuer, String audience, Options o) {
    String keys = String.join(", ", o.keys().stream().map(Key::keyName).toList());
    String db = o.databaseUser() == null ? "" : "database:\n  user: " + o.databaseUser() + "\n";
    return db
        + String.format(
            Locale.ROOT,
            """
            issuers:
              buildkite:
                preset: buildkite
                issuer: %s
                audience: %s
                pins: { organization_slug: %s }
                allowInsecureLoopback: true
            projects:
              %s:
                keys: [%s]
                operations: [digest]
                rules:
                  - name: main
                    oidc:
                      issuer: buildkite
                      claims:
                        organization_slug: %s
                        pipeline_slug: %s
                        build_branch: %s
            """,
            issuer,
            audience,
            BenchIssuer.ORGANIZATION,
            PROJECT,
            keys,
            BenchIssuer.ORGANIZATION,
            BenchIssuer.PIPELINE,
            BenchIssuer.BRANCH);
  }

  private static KeyResult benchKey(
      Options o,
      Key k,
      ServerProcess server,
      Load load,
      java.util.function.Consumer<String> progress)
      throws Exception {
    SoftwareKey reference = referenceKey(k);
    double rawBefore = rawRate(reference, k, o.raw());
    progress.accept(
        String.format(Locale.ROOT, "%s: raw single-core %,.0f sig/s (before)", k, rawBefore));
    load.key = k;
    load.openSessions();

    // Pilot: a rough rate, so the token supply of the timed phases fits (minting is not timed).
    Closed pilot = load.closed(load.tokens(o.clients() * 20), Duration.ZERO, Duration.ofSeconds(3));
    if (pilot.completed() == 0 || load.failed.get() > 0) {
      throw new IllegalStateException(
          k + ": the server refused requests; the first: " + load.firstFailure.get());
    }
    double estimate = Math.max(pilot.rate(), 50);
    // Warm-up in rounds: when a round's tokens run out early (the rate grew as the JIT warmed),
    // the next round gets more, until the warm-up time has been spent under load.
    double left = o.warmup().toMillis() / 1000.0;
    double warmRate = 0;
    while (left > 0.05) {
      Closed w =
          load.closed(
              load.tokens(tokensFor(estimate, seconds(left), o.clients())),
              Duration.ZERO,
              seconds(left));
      warmRate = w.rate();
      estimate = Math.max(estimate, warmRate);
      left -= Math.max(0.05, w.windowSeconds());
    }
    progress.accept(
        String.format(Locale.ROOT, "%s: warmed up (%,.0f sig/s in its last round)", k, warmRate));
    // The window must run its full length on tokens minted beforehand; if they run out (the
    // estimate was low), the window is repeated with more.
    Closed peak;
    double serverCpu;
    double clientCpu;
    int attempt = 0;
    while (true) {
      String[] tokens = load.tokens(tokensFor(estimate, o.measure(), o.clients()));
      long serverCpu0 = server.cpuNanos();
      long clientCpu0 = ownCpuNanos();
      peak = load.closed(tokens, Duration.ZERO, o.measure());
      serverCpu = (server.cpuNanos() - serverCpu0) / 1e6 / Math.max(1, peak.completed());
      clientCpu = (ownCpuNanos() - clientCpu0) / 1e6 / Math.max(1, peak.completed());
      if (peak.windowSeconds() >= o.measure().toMillis() / 1000.0 * 0.99) {
        break;
      }
      if (++attempt == 3) {
        throw new IllegalStateException(
            k + ": the token supply ran out after " + peak.windowSeconds() + " s of the window");
      }
      estimate = Math.max(estimate, peak.rate()) * 1.5;
    }
    progress.accept(
        String.format(
            Locale.ROOT,
            "%s: peak %,.0f sig/s over %.1f s with %d clients (p50 %.1f ms, p99 %.1f ms); CPU per"
                + " signature: server %.2f ms, bench clients %.2f ms; load average %.1f;"
                + " reconnects so far %d",
            k,
            peak.rate(),
            peak.windowSeconds(),
            o.clients(),
            peak.latency().p50(),
            peak.latency().p99(),
            serverCpu,
            clientCpu,
            java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage(),
            load.reconnects()));

    double half = peak.rate() / 2;
    int n = (int) Math.max(1, Math.round(half * o.open().toMillis() / 1000.0));
    Open open = load.open(load.tokens(n), half);
    progress.accept(
        String.format(
            Locale.ROOT,
            "%s: open loop at %,.0f/s (achieved %,.0f/s): p50 %.1f ms, p90 %.1f ms, p99 %.1f ms,"
                + " max %.1f ms",
            k,
            half,
            open.achieved(),
            open.latency().p50(),
            open.latency().p90(),
            open.latency().p99(),
            open.latency().max()));
    double rawAfter = rawRate(reference, k, o.raw());
    progress.accept(
        String.format(Locale.ROOT, "%s: raw single-core %,.0f sig/s (after)", k, rawAfter));
    reference.close();
    return new KeyResult(
        k,
        o.auth(),
        rawBefore,
        rawAfter,
        peak.rate(),
        peak.windowSeconds(),
        peak.latency(),
        half,
        open.achieved(),
        open.latency(),
        serverCpu,
        clientCpu);
  }

  /** Tokens for {@code d} at {@code rate}, with room: the rate may still grow as the JIT warms. */
  private static int tokensFor(double rate, Duration d, int clients) {
    return (int) Math.min(2_000_000, Math.ceil(rate * 2 * d.toMillis() / 1000.0) + 4L * clients);
  }

  // ---- raw reference -------------------------------------------------------------------------

  private static SoftwareKey referenceKey(Key k) throws KeyException {
    SecureRandom random = new SecureRandom();
    byte[] pkcs8 = SoftwareKey.generatePkcs8(k.algorithm, random);
    try {
      return SoftwareKey.fromPkcs8(pkcs8, k.algorithm, "reference", "bench:reference");
    } finally {
      Arrays.fill(pkcs8, (byte) 0);
    }
  }

  /**
   * Signatures per second on one thread, through the key class custody's software keys are ({@link
   * SoftwareKey}: JDK ECDSA for ES256, BouncyCastle for Ed25519), over what the server signs: a
   * SHA-256 digest, or a 32-byte message for Ed25519, after a warm-up as long as the measurement
   * (the JIT takes seconds over the JDK's P-256 arithmetic).
   */
  static double rawRate(SigningKey key, Key k, Duration d) throws KeyException {
    byte[] input = new byte[32];
    new SecureRandom().nextBytes(input);
    long warmEnd = System.nanoTime() + d.toNanos();
    while (System.nanoTime() < warmEnd) {
      sign(key, k, input);
    }
    long t0 = System.nanoTime();
    long end = t0 + d.toNanos();
    long n = 0;
    long now;
    do {
      sign(key, k, input);
      n++;
      now = System.nanoTime();
    } while (now < end);
    return n / ((now - t0) / 1e9);
  }

  private static byte[] sign(SigningKey key, Key k, byte[] input) throws KeyException {
    return k == Key.ES256 ? key.signDigest(input) : key.signMessage(input);
  }

  // ---- load ----------------------------------------------------------------------------------

  record Closed(long completed, double windowSeconds, Latency latency) {
    double rate() {
      return windowSeconds <= 0 ? 0 : completed / windowSeconds;
    }
  }

  record Open(double achieved, Latency latency) {}

  /**
   * The clients: one keep-alive TLS connection each ({@link KeepAliveClient}, used by one thread at
   * a time), the counters every phase adds to.
   */
  static final class Load implements AutoCloseable {
    private static final java.util.regex.Pattern SESSION_TOKEN =
        java.util.regex.Pattern.compile("\"token\":\"(sgs_[A-Za-z0-9_-]+)\"");
    private static final byte[] SESSION_BODY =
        "{\"ttlSeconds\":900,\"maxUses\":100000}".getBytes(StandardCharsets.UTF_8);

    private final KeepAliveClient[] clients;
    private final BenchIssuer issuer;
    private final String audience;
    final AtomicLong requests = new AtomicLong();
    final AtomicLong ok = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicReference<@Nullable String> firstFailure = new AtomicReference<>();
    volatile Key key = Key.ES256;

    /** Request bodies, built once per key: 64 different digests or messages. */
    private final byte[][] es256Bodies = new byte[64][];

    private final byte[][] ed25519Bodies = new byte[64][];

    private final Auth auth;
    private final String[] sessions;

    Load(ServerProcess server, int clients, BenchIssuer issuer, String audience, Auth auth) {
      URI base = URI.create(server.base());
      this.clients = new KeepAliveClient[clients];
      for (int t = 0; t < clients; t++) {
        this.clients[t] =
            new KeepAliveClient(
                server.tls(), base.getHost(), base.getPort(), Duration.ofSeconds(60));
      }
      this.issuer = issuer;
      this.audience = audience;
      this.auth = auth;
      this.sessions = new String[clients];
      SecureRandom r = new SecureRandom();
      for (int i = 0; i < 64; i++) {
        byte[] b = new byte[32];
        r.nextBytes(b);
        String value = HexFormat.of().formatHex(b);
        es256Bodies[i] =
            ("{\"key\":\"es256\",\"digest\":{\"algorithm\":\"sha256\",\"value\":\""
                    + value
                    + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
        ed25519Bodies[i] =
            ("{\"key\":\"ed25519\",\"message\":\"" + Base64.getEncoder().encodeToString(b) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
      }
    }

    /** Connections the clients opened again after their first (the server closed one). */
    long reconnects() {
      long n = 0;
      for (KeepAliveClient c : clients) {
        n += c.reconnects();
      }
      return n;
    }

    @Override
    public void close() {
      for (KeepAliveClient c : clients) {
        c.close();
      }
    }

    /**
     * One unit of authentication per request to come: a fresh ID token each (OIDC), or nothing to
     * mint (sessions: the client's session token is used).
     */
    String[] tokens(int n) {
      if (auth == Auth.SESSION) {
        String[] none = new String[n];
        Arrays.fill(none, "");
        return none;
      }
      return issuer.mint(n, audience);
    }

    /** Session mode: each client exchanges one fresh ID token for a session token. */
    void openSessions() throws IOException {
      if (auth != Auth.SESSION) {
        return;
      }
      String[] ids = issuer.mint(clients.length, audience);
      for (int t = 0; t < clients.length; t++) {
        KeepAliveClient c = clients[t];
        int status = c.post("/v1/projects/" + PROJECT + "/sessions", ids[t], SESSION_BODY);
        String body = c.body();
        java.util.regex.Matcher m = SESSION_TOKEN.matcher(body);
        if (status != 201 || !m.find()) {
          throw new IllegalStateException(
              "opening a session: HTTP " + status + " " + oneLine(body));
        }
        sessions[t] = m.group(1);
      }
    }

    /** Sends one request; true for a signature (200). */
    private boolean call(int client, String token, int i) {
      Key k = key;
      KeepAliveClient c = clients[client];
      requests.incrementAndGet();
      try {
        int status =
            c.post(
                k.path,
                auth == Auth.SESSION ? sessions[client] : token,
                (k == Key.ES256 ? es256Bodies : ed25519Bodies)[i & 63]);
        if (status == 200) {
          ok.incrementAndGet();
          return true;
        }
        failed.incrementAndGet();
        firstFailure.compareAndSet(null, "HTTP " + status + " " + oneLine(c.body()));
      } catch (IOException e) {
        failed.incrementAndGet();
        firstFailure.compareAndSet(null, e.getClass().getSimpleName() + ": " + e.getMessage());
      }
      return false;
    }

    /**
     * Closed loop: every client sends as soon as its last request was answered, until {@code warmup
     * + measure} passed or the tokens ran out. Counts the signatures completed inside the
     * measurement window (which ends early if the tokens ran out).
     */
    Closed closed(String[] tokens, Duration warmup, Duration measure) throws InterruptedException {
      AtomicInteger next = new AtomicInteger();
      long start = System.nanoTime();
      long windowStart = start + warmup.toNanos();
      long windowEnd = windowStart + measure.toNanos();
      AtomicLong exhausted = new AtomicLong(Long.MAX_VALUE);
      Recorder[] rec = new Recorder[clients.length];
      Thread[] threads = new Thread[clients.length];
      for (int t = 0; t < threads.length; t++) {
        int client = t;
        Recorder r = new Recorder();
        rec[t] = r;
        threads[t] =
            Thread.ofPlatform()
                .name("bench-client-" + t)
                .start(() -> {
                  while (System.nanoTime() < windowEnd) {
                    int i = next.getAndIncrement();
                    if (i >= tokens.length) {
                      exhausted.accumulateAndGet(System.nanoTime(), Math::min);
                      return;
                    }
                    long t0 = System.nanoTime();
                    boolean signed = call(client, tokens[i], i);
                    long t1 = System.nanoTime();
                    if (signed && t1 >= windowStart && t1 < windowEnd) {
                      r.add(t1, t1 - t0);
                    }
                  }
                });
      }
      for (Thread t : threads) {
        t.join();
      }
      long end = Math.min(windowEnd, exhausted.get());
      long completed = 0;
      List<long[]> lat = new ArrayList<>();
      for (Recorder r : rec) {
        lat.add(r.latenciesUntil(end));
        completed += lat.getLast().length;
      }
      return new Closed(
          completed, Math.max(0, end - windowStart) / 1e9, Latency.of(Recorder.concat(lat)));
    }

    /**
     * Open loop: request i is due at {@code start + i / rate}; its latency runs from that due time
     * to the answer, so time a request spent waiting for a free client counts too.
     */
    Open open(String[] tokens, double rate) throws InterruptedException {
      AtomicInteger next = new AtomicInteger();
      double interval = 1e9 / rate;
      long start = System.nanoTime() + 50_000_000L;
      AtomicLong last = new AtomicLong(start);
      Recorder[] rec = new Recorder[clients.length];
      Thread[] threads = new Thread[clients.length];
      for (int t = 0; t < threads.length; t++) {
        int client = t;
        Recorder r = new Recorder();
        rec[t] = r;
        threads[t] =
            Thread.ofPlatform()
                .name("bench-open-" + t)
                .start(() -> {
                  for (int i; (i = next.getAndIncrement()) < tokens.length; ) {
                    long due = start + (long) (i * interval);
                    for (long w; (w = due - System.nanoTime()) > 0; ) {
                      LockSupport.parkNanos(w);
                    }
                    boolean signed = call(client, tokens[i], i);
                    long done = System.nanoTime();
                    last.accumulateAndGet(done, Math::max);
                    if (signed) {
                      r.add(done, done - due);
                    }
                  }
                });
      }
      for (Thread t : threads) {
        t.join();
      }
      List<long[]> lat = new ArrayList<>();
      for (Recorder r : rec) {
        lat.add(r.latenciesUntil(Long.MAX_VALUE));
      }
      long[] all = Recorder.concat(lat);
      return new Open(all.length / ((last.get() - start) / 1e9), Latency.of(all));
    }
  }

  /** Completion times and latencies of one client thread (no sharing while it runs). */
  static final class Recorder {
    private long[] at = new long[1024];
    private long[] latency = new long[1024];
    private int n;

    void add(long when, long nanos) {
      if (n == at.length) {
        at = Arrays.copyOf(at, n * 2);
        latency = Arrays.copyOf(latency, n * 2);
      }
      at[n] = when;
      latency[n++] = nanos;
    }

    long[] latenciesUntil(long end) {
      long[] out = new long[n];
      int m = 0;
      for (int i = 0; i < n; i++) {
        if (at[i] < end) {
          out[m++] = latency[i];
        }
      }
      return Arrays.copyOf(out, m);
    }

    static long[] concat(List<long[]> parts) {
      long[] all = new long[parts.stream().mapToInt(p -> p.length).sum()];
      int o = 0;
      for (long[] p : parts) {
        System.arraycopy(p, 0, all, o, p.length);
        o += p.length;
      }
      return all;
    }
  }

  // ---- server facts --------------------------------------------------------------------------

  /** The tree size of the latest checkpoint (a C2SP signed note: origin, size, root hash, …). */
  static long auditSize(HttpClient c, String base) throws IOException, InterruptedException {
    HttpResponse<String> r =
        send(c, HttpRequest.newBuilder(URI.create(base + "/v1/audit/checkpoint")).build());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET /v1/audit/checkpoint: HTTP " + r.statusCode());
    }
    String[] lines = r.body().split("\n", -1);
    if (lines.length < 2) {
      throw new IllegalStateException("GET /v1/audit/checkpoint: not a checkpoint");
    }
    return Long.parseLong(lines[1]);
  }

  /**
   * {@code signet_signing_seconds} (key to durable audit entry, server side, whole run): count,
   * mean, max and the histogram's p50/p99 bucket bounds.
   */
  static String signingMetrics(String scrape) {
    double count = 0;
    double sum = 0;
    double max = 0;
    List<double[]> buckets = new ArrayList<>();
    for (String line : scrape.split("\n", -1)) {
      if (!line.startsWith("signet_signing_seconds")) {
        continue;
      }
      String[] parts = line.split(" ", -1);
      double v = Double.parseDouble(parts[parts.length - 1]);
      if (line.startsWith("signet_signing_seconds_count")) {
        count = v;
      } else if (line.startsWith("signet_signing_seconds_sum")) {
        sum = v;
      } else if (line.startsWith("signet_signing_seconds_max")) {
        max = v;
      } else if (line.startsWith("signet_signing_seconds_bucket{le=\"")) {
        String le = line.substring(line.indexOf('"') + 1, line.lastIndexOf('"'));
        buckets.add(
            new double[] {
              le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), v
            });
      }
    }
    return String.format(
        Locale.ROOT,
        "signet_signing_seconds: %,.0f signatures, mean %.2f ms, p50 <= %.2f ms, p99 <= %.2f ms"
            + " (histogram buckets), max %.1f ms (recent)",
        count,
        count == 0 ? 0 : sum / count * 1000,
        bucket(buckets, count, 0.50) * 1000,
        bucket(buckets, count, 0.99) * 1000,
        max * 1000);
  }

  private static double bucket(List<double[]> buckets, double count, double q) {
    for (double[] b : buckets) {
      if (b[1] >= q * count) {
        return b[0];
      }
    }
    return Double.NaN;
  }

  // ---- output --------------------------------------------------------------------------------

  static String table(Result r, Options o) {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "database %s, %d clients (keep-alive HTTPS, loopback), %s auth; raw = one thread in the"
                + " bench process, before / after; ratio to the higher%n%n",
            o.database() == null ? "H2" : "PostgreSQL",
            o.clients(),
            o.auth().name().toLowerCase(Locale.ROOT)));
    s.append(
        "| mode | key | raw single-core sig/s | peak sig/s | ratio to raw | p50 / p99 at half peak"
            + " | server CPU ms/sig | target (>= 25 %, p99 <= 50 ms) |\n");
    s.append("|---|---|---|---|---|---|---|---|\n");
    for (KeyResult k : r.keys()) {
      s.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %,.0f / %,.0f | %,.0f | %.1f %% | %.1f / %.1f ms (at %,.0f/s) | %.2f |"
                  + " %s |%n",
              k.auth().name().toLowerCase(Locale.ROOT),
              k.key().algorithm.jwa(),
              k.rawBefore(),
              k.rawAfter(),
              k.peak(),
              100 * k.ratio(),
              k.atHalf().p50(),
              k.atHalf().p99(),
              k.openAchieved(),
              k.serverCpuMsPerSignature(),
              k.targetMet() ? "met" : "MISSED"));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "%naudit log: %,d -> %,d leaves (+%,d) for %,d signatures returned and %,d refusals: %s%n"
                + "load clients: %,d requests, %,d reconnects (a connection the server closed, or"
                + " dropped after a failure)%n%s%n",
            r.auditBefore(),
            r.auditAfter(),
            r.auditAfter() - r.auditBefore(),
            r.signaturesReturned(),
            r.refusals(),
            r.auditComplete() ? "every signature is logged" : "ENTRIES MISSING",
            r.requests(),
            r.reconnects(),
            r.signingMetrics()));
    return s.toString();
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static HttpRequest.Builder post(String url, String bearer) {
    return HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Bearer " + bearer)
        .header("Content-Type", "application/json");
  }

  private static HttpResponse<String> send(HttpClient c, HttpRequest r)
      throws IOException, InterruptedException {
    return c.send(r, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static String oneLine(String s) {
    String t = s.replaceAll("\\s+", " ");
    return t.length() > 200 ? t.substring(0, 200) + "…" : t;
  }

  private static long ownCpuNanos() {
    return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  private static void delete(Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
