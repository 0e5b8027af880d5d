package dev.signet.server.origin;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Bounded GETs of discovery documents and key sets: no redirects, size and time limits. */
final class Fetcher {
  private static final Pattern MAX_AGE =
      Pattern.compile("(?:^|,)\\s*max-age\\s*=\\s*\"?(\\d{1,10})\"?\\s*(?:,|$)");

  /** A response body and how long it may be cached, if the server said. */
  record Response(String body, Optional<Duration> maxAge) {}

  private final HttpClient client;

  Fetcher(HttpClient client) {
    this.client = client;
  }

  /**
   * An HTTP client for issuers: redirects are not followed (a discovery document or JWKS that moves
   * is refused, not chased to wherever it points), and connecting is time-bounded.
   */
  static HttpClient defaultClient() {
    return HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(OriginLimits.CONNECT_TIMEOUT)
        .build();
  }

  static boolean isLoopback(URI uri) {
    String host = uri.getHost();
    if (host == null) {
      return false;
    }
    return host.equals("localhost")
        || host.equals("[::1]")
        || host.equals("::1")
        || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }

  /** Whether {@code uri} may be fetched: https, or http to loopback when the config allows it. */
  static boolean allowedScheme(URI uri, boolean allowInsecureLoopback) {
    return "https".equals(uri.getScheme())
        || ("http".equals(uri.getScheme()) && allowInsecureLoopback && isLoopback(uri));
  }

  Response get(URI uri, int maxBytes, String what) throws OriginException {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(OriginLimits.REQUEST_TIMEOUT)
            .header("Accept", "application/json")
            .GET()
            .build();
    HttpResponse<InputStream> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw unavailable(what + ": " + e.getClass().getSimpleName(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(what + ": interrupted", e);
    }
    try (InputStream in = response.body()) {
      if (response.statusCode() != 200) {
        throw new OriginException(
            OriginException.Reason.ISSUER_UNAVAILABLE,
            what + ": HTTP status " + response.statusCode());
      }
      byte[] body = in.readNBytes(maxBytes + 1);
      if (body.length > maxBytes) {
        throw new OriginException(
            OriginException.Reason.ISSUER_UNAVAILABLE,
            what + ": the response is larger than " + maxBytes + " bytes");
      }
      return new Response(
          new String(body, StandardCharsets.UTF_8),
          maxAge(response.headers().firstValue("Cache-Control").orElse("")));
    } catch (IOException e) {
      throw unavailable(what + ": " + e.getClass().getSimpleName(), e);
    }
  }

  /** {@code max-age} of a Cache-Control header; no-store and no-cache mean zero. */
  static Optional<Duration> maxAge(String cacheControl) {
    String cc = cacheControl.toLowerCase(Locale.ROOT);
    if (cc.contains("no-store") || cc.contains("no-cache")) {
      return Optional.of(Duration.ZERO);
    }
    Matcher m = MAX_AGE.matcher(cc);
    return m.find()
        ? Optional.of(Duration.ofSeconds(Long.parseLong(m.group(1))))
        : Optional.empty();
  }

  private static OriginException unavailable(String message, Exception cause) {
    return new OriginException(OriginException.Reason.ISSUER_UNAVAILABLE, message, cause);
  }
}
