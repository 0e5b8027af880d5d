package dev.signet.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.keys.KeySet;
import dev.signet.keys.VerifyingKey;
import dev.signet.server.origin.testing.TestOidcIssuer;
import dev.signet.tlog.Checkpoint;
import dev.signet.tlog.ConsistencyProof;
import dev.signet.tlog.LogExport;
import dev.signet.tlog.NoteKey;
import dev.signet.tlog.NoteVerifier;
import dev.signet.tlog.Receipt;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 4 §7, the whole-server crash test: a real Signet server in a child JVM (the production
 * modules, HTTPS, OIDC authentication against a {@link TestOidcIssuer} served from this JVM, the
 * policy, a key in custody, the durable audit log) signs digests for {@value #CLIENTS} client
 * threads over keep-alive HTTPS, each request with a fresh ID token; 1–3 s into the load the child
 * is killed with SIGKILL. A new server on the same data directory and database must then show that
 * every signature a client received is logged at its receipt's index, that every receipt verifies
 * and every checkpoint a client saw is consistent with the new one (no fork, checked with the
 * server's consistency proofs), that the whole log recomputes to the new checkpoint, that each
 * signature verifies under the project's JWKS, that no request id has two leaves, and that the
 * server keeps signing at the next index. Three rounds per database (H2, and PostgreSQL when
 * configured).
 *
 * <p>A request in flight at the kill that got no answer may or may not be in the log; it is
 * counted, not failed. Which receipt is missing, if one is, is named in the failure.
 */
@Tag("crash")
class ServerCrashTest {
  /** Kills per database; {@code -Dsignet.crash.rounds=N} for a longer hunt. */
  private static final int ROUNDS = Integer.getInteger("signet.crash.rounds", 3);

  private static final int CLIENTS = 8;
  private static final String AUD = "https://signet.crash.test";
  private static final String PROJECT = "crash";
  private static final String KEY = "release";

  /** Every load request's X-Request-Id starts with this, so its leaves can be found. */
  private static final String ID_PREFIX = "crash-";

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HexFormat HEX = HexFormat.of();
  private static final SecureRandom RANDOM = new SecureRandom();

  // Kept when the test fails: the children's logs (child-N.log) say what the server saw.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;

  /** The child serving now: killed after the test whatever happened, so none outlives a failure. */
  private @Nullable Child running;

  @AfterEach
  void killTheChild() {
    if (running != null) {
      running.process.destroyForcibly();
    }
  }

  static List<TestServers.Db> databases() {
    return TestServers.databases();
  }

  /** A signature a client received: what it sent and everything the 200 held. */
  @SuppressWarnings("ArrayRecordComponent") // test data, never mutated
  record Received(
      String requestId,
      int round,
      byte[] digest,
      byte[] signature,
      String kid,
      String entry,
      Receipt receipt) {
    String describe() {
      return "receipt of request "
          + requestId
          + " (round "
          + round
          + ", leaf "
          + receipt.leafIndex()
          + ", checkpoint size "
          + receipt.treeSize()
          + ")";
    }
  }

  /** What one round of load gave: answers, requests the kill left unanswered, unexpected errors. */
  record Load(List<Received> received, Set<String> unanswered, List<String> errors, long killMs) {}

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void everySignatureAClientReceivedSurvivesSigkillAndNoCheckpointForks(TestServers.Db db)
      throws Exception {
    long t0 = System.nanoTime();
    try (TestOidcIssuer issuer = TestOidcIssuer.start()) {
      Path config = tmp.resolve("signet.yaml");
      Files.writeString(config, config(issuer, db), StandardCharsets.UTF_8);
      Path data = tmp.resolve("data");
      Child server = running = Child.start(db, config, data, tmp.resolve("child-0.log"));
      String admin = server.adminToken();
      assertThat(admin).as("admin token printed on the first start").isNotNull();
      HttpClient http = TestServers.client(data);
      HttpResponse<String> created =
          send(
              http,
              post(
                      server.base() + "/v1/admin/projects/" + PROJECT + "/keys",
                      Map.of("key", KEY, "algorithm", "ES256"))
                  .header("Authorization", "Bearer " + admin)
                  .build());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      NoteKey logKey = NoteKey.parse(get(http, server.base() + "/v1/audit/log-key").strip(), "log");

      List<Received> all = new ArrayList<>();
      Set<String> unanswered = new java.util.HashSet<>();
      @Nullable Checkpoint previous = null;
      for (int round = 1; round <= ROUNDS; round++) {
        long sizeAtStart = verifier(logKey).verifyCheckpoint(checkpoint(http, server), "cp").size();
        Load load = load(server, issuer, data, round);
        assertThat(load.errors())
            .as("%s round %d: unexpected answers before the kill", db, round)
            .isEmpty();
        assertThat(load.received())
            .as("%s round %d: signatures before the kill", db, round)
            .hasSizeGreaterThanOrEqualTo(CLIENTS);
        for (Received r : load.received()) {
          // The restarted server continued the log: nothing of this round went below its start.
          assertThat(r.receipt().leafIndex())
              .as("%s: %s continues the log of size %d", db, r.describe(), sizeAtStart)
              .isGreaterThanOrEqualTo(sizeAtStart);
        }
        all.addAll(load.received());
        unanswered.addAll(load.unanswered());

        server = running = Child.start(db, config, data, tmp.resolve("child-" + round + ".log"));
        assertThat(server.adminToken()).as("admin token printed only once").isNull();
        assertThat(get(http, server.base() + "/v1/audit/log-key").strip())
            .as("log key after the restart")
            .isEqualTo(logKey.format());
        Verified v = verify(db, http, server, logKey, all, unanswered, previous);
        long unansweredLogged = load.unanswered().stream().filter(v.logged()::contains).count();
        previous = v.latest();
        System.out.printf(
            Locale.ROOT,
            "crash test %s round %d: killed after %d ms of load; %d signatures received, %d"
                + " requests unanswered (%d of them logged); log size %d after the restart%n",
            db,
            round,
            load.killMs(),
            load.received().size(),
            load.unanswered().size(),
            unansweredLogged,
            v.latest().size());
      }

      // The restarted server keeps signing, at the next index.
      try {
        long size = previous == null ? 0 : previous.size();
        HttpClient c = loadClient(data);
        Received after = signOnce(c, server, issuer, "crash-after", 0).received();
        assertThat(after).as("a signature after the last restart").isNotNull();
        assertThat(after.receipt().leafIndex()).isEqualTo(size);
        Checkpoint cp =
            after
                .receipt()
                .verify(after.entry().getBytes(StandardCharsets.UTF_8), verifier(logKey));
        verifyReceived(
            db,
            http,
            server,
            verifier(logKey),
            jwks(http, server),
            List.of(after),
            entries(http, server, cp),
            cp);
      } finally {
        server.kill();
      }
    }
    System.out.printf(
        Locale.ROOT,
        "crash test %s: %d rounds in %d ms%n",
        db,
        ROUNDS,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  private static String config(TestOidcIssuer issuer, TestServers.Db db) {
    String database = db.user() == null ? "" : "database:\n  user: " + db.user() + "\n";
    return database
        + """
        issuers:
          github:
            preset: github
            issuer: %s
            audience: %s
            pins: { repository_owner_id: "123456" }
            allowInsecureLoopback: true
        projects:
          %s:
            keys: [%s]
            operations: [digest]
            rules:
              - name: ci
                operations: [digest]
                keys: %s
                oidc:
                  issuer: github
                  claims: { repository_owner_id: "123456", ref: "refs/heads/main" }
        """
            .formatted(issuer.issuer(), AUD, PROJECT, KEY, KEY);
  }

  // ---------------------------------------------------------------------------------------------
  // Load and kill

  /**
   * {@value #CLIENTS} threads sign until the kill, which comes a random 1–3 s after the first
   * signature (so it always lands mid-load, whatever the start-up cost of TLS and JIT).
   */
  private static Load load(Child server, TestOidcIssuer issuer, Path data, int round)
      throws Exception {
    ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    Set<String> unanswered = ConcurrentHashMap.newKeySet();
    ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    AtomicBoolean killed = new AtomicBoolean();
    CountDownLatch first = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    try {
      for (int t = 0; t < CLIENTS; t++) {
        String prefix = ID_PREFIX + round + "-" + t + "-";
        HttpClient client = loadClient(data); // one keep-alive connection per thread
        pool.submit(() -> {
          for (int n = 0; !killed.get() && errors.size() < 10; n++) {
            String id = prefix + n;
            try {
              Outcome o = signOnce(client, server, issuer, id, round);
              if (o.received() != null) {
                received.add(o.received());
                first.countDown();
              } else {
                errors.add(id + ": " + o.error());
              }
            } catch (IOException e) {
              if (killed.get()) {
                unanswered.add(id);
              } else {
                errors.add(id + ": " + e);
              }
            } catch (Exception e) {
              errors.add(id + ": " + e);
            }
          }
          return null;
        });
      }
      if (!first.await(30, TimeUnit.SECONDS)) {
        errors.add("no signature within 30 s of load");
      }
      long delay = 1000 + RANDOM.nextInt(2001);
      Thread.sleep(delay);
      killed.set(true);
      server.kill();
      pool.shutdown();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).as("clients stopped").isTrue();
      return new Load(List.copyOf(received), Set.copyOf(unanswered), List.copyOf(errors), delay);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Either a received signature or why there is none. */
  record Outcome(@Nullable Received received, @Nullable String error) {}

  private static Outcome signOnce(
      HttpClient client, Child server, TestOidcIssuer issuer, String id, int round)
      throws Exception {
    byte[] digest = sha256(id.getBytes(StandardCharsets.UTF_8));
    Map<String, Object> claims = issuer.githubClaims(AUD, Instant.now()); // a fresh jti each
    String token = issuer.mintEs256(claims);
    HttpRequest req =
        post(
                server.base() + "/v1/projects/" + PROJECT + "/sign/digest",
                Map.of(
                    "key",
                    KEY,
                    "digest",
                    Map.of("algorithm", "sha256", "value", HEX.formatHex(digest))))
            .header("Authorization", "Bearer " + token)
            .header("X-Request-Id", id)
            .build();
    HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      String body = r.body().replaceAll("\\s+", " ");
      return new Outcome(
          null, "HTTP " + r.statusCode() + " " + body.substring(0, Math.min(200, body.length())));
    }
    JsonNode n = JSON.readTree(r.body());
    return new Outcome(
        new Received(
            id,
            round,
            digest,
            java.util.Base64.getDecoder().decode(n.get("signature").asString()),
            n.get("kid").asString(),
            n.get("auditEntry").asString(),
            Receipt.parse(n.get("receipt").toString(), id + " receipt")),
        null);
  }

  // ---------------------------------------------------------------------------------------------
  // Verification after a restart

  /** The checkpoint after a restart, and the load request ids that have a leaf. */
  record Verified(Checkpoint latest, Set<String> logged) {}

  private static Verified verify(
      TestServers.Db db,
      HttpClient http,
      Child server,
      NoteKey logKey,
      List<Received> received,
      Set<String> unanswered,
      @Nullable Checkpoint previous)
      throws Exception {
    NoteVerifier verifier = verifier(logKey);
    Checkpoint latest = verifier.verifyCheckpoint(checkpoint(http, server), "checkpoint");
    List<byte[]> leaves = entries(http, server, latest);
    verifyReceived(db, http, server, verifier, jwks(http, server), received, leaves, latest);
    if (previous != null) {
      consistent(db, http, server, previous, latest, "the checkpoint after the previous restart");
    }

    // At most one leaf per request id: a retried or replayed write would show up here.
    Map<String, List<Long>> byRequest = new HashMap<>();
    for (int i = 0; i < leaves.size(); i++) {
      JsonNode leaf = JSON.readTree(new String(leaves.get(i), StandardCharsets.UTF_8));
      JsonNode rid = leaf.get("requestId");
      if (rid != null && rid.asString().startsWith(ID_PREFIX)) {
        byRequest.computeIfAbsent(rid.asString(), k -> new ArrayList<>()).add((long) i);
      }
    }
    List<String> twice = new ArrayList<>();
    byRequest.forEach((id, at) -> {
      if (at.size() > 1) {
        twice.add(id + " at leaves " + at);
      }
    });
    assertThat(twice).as("%s: request ids with more than one leaf", db).isEmpty();
    // Every load leaf is of a request a client sent and saw answered or cut off by the kill.
    Set<String> sent = new java.util.HashSet<>(unanswered);
    received.forEach(r -> sent.add(r.requestId()));
    List<String> unknown = new ArrayList<>(byRequest.keySet());
    unknown.removeAll(sent);
    assertThat(unknown).as("%s: leaves of requests no client sent or had refused", db).isEmpty();
    return new Verified(latest, Set.copyOf(byRequest.keySet()));
  }

  /**
   * Every received signature: its leaf is in the log at the receipt's index, the receipt verifies
   * under the log key, its checkpoint is consistent with {@code latest}, and the signature verifies
   * under the project's published key and matches the leaf.
   */
  private static void verifyReceived(
      TestServers.Db db,
      HttpClient http,
      Child server,
      NoteVerifier verifier,
      List<VerifyingKey> jwks,
      List<Received> received,
      List<byte[]> leaves,
      Checkpoint latest)
      throws Exception {
    List<String> missing = new ArrayList<>();
    Map<Long, Checkpoint> seen = new LinkedHashMap<>();
    for (Received r : received) {
      long i = r.receipt().leafIndex();
      byte[] entry = r.entry().getBytes(StandardCharsets.UTF_8);
      if (i >= leaves.size()) {
        missing.add(r.describe() + ": the log has only " + leaves.size() + " leaves");
        continue;
      }
      if (!MessageDigest.isEqual(leaves.get((int) i), entry)) {
        missing.add(r.describe() + ": leaf " + i + " is another entry");
        continue;
      }
      Checkpoint cp = r.receipt().verify(entry, verifier);
      Checkpoint same = seen.putIfAbsent(cp.size(), cp);
      if (same != null && !MessageDigest.isEqual(same.rootHash(), cp.rootHash())) {
        missing.add(r.describe() + ": two checkpoints of size " + cp.size() + " (a fork)");
      }
      JsonNode leaf = JSON.readTree(r.entry());
      assertThat(leaf.get("type").asString()).as(r.describe()).isEqualTo("SIGNED");
      assertThat(leaf.get("requestId").asString()).as(r.describe()).isEqualTo(r.requestId());
      assertThat(leaf.get("signatureSha256").asString())
          .as(r.describe())
          .isEqualTo(HEX.formatHex(sha256(r.signature())));
      assertThat(leaf.get("subject").get("digest").asString())
          .as(r.describe())
          .isEqualTo(HEX.formatHex(r.digest()));
      VerifyingKey key =
          jwks.stream()
              .filter(k -> r.kid().equals(k.keyId()))
              .findFirst()
              .orElseThrow(() -> new AssertionError(r.describe() + ": no " + r.kid() + " in JWKS"));
      assertThat(key.verifyDigest(r.digest(), r.signature()))
          .as("%s: the signature verifies under %s", r.describe(), r.kid())
          .isTrue();
    }
    assertThat(missing).as("%s: receipts whose signing is not in the log", db).isEmpty();
    for (Checkpoint cp : seen.values()) {
      consistent(db, http, server, cp, latest, "a receipt's checkpoint of size " + cp.size());
    }
  }

  /** {@code older} and {@code newer} are two views of one log: the server proves it, we check. */
  private static void consistent(
      TestServers.Db db,
      HttpClient http,
      Child server,
      Checkpoint older,
      Checkpoint newer,
      String what)
      throws Exception {
    assertThat(older.size())
        .as("%s: %s is not past the latest", db, what)
        .isLessThanOrEqualTo(newer.size());
    if (older.size() == newer.size()) {
      assertThat(MessageDigest.isEqual(older.rootHash(), newer.rootHash()))
          .as("%s: %s has the latest's size but another root (a fork)", db, what)
          .isTrue();
      return;
    }
    String proof =
        get(
            http,
            server.base()
                + "/v1/audit/proof/consistency?from="
                + older.size()
                + "&to="
                + newer.size());
    try {
      ConsistencyProof.parse(proof, "consistency proof").verify(older.rootHash(), newer.rootHash());
    } catch (Exception e) {
      throw new AssertionError(db + ": " + what + " forks from the latest: " + e.getMessage(), e);
    }
  }

  /** The first {@code cp.size()} leaves, paged, re-hashed as {@code signet audit verify} does. */
  private static List<byte[]> entries(HttpClient http, Child server, Checkpoint cp)
      throws Exception {
    ByteArrayOutputStream export = new ByteArrayOutputStream();
    for (long start = 0; start < cp.size(); ) {
      HttpResponse<byte[]> r =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          server.base() + "/v1/audit/entries?start=" + start + "&end=" + cp.size()))
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).isEqualTo(200);
      export.writeBytes(r.body());
      long next = Long.parseLong(r.headers().firstValue("X-Audit-Next").orElseThrow());
      assertThat(next).as("entries page after %d", start).isGreaterThan(start);
      start = next;
    }
    List<byte[]> leaves = new ArrayList<>();
    LogExport.Summary s =
        LogExport.read(
            new ByteArrayInputStream(export.toByteArray()),
            "entries",
            (i, leaf) -> leaves.add(leaf));
    assertThat(s.size()).as("entries").isEqualTo(cp.size());
    assertThat(MessageDigest.isEqual(s.root(), cp.rootHash()))
        .as("the log's %d entries recompute to the checkpoint's root", cp.size())
        .isTrue();
    return leaves;
  }

  // ---------------------------------------------------------------------------------------------
  // HTTP

  private static NoteVerifier verifier(NoteKey key) {
    return new NoteVerifier(List.of(key));
  }

  private static String checkpoint(HttpClient http, Child server) throws Exception {
    return get(http, server.base() + "/v1/audit/checkpoint");
  }

  private static List<VerifyingKey> jwks(HttpClient http, Child server) throws Exception {
    return KeySet.parse(get(http, server.base() + "/v1/projects/" + PROJECT + "/jwks.json"), "jwks")
        .verifyingKeys();
  }

  private static HttpClient loadClient(Path data) throws Exception {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .sslContext(TestServers.trusting(data.resolve(DataDir.TLS_CERT)))
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  private static HttpRequest.Builder post(String url, Object body) throws Exception {
    return HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
  }

  private static HttpResponse<String> send(HttpClient http, HttpRequest req) throws Exception {
    return http.send(req, HttpResponse.BodyHandlers.ofString());
  }

  private static String get(HttpClient http, String url) throws Exception {
    HttpResponse<String> r =
        send(http, HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build());
    assertThat(r.statusCode()).as("GET %s: %s", url, r.body()).isEqualTo(200);
    return r.body();
  }

  private static byte[] sha256(byte[] b) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(b);
  }

  // ---------------------------------------------------------------------------------------------
  // The child JVM

  /** A server in a child JVM: {@link CrashServerMain} on the test's class path. */
  static final class Child {
    private static final Pattern ADMIN_TOKEN = Pattern.compile("(signet_admin_[A-Za-z0-9_-]+)");

    private final Process process;
    private final int port;
    private final @Nullable String adminToken;

    private Child(Process process, int port, @Nullable String adminToken) {
      this.process = process;
      this.port = port;
      this.adminToken = adminToken;
    }

    static Child start(TestServers.Db db, Path config, Path data, Path log) throws Exception {
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      // C1 only and a small serial heap: a start in ~5 s instead of ~12 s on two shared cores.
      cmd.add("-XX:TieredStopAtLevel=1");
      cmd.add("-XX:+UseSerialGC");
      cmd.add("-Xmx256m");
      cmd.add("-Xshare:auto");
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add(CrashServerMain.class.getName());
      cmd.add(config.toString());
      cmd.add(data.toString());
      if (db.url() != null) {
        cmd.add(db.url());
      }
      ProcessBuilder pb = new ProcessBuilder(cmd);
      pb.environment().remove(ServerConfig.DEFAULT_PASSWORD_ENV);
      if (db.password() != null) {
        pb.environment().put(ServerConfig.DEFAULT_PASSWORD_ENV, db.password());
      }
      pb.redirectError(log.toFile());
      Process p = pb.start();
      AtomicBoolean started = new AtomicBoolean();
      // A child that hangs before listening would block readLine forever: kill it after 90 s.
      Thread.ofVirtual()
          .start(() -> {
            try {
              if (!p.waitFor(90, TimeUnit.SECONDS) && !started.get()) {
                // SIGQUIT first: the JVM writes its threads to the log, showing where it hangs.
                new ProcessBuilder("kill", "-QUIT", Long.toString(p.pid())).start().waitFor();
                p.waitFor(2, TimeUnit.SECONDS);
                p.destroyForcibly();
              }
            } catch (IOException | InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
      @Nullable String token = null;
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        Matcher m = ADMIN_TOKEN.matcher(line);
        if (m.find()) {
          token = m.group(1);
        } else if (line.startsWith(CrashServerMain.LISTENING)) {
          started.set(true);
          return new Child(
              p, Integer.parseInt(line.substring(CrashServerMain.LISTENING.length())), token);
        }
      }
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      throw new AssertionError(
          "the server child did not start (exit " + p.exitValue() + "); its log: " + log);
    }

    String base() {
      return String.format(Locale.ROOT, "https://127.0.0.1:%d", port);
    }

    @Nullable String adminToken() {
      return adminToken;
    }

    /** SIGKILL: no shutdown hook, no pool close, no audit-log drain. */
    void kill() throws InterruptedException {
      // On Linux Process.destroyForcibly sends SIGKILL (ProcessHandleImpl.destroy0 with force);
      // the exit status 128 + 9 below confirms the child died of exactly that signal.
      process.destroyForcibly();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the child died").isTrue();
      assertThat(process.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
    }
  }
}
