package dev.signet.server.http;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;
import tools.jackson.databind.json.JsonMapper;

/**
 * Formats every java.util.logging record (the server's and Helidon's) as one JSON line. Access
 * records carry an {@link AccessEntry} and become the request line; it holds the route template,
 * never the raw path or query string, and no header or body.
 */
public final class JsonLogFormatter extends Formatter {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** One request, as the access log writes it. */
  public record AccessEntry(
      String requestId,
      String method,
      String route,
      int status,
      long durationMicros,
      String peer) {}

  @Override
  public String format(LogRecord record) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("time", Instant.ofEpochMilli(record.getMillis()).toString());
    line.put("level", record.getLevel().getName());
    line.put("logger", record.getLoggerName());
    Object[] params = record.getParameters();
    if (params != null && params.length == 1 && params[0] instanceof AccessEntry a) {
      line.put("requestId", a.requestId());
      line.put("method", a.method());
      line.put("route", a.route());
      line.put("status", a.status());
      line.put("durationMs", a.durationMicros() / 1000.0);
      line.put("peer", a.peer());
    } else {
      line.put("message", formatMessage(record));
      if (record.getThrown() != null) {
        // The exception type only: messages of library exceptions may echo input.
        line.put("error", record.getThrown().getClass().getName());
      }
    }
    return JSON.writeValueAsString(line) + "\n";
  }
}
