package dev.signet.server.admin;

import dev.signet.keys.Algorithm;
import dev.signet.server.ServerException;
import dev.signet.server.approval.ApprovalException;
import dev.signet.server.approval.Approvals;
import dev.signet.server.approval.SigningRequest;
import dev.signet.server.audit.AuditEvent;
import dev.signet.server.custody.Custody;
import dev.signet.server.custody.CustodyException;
import dev.signet.server.custody.CustodyKind;
import dev.signet.server.custody.VersionRecord;
import dev.signet.server.http.ApiException;
import dev.signet.server.http.ApiRouting;
import dev.signet.server.http.RequestContext;
import dev.signet.server.http.Routes;
import dev.signet.server.origin.IssuedProjectToken;
import dev.signet.server.policy.Operation;
import dev.signet.server.policy.PolicySnapshot;
import dev.signet.server.session.SessionException;
import dev.signet.server.signing.JsonBody;
import dev.signet.server.signing.SigningLimits;
import dev.signet.server.signing.SigningService;
import dev.signet.server.signing.SigningService.Caller;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The admin and approver routes: keys, project tokens, principals, policy reload (role {@code
 * admin}), and signing requests (the requester polls; role holders approve or deny).
 */
public final class AdminRoutes {
  private static final String NAME = "[a-z0-9][a-z0-9._-]{0,62}";

  /** Signs a request whose approval just completed, and returns the signing response. */
  @FunctionalInterface
  public interface SignApproved {
    Map<String, Object> sign(
        RequestContext rc, SigningRequest request, AuditEvent.@Nullable Caller caller)
        throws ApiException;
  }

  private final SigningService service;
  private final SignApproved signApproved;

  public AdminRoutes(SigningService service, SignApproved signApproved) {
    this.service = service;
    this.signApproved = signApproved;
  }

  public void install(Routes routes) {
    routes.post("/v1/admin/projects/{project}/keys", this::createKey);
    routes.post("/v1/admin/projects/{project}/keys/{key}/rotate", this::rotateKey);
    routes.post(
        "/v1/admin/projects/{project}/keys/{key}/versions/{version}/retire", this::retireKey);
    routes.post(
        "/v1/admin/projects/{project}/keys/{key}/versions/{version}/revoke", this::revokeKey);
    routes.post("/v1/admin/projects/{project}/tokens", this::issueToken);
    routes.delete("/v1/admin/tokens/{id}", this::revokeToken);
    routes.post("/v1/admin/principals", this::createPrincipal);
    routes.post("/v1/admin/policy/reload", this::reloadPolicy);
    routes.get("/v1/requests/{id}", this::getRequest);
    routes.post("/v1/requests/{id}/approve", (rc, req, res) -> vote(true, rc, req, res));
    routes.post("/v1/requests/{id}/deny", (rc, req, res) -> vote(false, rc, req, res));
  }

  // ---- keys ----------------------------------------------------------------------------------

  private void createKey(RequestContext rc, ServerRequest req, ServerResponse res)
      throws ApiException {
    String project = req.path().pathParameters().get("project");
    byte[] bytes = RequestContext.body(req, SigningLimits.MAX_ADMIN_BODY_BYTES);
    Caller.Person admin = admin(rc, req, project);
    JsonBody b = JsonBody.parse(bytes, Set.of("key", "algorithm", "backend"));
    String key = b.string("key", 64);
    String algName = b.string("algorithm", 16);
    Algorithm alg =
        Algorithm.fromJwa(algName)
            .filter(Custody.ALGORITHMS::contains)
            .orElseThrow(() ->
                new ApiException(
                    400,
                    "bad_request",
                    "algorithm must be one of EdDSA, ES256, ES384, ES512, PS256, PS512"));
    String backend = b.optionalString("backend", 16);
    // Without a backend the server's custody.keys decides; "hsm" and "pkcs11" are one backend.
    CustodyKind kind =
        backend == null
            ? service.defaultKeyKind()
            : switch (backend) {
              case "software" -> CustodyKind.SOFTWARE;
              case "hsm", "pkcs11" -> CustodyKind.HSM;
              default ->
                  throw new ApiException(
                      400, "bad_request", "backend must be software, hsm or pkcs11");
            };
    AuditEvent intent =
        service
            .event(AuditEvent.Type.KEY_CREATED, rc, project)
            .caller(service.auditCaller(admin))
            .detail("key", key)
            .detail("algorithm", alg.jwa())
            .detail("backend", kind == CustodyKind.HSM ? "pkcs11" : "software")
            .build();
    VersionRecord v =
        auditedChange(
            rc,
            admin,
            intent,
            () -> {
              try {
                return service.custody().create(project, key, alg, kind, admin.name());
              } catch (CustodyException e) {
                throw custodyError(e);
              }
            });
    ApiRouting.writeJson(res, 201, keyJson(v));
  }

