package dev.signet.server.http;

import io.helidon.http.HeaderNames;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /healthz}, {@code /readyz}, {@code /metrics} and {@code /openapi}. */
public final class SystemRoutes {
  private SystemRoutes() {}

  /** The OpenAPI 3.1 document, kept in resources beside this class. */
  public static final String OPENAPI_RESOURCE = "openapi.json";

  public static void register(Routes routes, List<ReadinessCheck> checks, SignetMetrics metrics)
      throws IOException {
    byte[] openapi;
    try (InputStream in = SystemRoutes.class.getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null) {
        throw new IOException("resource " + OPENAPI_RESOURCE + " is missing");
      }
      openapi = in.readAllBytes();
    }
    routes.get(
        "/healthz", (ctx, req, res) -> ApiRouting.writeJson(res, 200, Map.of("status", "ok")));
    routes.get(
        "/readyz",
        (ctx, req, res) -> {
          Map<String, String> results = new LinkedHashMap<>();
          boolean ready = true;
          for (ReadinessCheck c : checks) {
            try {
              c.check();
              results.put(c.name(), "ok");
            } catch (Exception e) {
              ready = false;
              // The check's name says what failed; details (hosts, driver text) stay in the log.
              results.put(c.name(), "failed");
              java.util.logging.Logger.getLogger(SystemRoutes.class.getName())
                  .warning("readiness check " + c.name() + " failed: " + oneLine(e.getMessage()));
            }
          }
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("status", ready ? "ready" : "not_ready");
          body.put("checks", results);
          ApiRouting.writeJson(res, ready ? 200 : 503, body);
        });
    routes.get(
        "/metrics",
        (ctx, req, res) -> {
          res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
          res.send(metrics.scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        });
    routes.get(
        "/openapi",
        (ctx, req, res) -> {
          res.header(HeaderNames.CONTENT_TYPE, "application/json");
          res.send(openapi);
        });
  }

  private static String oneLine(@org.jspecify.annotations.Nullable String s) {
    return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
