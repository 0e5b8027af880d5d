package dev.signet.server.origin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

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

  /**
   * GETs {@code uri}. The whole exchange, body included, is bounded by {@link
   * OriginLimits#REQUEST_TIMEOUT} (the client's own request timeout stops at the headers), and the
   * body by {@code maxBytes}, counted as it arrives.
   */
  Response get(URI uri, int maxBytes, String what) throws OriginException {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(OriginLimits.REQUEST_TIMEOUT)
            .header("Accept", "application/json")
            .GET()
            .build();
    CompletableFuture<HttpResponse<byte[]>> pending =
        client.sendAsync(
            request,
            info ->
                info.statusCode() == 200
                    ? new LimitedBody(maxBytes)
                    : HttpResponse.BodySubscribers.replacing(new byte[0]));
    HttpResponse<byte[]> response;
    try {
      response = pending.get(OriginLimits.REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      pending.cancel(true);
      throw unavailable(
          what + ": no complete response within " + OriginLimits.REQUEST_TIMEOUT.toSeconds() + " s",
          e);
    } catch (InterruptedException e) {
      pending.cancel(true);
      Thread.currentThread().interrupt();
      throw unavailable(what + ": interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof TooLarge) {
        throw new OriginException(
            OriginException.Reason.ISSUER_UNAVAILABLE,
            what + ": the response is larger than " + maxBytes + " bytes");
      }
      String kind = cause == null ? "failed" : cause.getClass().getSimpleName();
      throw unavailable(what + ": " + kind, cause instanceof Exception x ? x : e);
    }
    if (response.statusCode() != 200) {
      throw new OriginException(
          OriginException.Reason.ISSUER_UNAVAILABLE,
          what + ": HTTP status " + response.statusCode());
    }
    return new Response(
        new String(response.body(), StandardCharsets.UTF_8),
        maxAge(response.headers().firstValue("Cache-Control").orElse("")));
  }

  /** Signals a body over the limit; checked, so that it never passes for a bug. */
  private static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge() {
      super("response too large");
    }
  }

  /** Collects a body up to a limit and cancels the exchange beyond it. */
  private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final int max;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.@Nullable Subscription subscription;

    LimitedBody(int max) {
      this.max = max;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer b : items) {
        if (result.isDone()) {
          return;
        }
        if (buffer.size() + (long) b.remaining() > max) {
          result.completeExceptionally(new TooLarge());
          if (subscription != null) {
            subscription.cancel();
          }
          return;
        }
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        buffer.writeBytes(chunk);
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(buffer.toByteArray());
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