  private void rotateKey(RequestContext rc, ServerRequest req, ServerResponse res)
      throws ApiException {
    String project = req.path().pathParameters().get("project");
    Caller.Person admin = admin(rc, req, project);
    String key = req.path().pathParameters().get("key");
    VersionRecord current = current(project, key);
    AuditEvent intent =
        service
            .event(AuditEvent.Type.KEY_ROTATED, rc, project)
            .caller(service.auditCaller(admin))
            .key(SigningService.auditKey(current))
            .detail("key", key)
            .detail("fromVersion", Integer.toString(current.version()))
            .build();
    VersionRecord v =
        auditedChange(
            rc,
            admin,
            intent,
            () -> {
              try {
                return service.custody().rotate(project, key, admin.name());
              } catch (CustodyException e) {
                throw custodyError(e);
              }
            });
    ApiRouting.writeJson(res, 200, keyJson(v));
  }

  private void retireKey(RequestContext rc, ServerRequest req, ServerResponse res)
      throws ApiException {
    String project = req.path().pathParameters().get("project");
    Caller.Person admin = admin(rc, req, project);
    String key = req.path().pathParameters().get("key");
    int version = version(req);
    AuditEvent intent =
        service
            .event(AuditEvent.Type.KEY_RETIRED, rc, project)
            .caller(service.auditCaller(admin))
            .key(SigningService.auditKey(existing(project, key, version)))
            .build();
    VersionRecord v =
        auditedChange(
            rc,
            admin,
            intent,
            () -> {
              try {
                return service.custody().retire(project, key, version, admin.name());
              } catch (CustodyException e) {
                throw custodyError(e);
              }
            });
    ApiRouting.writeJson(res, 200, keyJson(v));
  }

  private void revokeKey(RequestContext rc, ServerRequest req, ServerResponse res)
      throws ApiException {
    String project = req.path().pathParameters().get("project");
    byte[] bytes = RequestContext.body(req, SigningLimits.MAX_ADMIN_BODY_BYTES);
    Caller.Person admin = admin(rc, req, project);
    JsonBody b = JsonBody.parse(bytes, Set.of("effectiveAt"));
    String at = b.optionalString("effectiveAt", 64);
    Instant effective;
    try {
      effective = at == null ? service.clock().instant() : Instant.parse(at);
    } catch (DateTimeParseException e) {
      throw new ApiException(400, "bad_request", "effectiveAt must be an RFC 3339 UTC time");
    }
    String key = req.path().pathParameters().get("key");
    int version = version(req);
    AuditEvent intent =
        service
            .event(AuditEvent.Type.KEY_REVOKED, rc, project)
            .caller(service.auditCaller(admin))
            .key(SigningService.auditKey(existing(project, key, version)))
            .detail("effectiveAt", effective.toString())
            .build();
    VersionRecord v =
        auditedChange(
            rc,
            admin,
            intent,
            () -> {
              try {
                return service.custody().revoke(project, key, version, effective, admin.name());
              } catch (CustodyException e) {
                throw custodyError(e);
              }
            });
    ApiRouting.writeJson(res, 200, keyJson(v));
  }

  private static int version(ServerRequest req) throws ApiException {
    String s = req.path().pathParameters().get("version");
    if (!s.matches("[1-9][0-9]{0,5}")) {
      throw new ApiException(400, "bad_request", "version must be a positive number");
    }
    return Integer.parseInt(s);
  }

