package dev.signet.server.http;

import dev.signet.server.ServerLimits;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns {@link Routes} into Helidon routing with the cross-cutting parts every route gets: the
 * request id, the body size limit, JSON error bodies, one access-log line and one metrics sample
 * per request.
 */
public final class ApiRouting {
  private ApiRouting() {}

  public static final HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");
  static final Logger ACCESS = Logger.getLogger("dev.signet.server.access");
  private static final Logger LOG = Logger.getLogger(ApiRouting.class.getName());
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern VALID_ID =
      Pattern.compile("[A-Za-z0-9._:-]{1," + ServerLimits.MAX_REQUEST_ID_CHARS + "}");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Per-request state shared by the filter and the route wrapper through Helidon's context. */
  private static final class Exchange {
    final String requestId;
    String route = "unmatched";

    Exchange(String requestId) {
      this.requestId = requestId;
    }
  }

  public static HttpRouting.Builder build(Routes routes, SignetMetrics metrics) {
    HttpRouting.Builder b = HttpRouting.builder();
    b.addFilter((chain, req, res) -> filter(chain, req, res, metrics));
    for (Routes.Route r : routes.all()) {
      b.route(Method.create(r.method()), r.template(), (req, res) -> invoke(r, req, res));
    }
    b.any((req, res) ->
        writeError(
            res, exchange(req).requestId, new ApiException(404, "not_found", "no such endpoint")));
    return b;
  }

  private static void filter(
      FilterChain chain, RoutingRequest req, RoutingResponse res, SignetMetrics metrics) {
    long start = System.nanoTime();
    String sent = req.headers().first(REQUEST_ID).orElse("");
    String id = VALID_ID.matcher(sent).matches() ? sent : newRequestId();
    Exchange ex = new Exchange(id);
    req.context().register(ex);
    res.header(REQUEST_ID, id);
    long length = req.headers().contentLength().orElse(-1L);
    if (length > ServerLimits.MAX_REQUEST_BODY_BYTES) {
      writeError(res, id, RequestContext.tooLarge(ServerLimits.MAX_REQUEST_BODY_BYTES));
    } else {
      try {
        chain.proceed();
      } catch (RuntimeException e) {
        if (!res.isSent()) {
          writeError(res, id, internal(e, id));
        }
      }
    }
    long nanos = System.nanoTime() - start;
    int status = res.status().code();
    String method = req.prologue().method().text();
    metrics.request(method, ex.route, status, nanos);
    LogRecord line = new LogRecord(Level.INFO, "request");
    line.setLoggerName(ACCESS.getName());
    line.setParameters(
        new Object[] {
          new JsonLogFormatter.AccessEntry(
              id, method, ex.route, status, nanos / 1000, peerAddress(req))
        });
    ACCESS.log(line);
  }

  private static void invoke(Routes.Route route, ServerRequest req, ServerResponse res) {
    Exchange ex = exchange(req);
    ex.route = route.template();
    RequestContext ctx =
        new RequestContext(
            ex.requestId,
            route.method(),
            route.template(),
            peerChain(req),
            req.remotePeer().host());
    try {
      route.handler().handle(ctx, req, res);
    } catch (ApiException e) {
      writeError(res, ex.requestId, e);
    } catch (Exception e) {
      if (e instanceof io.helidon.http.RequestException r && r.status().code() == 413) {
        writeError(res, ex.requestId, RequestContext.tooLarge(ServerLimits.MAX_REQUEST_BODY_BYTES));
      } else if (!res.isSent()) {
        writeError(res, ex.requestId, internal(e, ex.requestId));
      }
    }
  }

  private static ApiException internal(Exception e, String requestId) {
    // The stack trace type goes to the log under the request id; the client learns nothing more.
    LOG.log(Level.WARNING, "request " + requestId + " failed: " + e.getClass().getName(), e);
    return new ApiException(500, "internal", "internal error; quote the request id when reporting");
  }

  private static Exchange exchange(ServerRequest req) {
    return req.context().get(Exchange.class).orElseGet(() -> new Exchange(newRequestId()));
  }

  private static List<X509Certificate> peerChain(ServerRequest req) {
    List<X509Certificate> chain = new ArrayList<>();
    for (Certificate c : req.remotePeer().tlsCertificates().orElse(new Certificate[0])) {
      if (c instanceof X509Certificate x) {
        chain.add(x);
      }
    }
    return chain;
  }

  /** The literal address: {@code PeerInfo.host()} may do a reverse DNS lookup. */
  private static String peerAddress(ServerRequest req) {
    if (req.remotePeer().address() instanceof java.net.InetSocketAddress a
        && a.getAddress() != null) {
      return a.getAddress().getHostAddress();
    }
    return "unknown";
  }

  static String newRequestId() {
    byte[] b = new byte[12];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** Writes {@code {"error":{"code","message","requestId"}}} with the exception's status. */
  public static void writeError(ServerResponse res, String requestId, ApiException e) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", e.code());
    error.put("message", e.getMessage());
    error.put("requestId", requestId);
    writeJson(res, e.status(), Map.of("error", error));
  }

  /** Writes a JSON body with {@code status}. */
  public static void writeJson(ServerResponse res, int status, Object body) {
    if (res.isSent()) {
      return;
    }
    res.status(Status.create(status));
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.header(HeaderNames.CACHE_CONTROL, "no-store");
    res.send(JSON.writeValueAsBytes(body));
  }
}
