package dev.signet.keys.kms;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.signet.SuppressForbidden;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonValue;
import dev.signet.json.JsonWriter;
import dev.signet.keys.Algorithm;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A KMS on 127.0.0.1 for tests: a real HTTP server holding a real software key, speaking one
 * service's wire protocol (in the subclasses), with knobs to make it misbehave the ways real
 * services do.
 */
@SuppressForbidden(
    reason =
        "com.sun.net.httpserver is the JDK's exported HTTP server (module jdk.httpserver); the"
            + " fakes need a real server on 127.0.0.1 speaking each service's wire protocol")
abstract class FakeService implements AutoCloseable {
  /** The ways a call can go wrong; each subclass renders them in its service's error shape. */
  enum Fault {
    DENIED,
    THROTTLED,
    SERVER_ERROR,
    NOT_FOUND,
    MALFORMED_JSON,
  }

  final SoftKey key;
  private final HttpServer server;
  private final ExecutorService executor;
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  final List<JsonObject> requests = new CopyOnWriteArrayList<>();
  private final boolean https;
  final List<Map<String, List<String>>> headers = new CopyOnWriteArrayList<>();

  // ---- knobs ----
  /** The operation faults apply to, or null for every operation. */
  volatile @Nullable String faultOp;

  /** A fault for every call to {@link #faultOp}, or for the first {@link #faultTimes} of them. */
  volatile @Nullable Fault fault;

  /** How many calls the fault hits (default: all). */
  final AtomicInteger faultTimes = new AtomicInteger(Integer.MAX_VALUE);

  /** Sign with a key other than the one whose public half was reported. */
  volatile boolean wrongKey;

  /** Return random bytes as the signature. */
  volatile boolean garbageSignature;

  /** Delay every response this long. */
  volatile long delayMillis;

  FakeService(Algorithm alg) throws IOException {
    this(alg, null);
  }

  /** With {@code tls}, an HTTPS server presenting that context's certificate. */
  FakeService(Algorithm alg, javax.net.ssl.@Nullable SSLContext tls) throws IOException {
    this.key = SoftKey.of(alg);
    this.executor =
        Executors.newCachedThreadPool(r -> {
          Thread t = new Thread(r, "fake-kms");
          t.setDaemon(true);
          return t;
        });
    InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    if (tls == null) {
      this.server = HttpServer.create(any, 0);
    } else {
      var https = com.sun.net.httpserver.HttpsServer.create(any, 0);
      https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
      this.server = https;
    }
    this.https = tls != null;
    server.setExecutor(executor);
    server.createContext("/", this::dispatch);
    server.start();
  }

  /** {@code 127.0.0.1:PORT}. */
  String hostPort() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  String url() {
    return (https ? "https://" : "http://") + hostPort();
  }

  int calls(String op) {
    AtomicInteger n = calls.get(op);
    return n == null ? 0 : n.get();
  }

  int totalCalls() {
    return calls.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /** Handles one request; {@link #count} names its operation first. */
  abstract void handle(HttpExchange ex, byte[] body) throws IOException;

  /** Counts a call to {@code op} and returns the fault it should meet, if any. */
  @Nullable Fault count(String op) {
    calls.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
    Fault f = fault;
    String only = faultOp;
    if (f == null || (only != null && !only.equals(op))) {
      return null;
    }
    return faultTimes.getAndDecrement() > 0 ? f : null;
  }

  private void dispatch(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body = ex.getRequestBody().readAllBytes();
      headers.add(Map.copyOf(ex.getRequestHeaders()));
      long delay = delayMillis;
      if (delay > 0) {
        try {
          Thread.sleep(delay);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      handle(ex, body);
    } catch (RuntimeException | IOException e) {
      // The client may have given up (timeout) and closed the connection.
    }
  }

  static JsonObject parse(byte[] body) {
    try {
      JsonValue v =
          JsonReader.withDefaultLimits().parse(new String(body, StandardCharsets.UTF_8), "req");
      return (JsonObject) v;
    } catch (Exception e) {
      return JsonObject.EMPTY;
    }
  }

  static void send(HttpExchange ex, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  static void sendJson(HttpExchange ex, int status, String contentType, JsonObject body)
      throws IOException {
    send(ex, status, contentType, JsonWriter.compact(body));
  }

  /** Signs as the service would, honouring the wrong-key and garbage knobs. */
  byte[] sign(byte[] input, boolean digest) {
    if (garbageSignature) {
      byte[] junk = new byte[key.algorithm() == Algorithm.EdDSA ? 64 : 72];
      new java.security.SecureRandom().nextBytes(junk);
      return junk;
    }
    SoftKey signer = wrongKey ? SoftKey.other(key.algorithm()) : key;
    return digest ? signer.signDigest(input) : signer.signMessage(input);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
