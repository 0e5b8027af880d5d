package dev.signet.server.signing;

import dev.signet.server.audit.AuditEvent;
import dev.signet.server.audit.Callers;
import dev.signet.server.http.ApiException;
import dev.signet.server.http.ApiRouting;
import dev.signet.server.http.RequestContext;
import dev.signet.server.http.Routes;
import dev.signet.server.origin.Origin;
import dev.signet.server.policy.Decision;
import dev.signet.server.session.SessionException;
import dev.signet.server.session.SessionLimits;
import dev.signet.server.session.Sessions;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Session tokens for CI callers: {@code POST /v1/projects/{project}/sessions} exchanges the
 * credentials of a signing request for a short-lived {@code sgs_} token, {@code DELETE
 * /v1/projects/{project}/sessions/{id}} revokes one (an admin, or the session itself at the end of
 * its job). Both are in the audit log.
 */
final class SessionRoutes {
  private static final String PROJECT = "[a-z0-9][a-z0-9._-]{0,62}";
  private static final String ID = "[0-9a-f]{16}";
  private static final Set<String> MEMBERS = Set.of("ttlSeconds", "maxUses");

  private final SigningService service;

  SessionRoutes(SigningService service) {
    this.service = service;
  }

  void install(Routes routes) {
    routes.post("/v1/projects/{project}/sessions", this::open);
    routes.delete("/v1/projects/{project}/sessions/{id}", this::revoke);
  }

  /** What an exchange asks for; null members take the server's defaults. */
  record Ask(@Nullable Duration ttl, @Nullable Integer maxUses) {}

  /** The exchange body: optional, {@code {"ttlSeconds":N,"maxUses":N}}, both within bounds. */
  static Ask parse(byte[] body) throws ApiException {
    JsonBody b = JsonBody.parse(body, MEMBERS);
    Long ttl = number(b, "ttlSeconds", SessionLimits.MAX_TTL.toSeconds());
    Long uses = number(b, "maxUses", SessionLimits.MAX_MAX_USES);
    return new Ask(
        ttl == null ? null : Duration.ofSeconds(ttl), uses == null ? null : uses.intValue());
  }

  private static @Nullable Long number(JsonBody b, String name, long max) throws ApiException {
    JsonNode n = b.node(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 1 || n.asLong() > max) {
      throw JsonBody.bad(name + " must be an integer from 1 to " + max);
    }
    return n.asLong();
  }

  private void open(RequestContext rc, ServerRequest req, ServerResponse res) throws ApiException {
    String project = req.path().pathParameters().get("project");
    if (!project.matches(PROJECT)) {
      throw new ApiException(404, "not_found", "no project " + JsonBody.clip(project));
    }
    // The body first: a typo must not spend a single-use ID token.
    Ask ask = parse(RequestContext.body(req, SigningLimits.MAX_SESSION_BODY_BYTES));
    // Before the credentials too: a single-use ID token stays good for the request itself, which
    // is what a client falls back to (the CLI does).
    if (!service.sessions().settings().enabled()) {
      service.append(
          service
              .event(AuditEvent.Type.DENIED, rc, project)
              .detail("stage", "session")
              .detail("reason", "sessions_disabled")
              .build());
      throw new ApiException(
          403,
          "sessions_disabled",
          "sessions are disabled on this server; send the CI credentials with each request");
    }
    Origin origin = service.authenticateExchange(rc, req, project);
    // A caller no rule of the project could ever allow gets its denial now, condition by
    // condition, rather than a session whose every use would be refused.
    if (service.policies().admits(project, origin) instanceof Decision.Deny deny) {
      service.context().metrics().decision("deny", deny.reason().code());
      service.append(
          service
              .event(AuditEvent.Type.DENIED, rc, project)
              .caller(Callers.of(origin, service.personal()))
              .policy(SigningRoutes.outcome(deny, null))
              .detail("stage", "session")
              .detail("message", deny.message())
              .build());
      throw new ApiException(403, "denied", deny.message());
    }
    Instant notAfter = null;
    List<X509Certificate> peer = rc.peerCertificates();
    if (!peer.isEmpty()) {
      notAfter = peer.getFirst().getNotAfter().toInstant();
    }
    Sessions.Issued issued;
    try {
      issued = service.sessions().issue(project, origin, ask.ttl(), ask.maxUses(), notAfter);
    } catch (SessionException e) {
      throw switch (e.reason()) {
        case OUT_OF_BOUNDS -> new ApiException(400, "bad_request", e.getMessage());
        case DISABLED -> new ApiException(403, "sessions_disabled", e.getMessage());
        case UNAVAILABLE ->
            new ApiException(503, "unavailable", "the session store is unavailable");
        default -> new ApiException(401, "unauthenticated", e.getMessage());
      };
    }
    var s = issued.session();
    service.append(
        service
            .event(AuditEvent.Type.SESSION_ISSUED, rc, project)
            .caller(Callers.of(origin, service.personal()))
            .session(s.id())
            .detail("expiresAt", s.expiresAt().toString())
            .detail("maxUses", Integer.toString(s.maxUses()))
            .detail("certificateBound", Boolean.toString(s.certificateSha256() != null))
            .build());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("token", issued.token());
    m.put("sessionId", s.id());
    m.put("project", project);
    m.put("expiresAt", s.expiresAt().toString());
    m.put("maxUses", s.maxUses());
    ApiRouting.writeJson(res, 201, m);
  }

  private void revoke(RequestContext rc, ServerRequest req, ServerResponse res)
      throws ApiException {
    String project = req.path().pathParameters().get("project");
    String id = req.path().pathParameters().get("id");
    SigningService.Caller caller = service.authenticate(rc, req, project);
    boolean allowed =
        switch (caller) {
          case SigningService.Caller.Person p -> p.roles().contains(SigningService.ADMIN_ROLE);
          case SigningService.Caller.Ci ci -> id.equals(ci.session());
        };
    if (!allowed) {
      service.appendQuietly(
          service
              .event(AuditEvent.Type.DENIED, rc, project)
              .caller(service.auditCaller(caller))
              .detail("stage", "authorization")
              .detail("reason", "not_session_holder")
              .build());
      throw new ApiException(
          403, "forbidden", "only an admin or the session itself may revoke a session");
    }
    boolean found;
    try {
      found = id.matches(ID) && service.sessions().revoke(project, id);
    } catch (SessionException e) {
      throw new ApiException(503, "unavailable", "the session store is unavailable");
    }
    if (!found) {
      throw new ApiException(404, "not_found", "no session " + JsonBody.clip(id));
    }
    service.append(
        service
            .event(AuditEvent.Type.SESSION_REVOKED, rc, project)
            .caller(service.auditCaller(caller))
            .session(id)
            .build());
    ApiRouting.writeJson(res, 200, Map.of("sessionId", id, "revoked", true));
  }
}
