package dev.signet.client;

import dev.signet.input.InputException;
import dev.signet.input.InputFiles;
import dev.signet.input.InputLimits;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.keys.KeyException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Finds the caller's bearer credential in a CI environment, first match wins: {@code
 * --identity-token FILE}, GitHub Actions' ID-token endpoint, Buildkite's {@code buildkite-agent
 * oidc request-token}, then a project token ({@code SIGNET_PROJECT_TOKEN}). A client certificate
 * ({@link ServiceTls}) is presented besides, when configured. Tokens are never printed: every
 * message names where a token came from, not the token.
 */
final class CiIdentity {
  static final String PROJECT_TOKEN = "SIGNET_PROJECT_TOKEN";
  static final String AUDIENCE = "SIGNET_AUDIENCE";
  static final String GITHUB_URL = "ACTIONS_ID_TOKEN_REQUEST_URL";
  static final String GITHUB_TOKEN = "ACTIONS_ID_TOKEN_REQUEST_TOKEN";
  static final String BUILDKITE_TOKEN = "BUILDKITE_AGENT_ACCESS_TOKEN";

  /**
   * A bearer credential and where it came from (safe to print). A renewable one (GitHub, Buildkite)
   * is fetched again for every request: issuers may accept each token once (jti).
   */
  record Bearer(String token, String source, boolean renewable) {
    @Override
    public String toString() {
      return "Bearer[" + source + "]";
    }
  }

  private CiIdentity() {}

  /**
   * The bearer credential, or null when there is none but a client certificate is configured.
   *
   * @throws KeyException when a source is present but fails, or when there is no identity at all
   */
  static @Nullable Bearer find(
      Map<String, String> env, @Nullable Path identityTokenFile, String audience, String service)
      throws KeyException {
    if (identityTokenFile != null) {
      return new Bearer(fromFile(identityTokenFile, service), "--identity-token", false);
    }
    if (ServiceTls.nonEmpty(env.get(GITHUB_URL)) != null
        && ServiceTls.nonEmpty(env.get(GITHUB_TOKEN)) != null) {
      return new Bearer(github(env, audience, service), "GitHub Actions OIDC", true);
    }
    if (ServiceTls.nonEmpty(env.get(BUILDKITE_TOKEN)) != null) {
      Path agent = onPath(env, "buildkite-agent");
      if (agent != null) {
        return new Bearer(buildkite(agent, env, audience, service), "buildkite-agent OIDC", true);
      }
    }
    String project = ServiceTls.nonEmpty(env.get(PROJECT_TOKEN));
    if (project != null) {
      return new Bearer(checked(project.strip(), PROJECT_TOKEN, service), PROJECT_TOKEN, false);
    }
    if (ServiceTls.hasClientCertificate(env)) {
      return null;
    }
    throw new KeyException(
        KeyException.Reason.UNAVAILABLE,
        service
            + ": no identity to sign with: give --identity-token FILE, run in GitHub Actions with"
            + " `permissions: id-token: write`, on a Buildkite agent, or set "
            + PROJECT_TOKEN
            + " or "
            + ServiceTls.CLIENT_CERT
            + "/"
            + ServiceTls.CLIENT_KEY);
  }

  /** The audience tokens are requested for: SIGNET_AUDIENCE, else the service's URL. */
  static String audience(Map<String, String> env, String serviceUrl) {
    String aud = ServiceTls.nonEmpty(env.get(AUDIENCE));
    return aud == null ? serviceUrl : aud.strip();
  }

  private static String fromFile(Path file, String service) throws KeyException {
    try {
      return checked(
          InputFiles.readText(file.toString(), InputLimits.MAX_TOKEN_CHARS).strip(),
          "--identity-token " + file,
          service);
    } catch (InputException e) {
      throw new KeyException(
          KeyException.Reason.UNREADABLE, service + ": --identity-token: " + e.getMessage(), e);
    }
  }

