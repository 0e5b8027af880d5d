package dev.signet.keys.kms;

import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonValue;
import dev.signet.keys.KeyException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * The JDK HTTP client, used for the REST services (Google Cloud KMS, Vault/OpenBao): every call has
 * a deadline covering the whole response, responses are capped in size, and network trouble
 * surfaces as a {@link Retry.Transient} for the caller's retry loop.
 */
final class Http {
  /** KMS responses are a few kilobytes; anything near this is not a KMS talking. */
  static final int MAX_RESPONSE_BYTES = 1 << 20;

  private static final JsonReader JSON =
      new JsonReader(new InputLimits(MAX_RESPONSE_BYTES, 32, 64, 1_000, 64));

  private final HttpClient client;
  private final KmsOptions options;

  Http(KmsOptions options, @Nullable SSLContext ssl) {
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .connectTimeout(options.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER);
    if (ssl != null) {
      b.sslContext(ssl);
    }
    this.client = b.build();
    this.options = options;
  }

  /** A response: its status and (capped) body. */
  static final class Reply {
    private final int status;
    private final byte[] body;

    Reply(int status, byte[] body) {
      this.status = status;
      this.body = body;
    }

    int status() {
      return status;
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /**
   * Sends {@code request}; any HTTP status is a reply. Connection failures and timeouts are {@link
   * Retry.Kind#NETWORK} transients.
   */
  Reply send(HttpRequest request) throws Retry.Transient, KeyException {
    CompletableFuture<HttpResponse<byte[]>> future =
        client.sendAsync(request, info -> new CappedBody());
    try {
      HttpResponse<byte[]> r = future.get(options.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
      return new Reply(r.statusCode(), r.body());
    } catch (TimeoutException e) {
      future.cancel(true);
      throw timedOut();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new KeyException(KeyException.Reason.UNAVAILABLE, "interrupted");
    } catch (ExecutionException | CancellationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof TooLarge) {
        throw new KeyException(
            KeyException.Reason.SIGNING_FAILED,
            "the response is larger than " + MAX_RESPONSE_BYTES + " bytes");
      }
      if (cause instanceof HttpTimeoutException) {
        throw timedOut();
      }
      for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
        if (t instanceof javax.net.ssl.SSLHandshakeException) {
          // An untrusted certificate stays untrusted: no retry.
          throw new KeyException(
              KeyException.Reason.UNAVAILABLE,
              "TLS handshake failed (" + Text.oneLine(t.getMessage(), null) + ")");
        }
      }
      throw new Retry.Transient(Retry.Kind.NETWORK, network(cause));
    }
  }

  private Retry.Transient timedOut() {
    return new Retry.Transient(
        Retry.Kind.NETWORK, "no response within " + options.callTimeout().toMillis() + " ms");
  }

  /** A short, secret-free description of a network failure, from the most telling cause. */
  static String network(Throwable failure) {
    Throwable cause = failure;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectException
          || t instanceof java.net.UnknownHostException
          || t instanceof javax.net.ssl.SSLException
          || t instanceof java.net.SocketTimeoutException) {
        cause = t;
        break;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    if (cause instanceof java.net.SocketTimeoutException) {
      return "timed out";
    }
    if (cause instanceof ConnectException) {
      return "connection refused";
    }
    if (cause instanceof java.net.UnknownHostException) {
      return "unknown host";
    }
    if (cause instanceof javax.net.ssl.SSLException) {
      return "TLS failure: " + Text.oneLine(cause.getMessage(), null);
    }
    String m = cause.getMessage();
    return cause.getClass().getSimpleName() + (m == null ? "" : ": " + Text.oneLine(m, null));
  }

  /** The reply body as a JSON object. */
  static JsonObject object(Reply reply, String what) throws KeyException {
    JsonValue v;
    try {
      v = JSON.parse(reply.text(), what);
    } catch (InputException e) {
      throw new KeyException(
          KeyException.Reason.SIGNING_FAILED, what + ": the service sent malformed JSON");
    }
    if (!(v instanceof JsonObject o)) {
      throw new KeyException(
          KeyException.Reason.SIGNING_FAILED,
          what + ": the service sent JSON that is not an object");
    }
    return o;
  }

  /** The reply body as a JSON object, or null when it is not one (error bodies may be HTML). */
  static @Nullable JsonObject objectOrNull(Reply reply) {
    try {
      return JSON.parse(reply.text(), "error body") instanceof JsonObject o ? o : null;
    } catch (InputException e) {
      return null;
    }
  }

  /**
   * A service base URL from configuration. Plain {@code http} is allowed only to this machine (test
   * servers, a local Vault agent); anywhere else a bearer token would cross the network in clear.
   */
  static URI baseUrl(String value, String setting, String reference) throws KeyException {
    URI uri;
    try {
      uri = new URI(value.endsWith("/") ? value : value + "/");
    } catch (URISyntaxException e) {
      throw new KeyException(
          KeyException.Reason.MALFORMED, reference + ": " + setting + " is not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost();
    if (host == null || !(scheme.equals("https") || scheme.equals("http"))) {
      throw new KeyException(
          KeyException.Reason.MALFORMED,
          reference + ": " + setting + " must be an https:// URL with a host");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
      throw new KeyException(
          KeyException.Reason.MALFORMED,
          reference + ": " + setting + " must not carry a query, fragment or user info");
    }
    if (scheme.equals("http") && !isLoopback(host)) {
      throw new KeyException(
          KeyException.Reason.NOT_ALLOWED,
          reference
              + ": "
              + setting
              + " uses plain http to "
              + host
              + "; the token would cross the network in clear, so use https (plain http is"
              + " allowed to this machine only)");
    }
    return uri;
  }

  static boolean isLoopback(String host) {
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    // Literal addresses only: resolving a name here would let DNS decide what is "local".
    if (!h.matches("[0-9.]+|[0-9A-Fa-f:]+")) {
      return false;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (IOException e) {
      return false;
    }
  }

  private static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;
  }

  /** Collects the body, failing as soon as it grows past {@link #MAX_RESPONSE_BYTES}. */
  private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private Flow.@Nullable Subscription subscription;

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
        if (out.size() + b.remaining() > MAX_RESPONSE_BYTES) {
          Flow.Subscription s = subscription;
          if (s != null) {
            s.cancel();
          }
          result.completeExceptionally(new TooLarge());
          return;
        }
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        out.writeBytes(chunk);
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(out.toByteArray());
    }
  }
}
