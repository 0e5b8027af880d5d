package dev.signet.server.audit;

import dev.signet.server.ServerContext;
import dev.signet.server.ServerException;
import dev.signet.server.ServerModule;
import dev.signet.server.http.ApiException;
import dev.signet.server.http.Routes;
import dev.signet.tlog.ConsistencyProof;
import dev.signet.tlog.InclusionProof;
import dev.signet.tlog.LogExport;
import dev.signet.tlog.TlogException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The audit log's public read API under {@code /v1/audit}: the latest checkpoint, inclusion and
 * consistency proofs, pages of entries (the export format of {@code signet audit verify --entries})
 * and the log key. Reads need no credential: the log is meant to be checked by anyone who holds a
 * receipt. Installing the module records a {@code SERVER_STARTED} entry.
 */
public final class AuditRoutes implements ServerModule {
  @Override
  public void install(ServerContext context, Routes routes) throws ServerException {
    AuditLog log = context.auditLog();
    if (log instanceof JdbcAuditLog j) {
      j.sizeListener(context.metrics()::auditLogSize);
    }
    try {
      log.append(
          new AuditEvent(
              AuditEvent.Type.SERVER_STARTED,
              Instant.now(),
              "startup",
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              Map.of()));
      context.metrics().auditLogSize(checkpointSize(log.checkpoint()));
    } catch (AuditException e) {
      throw new ServerException("cannot record the server start: " + e.getMessage(), e);
    }
    routes.get(
        "/v1/audit/checkpoint",
        (ctx, req, res) -> {
          String note = read(log::checkpoint);
          context.metrics().auditLogSize(checkpointSize(note));
          send(res, "text/plain; charset=utf-8", note.getBytes(StandardCharsets.UTF_8));
        });
    routes.get(
        "/v1/audit/log-key",
        (ctx, req, res) ->
            send(
                res,
                "text/plain; charset=utf-8",
                (log.logKey().format() + "\n").getBytes(StandardCharsets.UTF_8)));
    routes.get(
        "/v1/audit/proof/inclusion",
        (ctx, req, res) -> {
          long index = number(req, "index");
          long size = number(req, "size");
          if (index >= size) {
            throw badRequest("index must be below size");
          }
          InclusionProof p = read(() -> log.inclusion(index, size));
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("leafIndex", p.leafIndex());
          body.put("treeSize", p.treeSize());
          body.put("hashes", base64(p.hashes()));
          dev.signet.server.http.ApiRouting.writeJson(res, 200, body);
        });
    routes.get(
        "/v1/audit/proof/consistency",
        (ctx, req, res) -> {
          long from = number(req, "from");
          long to = number(req, "to");
          if (from > to) {
            throw badRequest("from must not exceed to");
          }
          ConsistencyProof p = read(() -> log.consistency(from, to));
          // The proof-file format of signet audit verify --consistency-proof, byte for byte.
          send(res, "application/json", p.toJson().getBytes(StandardCharsets.UTF_8));
        });
    routes.get(
        "/v1/audit/entries",
        (ctx, req, res) -> {
          long start = number(req, "start");
          long end = number(req, "end");
          if (start > end) {
            throw badRequest("start must not exceed end");
          }
          List<byte[]> leaves = read(() -> log.entries(start, end));
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          for (byte[] leaf : leaves) {
            try {
              out.writeBytes(LogExport.line(leaf));
            } catch (TlogException e) {
              throw new AuditException("audit log: " + e.getMessage(), e);
            }
          }
          // The page may be shorter than asked: the client continues from start + lines.
          res.header("X-Audit-Next", Long.toString(start + leaves.size()));
          send(res, "application/jsonl", out.toByteArray());
        });
  }

  @FunctionalInterface
  private interface Read<T> {
    T get() throws AuditException;
  }

  /** A read the client asked beyond the log is its mistake (400); anything else is the server's. */
  private static <T> T read(Read<T> r) throws ApiException, AuditException {
    try {
      return r.get();
    } catch (AuditException e) {
      String m = String.valueOf(e.getMessage());
      if (m.contains("beyond the log") || m.contains("need 0 <=")) {
        throw badRequest(m.replaceFirst("^audit log: ", ""));
      }
      throw e;
    }
  }

  private static long checkpointSize(String note) {
    int a = note.indexOf('\n');
    int b = note.indexOf('\n', a + 1);
    try {
      return Long.parseLong(note.substring(a + 1, b));
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /** A required non-negative decimal query parameter, at most 19 digits, no sign, no spaces. */
  static long number(ServerRequest req, String name) throws ApiException {
    Optional<String> v = req.query().first(name).asOptional();
    if (v.isEmpty()) {
      throw badRequest("query parameter " + name + " is required");
    }
    if (req.query().all(name).size() > 1) {
      throw badRequest("query parameter " + name + " is given more than once");
    }
    return parseNumber(name, v.get());
  }

  /** {@code value} as a non-negative {@code long}: ASCII digits only, at most 19 of them. */
  static long parseNumber(String name, String value) throws ApiException {
    if (value.isEmpty()
        || value.length() > AuditLimits.MAX_NUMBER_CHARS
        || !value.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
      throw badRequest(
          "query parameter " + name + " must be a decimal integer of at most 19 digits");
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw badRequest("query parameter " + name + " is larger than 2^63 - 1");
    }
  }

  private static ApiException badRequest(String message) {
    return new ApiException(400, "bad_request", message);
  }

  private static List<String> base64(List<byte[]> hashes) {
    List<String> out = new ArrayList<>();
    for (byte[] h : hashes) {
      out.add(Base64.getEncoder().encodeToString(h));
    }
    return out;
  }

  private static void send(ServerResponse res, String type, byte[] body) {
    res.header(HeaderNames.CONTENT_TYPE, type);
    res.header(HeaderNames.CACHE_CONTROL, "no-store");
    res.send(body);
  }
}