  /**
   * As {@code @actions/core} getIDToken: GET {@code $URL&audience=AUD}, bearer the request token.
   */
  static String github(Map<String, String> env, String audience, String service)
      throws KeyException {
    String base = env.getOrDefault(GITHUB_URL, "").strip();
    String what = "GitHub Actions OIDC token endpoint (" + GITHUB_URL + ")";
    URI uri;
    try {
      uri = URI.create(base + "&audience=" + URLEncoder.encode(audience, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new KeyException(KeyException.Reason.MALFORMED, what + " is not a URL");
    }
    if (!"https".equals(uri.getScheme()) && !isLoopbackHttp(uri)) {
      // The request token is a credential: it only travels over TLS (or to this machine).
      throw new KeyException(KeyException.Reason.NOT_ALLOWED, what + " is not an https URL");
    }
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(ClientLimits.REQUEST_TIMEOUT)
            .header("Authorization", "bearer " + env.getOrDefault(GITHUB_TOKEN, "").strip())
            .header("Accept", "application/json; api-version=2.0")
            .GET()
            .build();
    try (HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(ClientLimits.CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build()) {
      HttpResponse<InputStream> response =
          http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      byte[] body;
      try (InputStream in = response.body()) {
        body = in.readNBytes(ClientLimits.MAX_TOKEN_RESPONSE_BYTES + 1);
      }
      if (response.statusCode() != 200) {
        throw new KeyException(
            KeyException.Reason.DENIED, what + " answered HTTP " + response.statusCode());
      }
      if (body.length > ClientLimits.MAX_TOKEN_RESPONSE_BYTES) {
        throw new KeyException(KeyException.Reason.MALFORMED, what + ": answer too large");
      }
      return checked(githubValue(new String(body, StandardCharsets.UTF_8), what), what, service);
    } catch (IOException e) {
      throw new KeyException(
          KeyException.Reason.UNAVAILABLE, what + " unreachable: " + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KeyException(KeyException.Reason.UNAVAILABLE, what + ": interrupted");
    }
  }

  /** The {@code value} member of GitHub's answer. */
  static String githubValue(String body, String what) throws KeyException {
    JsonValue v;
    try {
      v = JsonReader.withDefaultLimits().parse(body, what);
    } catch (InputException e) {
      throw new KeyException(KeyException.Reason.MALFORMED, what + ": answer is not JSON");
    }
    if (v instanceof JsonObject o && o.get("value") instanceof JsonString s) {
      return s.value().strip();
    }
    throw new KeyException(KeyException.Reason.MALFORMED, what + ": answer has no \"value\"");
  }

  /** {@code buildkite-agent oidc request-token --audience AUD}: its stdout is the token. */
  private static String buildkite(
      Path agent, Map<String, String> env, String audience, String service) throws KeyException {
    String what = "buildkite-agent oidc request-token";
    ProcessBuilder pb =
        new ProcessBuilder(
                List.of(agent.toString(), "oidc", "request-token", "--audience", audience))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new KeyException(KeyException.Reason.UNAVAILABLE, what + ": cannot run " + agent);
    }
    try {
      byte[] out;
      // Read on a virtual thread so a hung agent meets the timeout instead of blocking the read.
      var future = new java.util.concurrent.CompletableFuture<byte[]>();
      Thread.ofVirtual()
          .start(() -> {
            try (InputStream in = p.getInputStream()) {
              future.complete(in.readNBytes(InputLimits.MAX_TOKEN_CHARS + 1));
            } catch (IOException e) {
              future.completeExceptionally(e);
            }
          });
      try {
        out = future.get(ClientLimits.AGENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
        throw new KeyException(
            KeyException.Reason.UNAVAILABLE,
            what + " did not answer within " + ClientLimits.AGENT_TIMEOUT.toSeconds() + "s");
      }
      if (!p.waitFor(ClientLimits.AGENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new KeyException(KeyException.Reason.UNAVAILABLE, what + " did not exit");
      }
      if (p.exitValue() != 0) {
        throw new KeyException(KeyException.Reason.DENIED, what + " exited " + p.exitValue());
      }
      if (out.length > InputLimits.MAX_TOKEN_CHARS) {
        throw new KeyException(KeyException.Reason.MALFORMED, what + ": output too large");
      }
      return checked(new String(out, StandardCharsets.UTF_8).strip(), what, service);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KeyException(KeyException.Reason.UNAVAILABLE, what + ": interrupted");
    } finally {
      p.destroyForcibly();
    }
  }

  private static java.io.File nullDevice() {
    return new java.io.File(
        System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null");
  }

  /** The executable {@code name} on the environment's PATH, or null. */
  static @Nullable Path onPath(Map<String, String> env, String name) {
    String path = env.get("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(java.io.File.pathSeparator, -1)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir).resolve(name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** A token as a header may carry it: non-empty, bounded, printable ASCII without spaces. */
  static String checked(String token, String what, String service) throws KeyException {
    if (token.isEmpty()) {
      throw new KeyException(KeyException.Reason.MALFORMED, service + ": " + what + " is empty");
    }
    if (token.length() > InputLimits.MAX_TOKEN_CHARS) {
      throw new KeyException(
          KeyException.Reason.MALFORMED, service + ": " + what + " is longer than any token");
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        throw new KeyException(
            KeyException.Reason.MALFORMED,
            service + ": " + what + " is not a token (it holds spaces or control characters)");
      }
    }
    return token;
  }

  private static boolean isLoopbackHttp(URI uri) {
    String host = uri.getHost();
    return "http".equals(uri.getScheme())
        && host != null
        && (host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]"));
  }
}
