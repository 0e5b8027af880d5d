package dev.signet.client;

import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.json.JsonWriter;
import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyException;
import dev.signet.keys.KeyRef;
import dev.signet.keys.VerifyingKey;
import dev.signet.tlog.Receipt;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A connection to a Signet signing service named by {@code signet://HOST[:PORT]/PROJECT[/KEY]}:
 * HTTPS with the client's TLS ({@link ServiceTls}), the CI identity ({@link CiIdentity}) as bearer,
 * JSON in and out. The CI identity is exchanged once, before the first request that needs it, for a
 * short-lived session token of the project ({@code POST sessions}), which then authenticates the
 * signing requests and the approval polls (a single-use ID token could authenticate only one), and
 * is revoked when the client closes. Every failure is a {@link KeyException} whose one-line message
 * names the service and the HTTP status or error code, and never a token; a policy refusal carries
 * a {@link PolicyDeniedException} as its cause.
 */
public final class ServiceClient implements AutoCloseable {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  /** What a token looks like (a JWT, a project or admin token): never shown, whoever echoes it. */
  private static final Pattern TOKENS =
      Pattern.compile("eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*|sg[pas]_[A-Za-z0-9_-]+");

  /** A session token as the service issues it. */
  private static final Pattern SESSION = Pattern.compile("sgs_([0-9a-f]{16})_[0-9a-f]{64}");

  /**
   * How to reach and authenticate to the service.
   *
   * @param env the environment (CI token variables, TLS files)
   * @param identityTokenFile {@code --identity-token}: an OIDC token to use as is
   * @param approvalTimeout how long to wait for a pending approval
   * @param status where the one status line of a pending approval goes (stderr)
   */
  public record Settings(
      Map<String, String> env,
      @Nullable Path identityTokenFile,
      Duration approvalTimeout,
      PrintWriter status) {
    public static final Duration DEFAULT_APPROVAL_TIMEOUT = Duration.ofMinutes(10);

    public Settings {
      env = Map.copyOf(env);
    }

    @Override
    public String toString() {
      return "Settings[identityTokenFile=" + identityTokenFile + "]";
    }
  }

  /** The active key version as {@code GET keys/{key}} describes it. */
  public record KeyInfo(String key, String kid, Algorithm algorithm, VerifyingKey publicKey) {}

  /** A signed result: the response body and its receipt. */
  record Signed(JsonObject body, ServiceReceipt receipt) {}

  private final KeyRef.Service ref;
  private final String display;
  private final URI base;
  private final Settings settings;
  private final HttpClient http;
  private volatile CiIdentity.@Nullable Bearer bearer;
  private volatile boolean bearerLoaded;
  private volatile @Nullable String session;
  private volatile boolean sessionTried;

  private ServiceClient(KeyRef.Service ref, Settings settings, HttpClient http) {
    this.ref = ref;
    this.display = ref.display();
    this.base = URI.create(serviceUrl(ref));
    this.settings = settings;
    this.http = http;
  }

  public static ServiceClient connect(KeyRef.Service ref, Settings settings) throws KeyException {
    HttpClient http =
        HttpClient.newBuilder()
            .sslContext(ServiceTls.context(settings.env(), ref.display()))
            .connectTimeout(ClientLimits.CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    return new ServiceClient(ref, settings, http);
  }

  /** {@code https://HOST:PORT}: the base URL, and the default token audience. */
  public static String serviceUrl(KeyRef.Service ref) {
    String host =
        ref.host().contains(":") && !ref.host().startsWith("[")
            ? "[" + ref.host() + "]"
            : ref.host();
    return "https://" + host + ":" + ref.port();
  }

  public String display() {
    return display;
  }

  /** The key version the service signs with now. */
  public KeyInfo key() throws KeyException {
    return key(keyName());
  }

  /** The active version of the project's key {@code name}. */
  public KeyInfo key(String name) throws KeyException {
    if (!ID.matcher(name).matches()) {
      throw malformed("the key name " + quote(name) + " is not a name");
    }
    JsonObject o = call("GET", projectPath("keys/" + name), null, false);
    String kid = str(o, "kid");
    String alg = str(o, "algorithm");
    Algorithm algorithm =
        Algorithm.fromJwa(alg)
            .filter(a -> !a.isSymmetric())
            .orElseThrow(() ->
                new KeyException(
                    KeyException.Reason.NOT_ALLOWED,
                    display + ": the service's key has algorithm " + quote(alg)));
    VerifyingKey pem = VerifyingKey.fromPem(str(o, "publicKeyPem"), display);
    VerifyingKey key = VerifyingKey.of(pem.publicKey(), algorithm, kid, display);
    return new KeyInfo(name, kid, algorithm, key);
  }

  /** The key named in the reference; the service's default key has no public route of its own. */
  String keyName() throws KeyException {
    if (ref.keyName() == null) {
      throw new KeyException(
          KeyException.Reason.NOT_FOUND,
          display + ": name the key: signet://HOST[:PORT]/" + ref.project() + "/KEY");
    }
    return ref.keyName();
  }

  /** {@code POST sign/digest}. */
  Signed signDigest(String hash, byte[] digest, @Nullable String name) throws KeyException {
    JsonObject.Builder b =
        JsonObject.builder()
            .put("key", keyName())
            .put(
                "digest",
                JsonObject.builder()
                    .put("algorithm", hash)
                    .put("value", java.util.HexFormat.of().formatHex(digest))
                    .build());
    if (name != null) {
      b.put("name", name);
    }
    return sign("sign/digest", b.build(), "signature");
  }

  /** {@code POST sign/message} (EdDSA, which signs messages, not digests). */
  Signed signMessage(byte[] message, @Nullable String name) throws KeyException {
    JsonObject.Builder b =
        JsonObject.builder()
            .put("key", keyName())
            .put("message", Base64.getEncoder().encodeToString(message));
    if (name != null) {
      b.put("name", name);
    }
    return sign("sign/message", b.build(), "signature");
  }

  /**
   * {@code POST sign/pipeline}: the server signs every step with the key; the answer is the signed
   * pipeline as JSON text.
   */
  public SignedText signPipeline(String pipeline, String repository) throws KeyException {
    JsonObject body = withKey().put("pipeline", pipeline).put("repository", repository).build();
    Signed s = sign("sign/pipeline", body, "pipeline");
    return new SignedText(textOf(s.body(), "pipeline"), keyOf(s.body()), s.receipt());
  }

  /** {@code POST sign/attestation}: the answer is a DSSE envelope (JSON text). */
  public SignedText signAttestation(String payloadType, byte[] payload) throws KeyException {
    JsonObject body =
        withKey()
            .put("payloadType", payloadType)
            .put("payload", Base64.getEncoder().encodeToString(payload))
            .build();
    Signed s = sign("sign/attestation", body, "envelope");
    return new SignedText(textOf(s.body(), "envelope"), keyOf(s.body()), s.receipt());
  }

  /**
   * A signed pipeline or DSSE envelope as JSON text, the key that signed it (its name in the
   * project) and the receipt of its signing.
   */
  public record SignedText(String json, String key, ServiceReceipt receipt) {}

  /** The request body with the key named in the reference; without one the policy's only key. */
  private JsonObject.Builder withKey() {
    JsonObject.Builder b = JsonObject.builder();
    if (ref.keyName() != null) {
      b.put("key", ref.keyName());
    }
    return b;
  }

  private String keyOf(JsonObject body) throws KeyException {
    if (ref.keyName() != null) {
      return ref.keyName();
    }
    return str(body, "key");
  }

  private String textOf(JsonObject body, String member) throws KeyException {
    JsonValue v = body.get(member);
    if (v instanceof JsonString s) {
      return s.value();
    }
    if (v instanceof JsonObject o) {
      return JsonWriter.compact(o);
    }
    throw malformed("the answer has no \"" + member + "\"");
  }

  /** Posts a signing request; a pending approval is polled until decided or out of time. */
  private Signed sign(String route, JsonObject body, String resultMember) throws KeyException {
    JsonObject answer = call("POST", projectPath(route), body, true);
    if (answer.get("request") instanceof JsonObject request && !answer.has(resultMember)) {
      answer = awaitApproval(request, resultMember);
    }
    return new Signed(answer, receiptOf(answer, route));
  }

  private JsonObject awaitApproval(JsonObject request, String resultMember) throws KeyException {
    String id = str(request, "id");
    if (!ID.matcher(id).matches()) {
      throw malformed("the pending request's id is not an id");
    }
    Instant deadline = Instant.now().plus(settings.approvalTimeout());
    settings
        .status()
        .println(
            "signet: "
                + display
                + ": request "
                + id
                + " waits for approval (up to "
                + human(settings.approvalTimeout())
                + "): an approver approves it with POST /v1/requests/"
                + id
                + "/approve");
    settings.status().flush();
    Duration wait = ClientLimits.POLL_FIRST;
    while (true) {
      JsonObject status = call("GET", "/v1/requests/" + id, null, true);
      JsonObject result = status;
      if (status.get("result") instanceof JsonObject r) {
        result = r;
      }
      if (result.has(resultMember)) {
        return result;
      }
      JsonObject req = status.get("request") instanceof JsonObject r ? r : status;
      String state = req.get("status") instanceof JsonString s ? s.value() : "pending";
      switch (state) {
        case "pending", "approved" -> {}
        case "denied", "expired", "cancelled" ->
            throw denied("request " + id + " was " + state + reason(req));
        default -> throw malformed("request " + id + " has status " + quote(state));
      }
      if (Instant.now().plus(wait).isAfter(deadline)) {
        throw new KeyException(
            KeyException.Reason.UNAVAILABLE,
            display
                + ": request "
                + id
                + " was not approved within "
                + human(settings.approvalTimeout())
                + " (--approval-timeout)");
      }
      try {
        Thread.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KeyException(KeyException.Reason.UNAVAILABLE, display + ": interrupted");
      }
      wait =
          wait.multipliedBy(2).compareTo(ClientLimits.POLL_MAX) > 0
              ? ClientLimits.POLL_MAX
              : wait.multipliedBy(2);
    }
  }

  private String reason(JsonObject req) {
    for (String m : new String[] {"reason", "message"}) {
      if (req.get(m) instanceof JsonString s) {
        return ": " + clean(s.value());
      }
    }
    return "";
  }

  /** The receipt and audit entry of a signing answer; both are required. */
  ServiceReceipt receiptOf(JsonObject answer, String what) throws KeyException {
    if (!(answer.get("receipt") instanceof JsonObject receipt)) {
      throw malformed("the answer carries no receipt");
    }
    String receiptJson = JsonWriter.compact(receipt);
    try {
      Receipt.parse(receiptJson, display + " receipt");
    } catch (InputException e) {
      throw malformed("the receipt is malformed: " + e.getMessage());
    }
    // The leaf is canonical JSON; the service returns its text as a string.
    if (!(answer.get("auditEntry") instanceof JsonString leaf)) {
      throw malformed("the answer carries no auditEntry");
    }
    byte[] entry = leaf.value().getBytes(StandardCharsets.UTF_8);
    if (entry.length > InputLimits.MAX_LOG_LEAF_BYTES) {
      throw malformed("auditEntry is larger than a log leaf");
    }
    return new ServiceReceipt(what, receiptJson, entry);
  }

  // ---- HTTP ----

  private String projectPath(String rest) {
    return "/v1/projects/" + ref.project() + "/" + rest;
  }

  private JsonObject call(String method, String path, @Nullable JsonObject body, boolean auth)
      throws KeyException {
    HttpRequest.Builder rb =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(ClientLimits.REQUEST_TIMEOUT)
            .header("Accept", "application/json");
    if (body != null) {
      rb.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(JsonWriter.compact(body)));
    } else {
      rb.method(method, HttpRequest.BodyPublishers.noBody());
    }
    String token = auth ? authorization() : null;
    if (token != null) {
      rb.setHeader("Authorization", "Bearer " + token);
    }
    Answer a = send(rb.build());
    if (token != null && a.status() == 401 && sessionRanOut(a.bytes())) {
      // A long approval wait may outlive the session: a renewable identity opens another once.
      String next = reopenSession(token);
      if (next != null) {
        rb.setHeader("Authorization", "Bearer " + next);
        a = send(rb.build());
      }
    }
    if (a.status() == 200 || a.status() == 201 || a.status() == 202) {
      return json(a);
    }
    throw errorOf(a.status(), a.bytes());
  }

  /** One answer: status and body, bounded. */
  @SuppressWarnings("ArrayRecordComponent") // the answer's own bytes, never handed out
  private record Answer(int status, byte[] bytes) {}

  private JsonObject json(Answer a) throws KeyException {
    if (a.bytes().length > ClientLimits.MAX_RESPONSE_BYTES) {
      throw malformed("the answer is larger than " + ClientLimits.MAX_RESPONSE_BYTES + " bytes");
    }
    return parseObject(new String(a.bytes(), StandardCharsets.UTF_8));
  }

  private Answer send(HttpRequest request) throws KeyException {
    try {
      HttpResponse<InputStream> response =
          http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = response.body()) {
        return new Answer(
            response.statusCode(), in.readNBytes(ClientLimits.MAX_RESPONSE_BYTES + 1));
      }
    } catch (IOException e) {
      throw new KeyException(
          KeyException.Reason.UNAVAILABLE,
          display + ": cannot reach " + base + ": " + ioReason(e),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KeyException(KeyException.Reason.UNAVAILABLE, display + ": interrupted");
    }
  }

  /**
   * The bearer of an authenticated request: the session token, exchanged on first use. A service
   * without sessions (404) gets the CI identity on every request, as before sessions existed.
   */
  private synchronized @Nullable String authorization() throws KeyException {
    if (!sessionTried) {
      sessionTried = true;
      session = openSession();
    }
    String s = session;
    if (s != null) {
      return s;
    }
    CiIdentity.Bearer b = bearer();
    return b == null ? null : b.token();
  }

  /**
   * A new session after {@code spent} expired or ran out, when the identity can be fetched again
   * (GitHub, Buildkite); null otherwise. Threads that saw the same spent session share one new one.
   */
  private synchronized @Nullable String reopenSession(String spent) throws KeyException {
    String current = session;
    if (current != null && !current.equals(spent)) {
      return current;
    }
    CiIdentity.Bearer b = bearer;
    if (current == null || b == null || !b.renewable()) {
      return null;
    }
    session = openSession();
    return session;
  }

  /** Whether a 401 says the session expired or was used up (not a refusal of the caller). */
  private boolean sessionRanOut(byte[] bytes) {
    String m = errorMessage(bytes, "unauthenticated");
    return m != null && (m.startsWith("session_expired:") || m.startsWith("session_exhausted:"));
  }

  /** {@code POST sessions} with the CI identity (and the client certificate, if configured). */
  private @Nullable String openSession() throws KeyException {
    CiIdentity.Bearer b = bearer();
    HttpRequest.Builder rb =
        HttpRequest.newBuilder(base.resolve(projectPath("sessions")))
            .timeout(ClientLimits.REQUEST_TIMEOUT)
            .header("Accept", "application/json")
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"ttlSeconds\":" + ClientLimits.SESSION_TTL_SECONDS + "}"));
    if (b != null) {
      rb.header("Authorization", "Bearer " + b.token());
    }
    Answer a = send(rb.build());
    String notFound = a.status() == 404 ? errorMessage(a.bytes(), "not_found") : null;
    if (a.status() == 404 && (notFound == null || !notFound.startsWith("no project"))) {
      return null; // a service from before sessions: its routes do not have this one
    }
    if (a.status() == 403 && errorMessage(a.bytes(), "sessions_disabled") != null) {
      return null; // the operator wants credentials with every request: the identity goes along
    }
    if (a.status() != 201) {
      throw errorOf(a.status(), a.bytes());
    }
    JsonObject o = json(a);
    String token = str(o, "token");
    if (!SESSION.matcher(token).matches()) {
      throw malformed("the session token is not sgs_<id>_<secret>");
    }
    return token;
  }

  /** The message of the service's error answer with {@code code}, or null. */
  private @Nullable String errorMessage(byte[] bytes, String code) {
    if (bytes.length > ClientLimits.MAX_ERROR_BYTES) {
      return null;
    }
    try {
      if (JsonReader.withDefaultLimits().parse(new String(bytes, StandardCharsets.UTF_8), display)
              instanceof JsonObject o
          && o.get("error") instanceof JsonObject e
          && e.get("code") instanceof JsonString s
          && s.value().equals(code)
          && e.get("message") instanceof JsonString m) {
        return m.value();
      }
    } catch (InputException e) {
      // not the service's error format
    }
    return null;
  }

  private synchronized CiIdentity.@Nullable Bearer bearer() throws KeyException {
    // Fetched on first use: `key public signet://…` needs no identity. A CI token is fetched for
    // every use (a session exchange, or every request of a service without sessions), since
    // issuers may accept each one once.
    if (!bearerLoaded || (bearer != null && bearer.renewable())) {
      bearer =
          CiIdentity.find(
              settings.env(),
              settings.identityTokenFile(),
              CiIdentity.audience(settings.env(), serviceUrl(ref)),
              display);
      bearerLoaded = true;
    }
    return bearer;
  }

  JsonObject parseObject(String text) throws KeyException {
    try {
      if (JsonReader.withDefaultLimits().parse(text, display) instanceof JsonObject o) {
        return o;
      }
    } catch (InputException e) {
      throw malformed("the answer is not JSON: " + e.getMessage());
    }
    throw malformed("the answer is not a JSON object");
  }

  /** The one-line error of a non-success answer; a 403 {@code denied} is a policy refusal. */
  KeyException errorOf(int status, byte[] bytes) {
    String code = null;
    String message = null;
    String requestId = null;
    if (bytes.length <= ClientLimits.MAX_ERROR_BYTES) {
      try {
        if (JsonReader.withDefaultLimits().parse(new String(bytes, StandardCharsets.UTF_8), display)
                instanceof JsonObject o
            && o.get("error") instanceof JsonObject e) {
          code = e.get("code") instanceof JsonString s ? s.value() : null;
          message = e.get("message") instanceof JsonString s ? s.value() : null;
          requestId = e.get("requestId") instanceof JsonString s ? s.value() : null;
        }
      } catch (InputException ignored) {
        // not our error format (a proxy's HTML page): the status says enough
      }
    }
    StringBuilder m = new StringBuilder(display).append(": HTTP ").append(status);
    if (code != null) {
      m.append(' ').append(clean(code));
    }
    if (message != null) {
      m.append(": ").append(clean(message));
    }
    if (requestId != null) {
      m.append(" (request id ").append(clean(requestId)).append(')');
    }
    String text = m.toString();
    if (status == 403 && "denied".equals(code)) {
      return new KeyException(KeyException.Reason.DENIED, text, new PolicyDeniedException(text));
    }
    KeyException.Reason reason =
        switch (status) {
          case 401, 403 -> KeyException.Reason.DENIED;
          case 404 -> KeyException.Reason.NOT_FOUND;
          case 400, 413, 415, 422 -> KeyException.Reason.NOT_ALLOWED;
          default -> KeyException.Reason.UNAVAILABLE;
        };
    return new KeyException(reason, text);
  }

  private KeyException denied(String what) {
    String text = display + ": " + what;
    return new KeyException(KeyException.Reason.DENIED, text, new PolicyDeniedException(text));
  }

  /**
   * Server text made fit for a one-line error: control characters out, bounded, and any token we
   * hold blanked in case a server (or a proxy) echoes it.
   */
  private String clean(String s) {
    String t = s;
    CiIdentity.Bearer b = bearer;
    if (b != null && !b.token().isEmpty()) {
      t = t.replace(b.token(), "[token]");
    }
    String st = session;
    if (st != null) {
      t = t.replace(st, "[token]");
    }
    t = TOKENS.matcher(t).replaceAll("[token]");
    t = t.replaceAll("\\p{Cntrl}+", " ").strip();
    return t.length() > ClientLimits.MAX_MESSAGE_CHARS
        ? t.substring(0, ClientLimits.MAX_MESSAGE_CHARS) + "…"
        : t;
  }

  private String str(JsonObject o, String member) throws KeyException {
    if (o.get(member) instanceof JsonString s) {
      return s.value();
    }
    throw malformed("the answer has no \"" + member + "\"");
  }

  private KeyException malformed(String what) {
    return new KeyException(KeyException.Reason.MALFORMED, display + ": " + what);
  }

  private static String quote(String s) {
    return JsonWriter.quoteOneLine(s, 100);
  }

  private static String ioReason(IOException e) {
    if (e instanceof javax.net.ssl.SSLException) {
      return "TLS failed (is the server's CA in SIGNET_SERVER_CA?)";
    }
    if (e instanceof java.net.ConnectException) {
      return "connection refused";
    }
    if (e instanceof java.net.http.HttpTimeoutException) {
      return "timed out";
    }
    return e.getClass().getSimpleName();
  }

  private static String human(Duration d) {
    return d.toSeconds() % 60 == 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
  }

  /**
   * Revokes the session (best effort: a job that ends without it leaves a session that expires
   * within minutes) and closes the connection.
   */
  @Override
  public void close() {
    String s = session;
    session = null;
    if (s != null) {
      java.util.regex.Matcher m = SESSION.matcher(s);
      if (m.matches()) {
        try {
          send(
              HttpRequest.newBuilder(base.resolve(projectPath("sessions/" + m.group(1))))
                  .timeout(ClientLimits.REVOKE_TIMEOUT)
                  .header("Authorization", "Bearer " + s)
                  .DELETE()
                  .build());
        } catch (KeyException e) {
          // Best effort: the session expires on its own.
        }
      }
    }
    http.close();
  }
}