  /** The version {@code n} of a key, read before a change to it; 404 when there is none. */
  private VersionRecord existing(String project, String key, int n) throws ApiException {
    try {
      for (VersionRecord v : service.custody().versions(project, key)) {
        if (v.version() == n) {
          return v;
        }
      }
    } catch (CustodyException e) {
      throw custodyError(e);
    }
    throw new ApiException(
        404,
        "not_found",
        "no version " + n + " of key " + JsonBodyClip.clip(project) + "/" + JsonBodyClip.clip(key));
  }

  /** The newest version of a key, read before a rotation; 404 when there is no such key. */
  private VersionRecord current(String project, String key) throws ApiException {
    List<VersionRecord> versions;
    try {
      versions = service.custody().versions(project, key);
    } catch (CustodyException e) {
      throw custodyError(e);
    }
    if (versions.isEmpty()) {
      throw new ApiException(
          404, "not_found", "no key " + JsonBodyClip.clip(project) + "/" + JsonBodyClip.clip(key));
    }
    return versions.getLast();
  }

  /** A change the admin routes make once its audit entry is in the log. */
  @FunctionalInterface
  private interface Change<T> {
    T make() throws ApiException;
  }

  /**
   * Makes an admin change audited before it takes effect: {@code intent} (the change about to be
   * made, with its ids) is appended first, and if the log cannot take it the answer is 503 and
   * nothing changed. The audit log has its own sequencer and transactions, so the entry and the
   * change cannot share one; instead, a change that fails after its entry was appended is followed
   * by an {@code ADMIN_CHANGE_FAILED} entry (best effort: the log may have just gone down) and the
   * change's own error. A reader of the log therefore sees every change that took effect, and may
   * see an announced change that did not (with or without its failure entry), never the reverse.
   */
  private <T> T auditedChange(
      RequestContext rc, Caller.Person admin, AuditEvent intent, Change<T> change)
      throws ApiException {
    service.append(intent);
    try {
      return change.make();
    } catch (ApiException e) {
      changeFailed(rc, admin, intent, e.status(), e.code());
      throw e;
    } catch (RuntimeException e) {
      changeFailed(rc, admin, intent, 500, "internal");
      throw e;
    }
  }

  private void changeFailed(
      RequestContext rc, Caller.Person admin, AuditEvent intent, int status, String code) {
    SigningService.EventBuilder b =
        service
            .event(AuditEvent.Type.ADMIN_CHANGE_FAILED, rc, intent.project())
            .caller(service.auditCaller(admin))
            .key(intent.key());
    intent.details().forEach(b::detail);
    b.detail("change", intent.type().name())
        .detail("status", Integer.toString(status))
        .detail("error", code);
    try {
      service.append(b.build());
    } catch (ApiException failed) {
      // Best effort: the announced change without its outcome reads as "maybe", never as done
      // when it was not; the caller hears the change's own error.
    }
  }

  private static Map<String, Object> keyJson(VersionRecord v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("project", v.project());
    m.put("key", v.name());
    m.put("version", v.version());
    m.put("kid", v.keyId());
    m.put("algorithm", v.algorithm().jwa());
    m.put("backend", v.kind() == CustodyKind.HSM ? "pkcs11" : "software");
    m.put("state", v.state().name().toLowerCase(Locale.ROOT));
    m.put("spkiSha256", SigningService.sha256Hex(v.spki()));
    Instant revoked = v.revokedAt();
    if (revoked != null) {
      m.put("revokedEffectiveAt", revoked.toString());
    }
    return m;
  }

  // ---- project tokens and principals ---------------------------------------------------------

  private void issueToken(RequestContext rc, ServerRequest req, ServerResponse res)
      throws ApiException {
    String project = req.path().pathParameters().get("project");
    byte[] bytes = RequestContext.body(req, SigningLimits.MAX_ADMIN_BODY_BYTES);
    Caller.Person admin = admin(rc, req, project);
    if (!project.matches(NAME)) {
      throw new ApiException(400, "bad_request", "project must be a-z 0-9 . _ -, at most 63");
    }
    JsonBody b = JsonBody.parse(bytes, Set.of("operations", "expiresIn"));
    Set<String> ops = new LinkedHashSet<>();
    for (String op : b.strings("operations", 8, 32)) {
      if (Operation.of(op).isEmpty()) {
        throw new ApiException(
            400, "bad_request", "operations: pipeline, digest, image or attestation, not " + op);
      }
      ops.add(op);
    }
    if (ops.isEmpty()) {
      throw new ApiException(400, "bad_request", "operations is required");
    }
    String in = Optional.ofNullable(b.optionalString("expiresIn", 32)).orElse("P30D");
    Duration lifetime;
    try {
      lifetime = Duration.parse(in);
    } catch (DateTimeParseException e) {
      throw new ApiException(400, "bad_request", "expiresIn must be an ISO-8601 duration (P30D)");
    }
    if (!lifetime.isPositive()
        || lifetime.compareTo(Duration.ofDays(SigningLimits.MAX_TOKEN_LIFETIME_DAYS)) > 0) {
      throw new ApiException(
          400,
          "bad_request",
          "expiresIn must be positive and at most "
              + SigningLimits.MAX_TOKEN_LIFETIME_DAYS
              + " days");
    }
    // The token's id is made with it, so its entry follows the insert; but a token takes effect
    // only when its secret leaves the server in this answer, which happens after the entry is in
    // the log. If the log cannot take the entry, the unseen token is revoked and the answer is 503.
    IssuedProjectToken t = service.projectTokens().issue(project, ops, lifetime);
    try {
      service.append(
          service
              .event(AuditEvent.Type.TOKEN_ISSUED, rc, project)
              .caller(service.auditCaller(admin))
              .detail("tokenId", t.stored().id())
              .detail("operations", String.join(",", ops))
              .detail("expiresAt", t.stored().expiresAt().toString())
              .build());
    } catch (ApiException e) {
      try {
        service.projectTokens().revoke(t.stored().id());
      } catch (RuntimeException ignored) {
        // Its secret was never shown: the token cannot be presented by anyone.
      }
      throw e;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", t.stored().id());
    m.put("project", project);
    m.put("operations", List.copyOf(ops));
    m.put("expiresAt", t.stored().expiresAt().toString());
    m.put("token", t.token());
    ApiRouting.writeJson(res, 201, m);
  }

  private void revokeToken(RequestContext rc, ServerRequest req, ServerResponse res)
      throws ApiException {
    String id = req.path().pathParameters().get("id");
    Caller.Person admin = admin(rc, req, null);
    if (!id.matches("[0-9a-f]{1,64}")
        || service.stores().stores().projectTokens().find(id).isEmpty()) {
      throw new ApiException(404, "not_found", "no project token " + JsonBodyClip.clip(id));
    }
    AuditEvent intent =
        service
            .event(AuditEvent.Type.TOKEN_REVOKED, rc, null)
            .caller(service.auditCaller(admin))
            .detail("tokenId", id)
            .build();
    List<String> ended =
        auditedChange(
            rc,
            admin,
            intent,
            () -> {
              if (!service.projectTokens().revoke(id)) {
                throw new ApiException(
                    404, "not_found", "no project token " + JsonBodyClip.clip(id));
              }
              return endSessionsOf(id);
            });
    ApiRouting.writeJson(
        res, 200, Map.of("id", id, "revoked", true, "sessionsRevoked", ended.size()));
  }

  /**
   * Revokes the sessions the token opened. A failure answers 503: the token itself is revoked and
   * revoking it again (idempotent) retries the sessions.
   */
  private List<String> endSessionsOf(String tokenId) throws ApiException {
    try {
      return service.sessions().revokeOpenedWith(tokenId);
    } catch (SessionException e) {
      throw new ApiException(
          503,
          "unavailable",
          "the project token is revoked but its sessions could not be: revoke the token again");
    }
  }

  private void createPrincipal(RequestContext rc, ServerRequest req, ServerResponse res)
      throws ApiException {
    byte[] bytes = RequestContext.body(req, SigningLimits.MAX_ADMIN_BODY_BYTES);
    Caller.Person admin = admin(rc, req, null);
    JsonBody b = JsonBody.parse(bytes, Set.of("name", "roles"));
    String name = b.string("name", SigningLimits.MAX_PRINCIPAL_CHARS);
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9._@-]*")) {
      throw new ApiException(400, "bad_request", "name must be A-Z a-z 0-9 . _ @ -");
    }
    Set<String> roles = new LinkedHashSet<>();
    for (String r :
        b.strings("roles", SigningLimits.MAX_ROLES, SigningLimits.MAX_PRINCIPAL_CHARS)) {
      if (!r.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
        throw new ApiException(400, "bad_request", "roles must be A-Z a-z 0-9 . _ -");
      }
      roles.add(r);
    }
    AuditEvent intent =
        service
            .event(AuditEvent.Type.PRINCIPAL_CREATED, rc, null)
            .caller(service.auditCaller(admin))
            .detail("principal", service.personal().protect("principal", name))
            .detail("roles", String.join(",", roles))
            .build();
    String token = auditedChange(rc, admin, intent, () -> service.createPrincipal(name, roles));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("roles", List.copyOf(roles));
    m.put("token", token);
    ApiRouting.writeJson(res, 201, m);
  }

  // ---- policy --------------------------------------------------------------------------------

  private void reloadPolicy(RequestContext rc, ServerRequest req, ServerResponse res)
      throws ApiException {
    Caller.Person admin = admin(rc, req, null);
    String before = service.policies().snapshot().version().value();
    PolicySnapshot now;
    java.util.concurrent.atomic.AtomicReference<AuditEvent> announced =
        new java.util.concurrent.atomic.AtomicReference<>();
    try {
      // The entry is appended between reading the new policy and making it current, under the
      // reload lock: no decision names the new version before the log has its POLICY_CHANGED.
      now =
          service.reloadPolicies((previous, next) -> {
            AuditEvent intent =
                service
                    .event(AuditEvent.Type.POLICY_CHANGED, rc, null)
                    .caller(service.auditCaller(admin))
                    .detail("version", next)
                    .detail("previous", previous)
                    .build();
            service.append(intent);
            announced.set(intent);
          });
    } catch (ServerException e) {
      throw new ApiException(
          400, "invalid_policy", "the policy stays at " + before + ": " + e.getMessage());
    } catch (RuntimeException e) {
      AuditEvent intent = announced.get();
      if (intent != null) {
        changeFailed(rc, admin, intent, 500, "internal");
      }
      throw e;
    }
    String after = now.version().value();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", after);
    m.put("previous", before);
    m.put("changed", !after.equals(before));
    m.put("projects", List.copyOf(now.policies().projects().keySet()));
    ApiRouting.writeJson(res, 200, m);
  }

  // ---- signing requests ----------------------------------------------------------------------

  private void getRequest(RequestContext rc, ServerRequest req, ServerResponse res)
      throws ApiException {
    String id = req.path().pathParameters().get("id");
    Caller caller = service.authenticate(rc, req, null);
    SigningRequest r = visible(id, caller);
    JsonNode result = service.stores().pending().result(id).map(JsonBody::tree).orElse(null);
    ApiRouting.writeJson(res, 200, requestJson(r, result));
  }

  /** The request if the caller may see it: its requester or a holder of its role; else 404. */
  private SigningRequest visible(String id, Caller caller) throws ApiException {
    Optional<SigningRequest> found =
        id.length() <= 64 ? service.approvals().find(id) : Optional.empty();
    if (found.isPresent()) {
      SigningRequest r = found.get();
      boolean allowed =
          switch (caller) {
            case Caller.Person p ->
                p.roles().contains(r.approval().role())
                    || p.roles().contains(SigningService.ADMIN_ROLE);
            case Caller.Ci ci ->
                dev.signet.server.approval.Identity.of(ci.origin()).stream()
                    .anyMatch(r.requester()::contains);
          };
      if (allowed) {
        return r;
      }
    }
    throw new ApiException(404, "not_found", "no signing request " + JsonBodyClip.clip(id));
  }

  private void vote(boolean approve, RequestContext rc, ServerRequest req, ServerResponse res)
      throws ApiException {
    String id = req.path().pathParameters().get("id");
    byte[] bytes = RequestContext.body(req, SigningLimits.MAX_ADMIN_BODY_BYTES);
    Caller caller = service.authenticate(rc, req, null);
    JsonBody b = JsonBody.parse(bytes, Set.of("comment"));
    String comment =
        Optional.ofNullable(b.optionalString("comment", SigningLimits.MAX_COMMENT_CHARS))
            .orElse("");
    Optional<SigningRequest> before =
        id.length() <= 64 ? service.approvals().find(id) : Optional.empty();
    String project = before.map(SigningRequest::project).orElse(null);
    AuditEvent.Caller auditCaller = service.auditCaller(caller);
    Approvals.Outcome o;
    try {
      o =
          approve
              ? service.approvals().approve(id, SigningService.identity(caller), comment)
              : service.approvals().deny(id, SigningService.identity(caller), comment);
    } catch (ApprovalException e) {
      String code = e.code().code();
      int status =
          switch (e.code()) {
            case NOT_FOUND -> 404;
            case SELF_APPROVAL, NOT_IN_ROLE -> 403;
            case NOT_PENDING, EXPIRED, ALREADY_VOTED, CONFLICT -> 409;
          };
      if (status == 403) {
        service.context().metrics().decision("deny", code);
        service.append(
            service
                .event(AuditEvent.Type.DENIED, rc, project)
                .caller(auditCaller)
                .approvalRequest(id)
                .detail("stage", "approval")
                .detail("reason", code)
                .detail("message", String.valueOf(e.getMessage()))
                .build());
      }
      throw new ApiException(status, code, String.valueOf(e.getMessage()));
    }
    SigningRequest r = o.request();
    service.append(
        service
            .event(
                approve ? AuditEvent.Type.APPROVED : AuditEvent.Type.APPROVAL_DENIED,
                rc,
                r.project())
            .caller(auditCaller)
            .approvalRequest(r.id())
            .detail("status", r.status().name().toLowerCase(Locale.ROOT))
            .detail("approvals", Long.toString(r.approvals()))
            .detail("quorum", Integer.toString(r.approval().quorum()))
            .build());
    if (o.grant() != null) {
      service.append(
          service
              .event(AuditEvent.Type.GRANT_ISSUED, rc, r.project())
              .caller(auditCaller)
              .approvalRequest(r.id())
              .grant(o.grant().id())
              .detail("expiresAt", o.grant().expiresAt().toString())
              .detail("maxSignatures", Integer.toString(o.grant().maxSignatures()))
              .build());
    }
    JsonNode result = null;
    if (r.status() == SigningRequest.Status.APPROVED) {
      Map<String, Object> signed = signApproved.sign(rc, r, auditCaller);
      result = JsonBody.toTree(signed);
    }
    ApiRouting.writeJson(res, 200, requestJson(r, result));
  }

  /** A signing request as the API shows it to its requester and approvers. */
  public static Map<String, Object> requestJson(SigningRequest r, @Nullable JsonNode result) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id());
    m.put("project", r.project());
    m.put("rule", r.rule().rule());
    m.put("operation", r.operation().id());
    m.put("key", r.key());
    m.put("subjectDigest", r.subjectDigest());
    m.put("status", r.status().name().toLowerCase(Locale.ROOT));
    m.put("created", r.created().toString());
    m.put("expiresAt", r.expires().toString());
    m.put("role", r.approval().role());
    m.put("quorum", r.approval().quorum());
    m.put("approvals", r.approvals());
    m.put("policyVersion", r.policyVersion().value());
    if (result != null) {
      m.put("result", result);
    }
    return m;
  }

  // ---- helpers -------------------------------------------------------------------------------

  private Caller.Person admin(RequestContext rc, ServerRequest req, @Nullable String project)
      throws ApiException {
    return service.authenticatePerson(rc, req, project, SigningService.ADMIN_ROLE);
  }

  private static ApiException custodyError(CustodyException e) {
    String m =
        e.getMessage() == null ? "custody error" : e.getMessage().replaceAll("\\s*\\R\\s*", " ");
    return switch (e.reason()) {
      case INVALID -> new ApiException(400, "bad_request", m);
      case UNKNOWN_KEY -> new ApiException(404, "not_found", m);
      case EXISTS, CONFLICT, NOT_ALLOWED, RETIRED, REVOKED -> new ApiException(409, "conflict", m);
      case LIMIT -> new ApiException(409, "limit", m);
      case UNSEAL_FAILED, UNAVAILABLE ->
          new ApiException(503, "key_unavailable", "the key backend cannot be used now");
    };
  }

  private static final class JsonBodyClip {
    static String clip(String s) {
      String one = s.replaceAll("[^A-Za-z0-9._-]", "?");
      return one.length() > 64 ? one.substring(0, 64) + "…" : one;
    }
  }
}
