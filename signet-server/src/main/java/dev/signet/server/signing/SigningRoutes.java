package dev.signet.server.signing;

import dev.signet.attest.Dsse;
import dev.signet.attest.DsseEnvelope;
import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyException;
import dev.signet.keys.Signer;
import dev.signet.keys.SigningKey;
import dev.signet.pipeline.CommandStep;
import dev.signet.pipeline.GroupStep;
import dev.signet.pipeline.Pipeline;
import dev.signet.pipeline.PipelineParser;
import dev.signet.pipeline.PipelineWriter;
import dev.signet.pipeline.Step;
import dev.signet.server.approval.Approvals;
import dev.signet.server.approval.PendingStore;
import dev.signet.server.approval.SigningRequest;
import dev.signet.server.audit.AuditEvent;
import dev.signet.server.audit.AuditLog;
import dev.signet.server.audit.Callers;
import dev.signet.server.custody.Custody;
import dev.signet.server.custody.CustodyException;
import dev.signet.server.custody.VersionRecord;
import dev.signet.server.http.ApiException;
import dev.signet.server.http.ApiRouting;
import dev.signet.server.http.RequestContext;
import dev.signet.server.http.Routes;
import dev.signet.server.origin.Origin;
import dev.signet.server.policy.Decision;
import dev.signet.server.policy.Operation;
import dev.signet.server.policy.ProjectPolicy;
import dev.signet.server.policy.RequestAttributes;
import dev.signet.signing.PipelineSigner;
import dev.signet.signing.PipelineSigningException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.util.RawValue;

/**
 * The CI-facing routes: signing (digest, message, pipeline, attestation) and the public keys. Each
 * signing request is authenticated, decided by the policy, and — when allowed — signed, recorded in
 * the audit log, and answered only after the log has the entry.
 */
final class SigningRoutes {
  private static final HexFormat HEX = HexFormat.of();

  private final SigningService service;

  SigningRoutes(SigningService service) {
    this.service = service;
  }

  void install(Routes routes) {
    for (String kind : List.of("digest", "message", "pipeline", "attestation")) {
      routes.post(
          "/v1/projects/{project}/sign/" + kind, (rc, req, res) -> sign(kind, rc, req, res));
    }
    routes.get("/v1/projects/{project}/jwks.json", this::jwks);
    routes.get("/v1/projects/{project}/keys/{key}", this::keyInfo);
  }

  // ---- public keys ---------------------------------------------------------------------------

  private void jwks(RequestContext rc, ServerRequest req, ServerResponse res) throws ApiException {
    String project = req.path().pathParameters().get("project");
    String jwks;
    try {
      jwks = service.custody().jwks(project);
    } catch (CustodyException e) {
      throw custodyError(e);
    }
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.header(HeaderNames.CACHE_CONTROL, "public, max-age=60");
    res.send(jwks.getBytes(StandardCharsets.UTF_8));
  }

  private void keyInfo(RequestContext rc, ServerRequest req, ServerResponse res)
      throws ApiException {
    String project = req.path().pathParameters().get("project");
    String key = req.path().pathParameters().get("key");
    List<VersionRecord> versions;
    try {
      versions = service.custody().versions(project, key);
    } catch (CustodyException e) {
      throw custodyError(e);
    }
    if (versions.isEmpty()) {
      throw new ApiException(404, "not_found", "no key " + project + "/" + key);
    }
    ApiRouting.writeJson(res, 200, keyJson(versions.getLast()));
  }

  /** The public description of a key version. */
  static Map<String, Object> keyJson(VersionRecord v) throws ApiException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("project", v.project());
    m.put("key", v.name());
    m.put("version", v.version());
    m.put("kid", v.keyId());
    m.put("algorithm", v.algorithm().jwa());
    m.put("state", v.state().name().toLowerCase(Locale.ROOT));
    m.put("backend", v.kind().name().toLowerCase(Locale.ROOT));
    m.put(
        "publicKeyPem",
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(v.spki())
            + "\n-----END PUBLIC KEY-----\n");
    try {
      var vk = dev.signet.keys.VerifyingKey.fromSpki(v.spki(), v.display());
      String set =
          dev.signet.keys.VerifyingKey.toJwks(
              List.of(
                  dev.signet.keys.VerifyingKey.of(
                      vk.publicKey(), v.algorithm(), v.keyId(), v.display())));
      m.put("jwk", JsonBody.JSON.readTree(set).get("keys").get(0));
    } catch (KeyException e) {
      throw new ApiException(500, "internal", "internal error");
    }
    m.put("spkiSha256", SigningService.sha256Hex(v.spki()));
    return m;
  }

  // ---- signing -------------------------------------------------------------------------------

  /** A validated signing request, ready for the policy and, later, the key. */
  @SuppressWarnings("ArrayRecordComponent") // the request's own body, never handed out
  record Parsed(
      String kind,
      @Nullable String key,
      Operation operation,
      AuditEvent.Subject subject,
      RequestAttributes attributes,
      byte[] body) {
    String subjectDigest() {
      return subject.digestAlgorithm() + ":" + subject.digest();
    }
  }

  private void sign(String kind, RequestContext rc, ServerRequest req, ServerResponse res)
      throws ApiException {
    String project = req.path().pathParameters().get("project");
    byte[] body = RequestContext.body(req, SigningLimits.MAX_SIGN_BODY_BYTES);
    SigningService.Caller.Ci ci = service.authenticateCi(rc, req, project);
    Origin origin = ci.origin();
    String session = ci.session();
    Parsed p = parse(kind, body);
    String key = resolveKey(project, p.key(), p.operation());
    VersionRecord current = currentVersion(project, key);
    checkAlgorithm(p, current);
    Decision d = service.policies().decide(project, p.operation(), key, origin, p.attributes());
    AuditEvent.Caller caller = Callers.of(origin, service.personal());
    switch (d) {
      case Decision.Deny deny -> {
        service.context().metrics().decision("deny", deny.reason().code());
        service.append(
            service
                .event(AuditEvent.Type.DENIED, rc, project)
                .caller(caller)
                .session(session)
                .subject(p.subject())
                .policy(outcome(d, null))
                .detail("stage", "policy")
                .detail("key", key)
                .detail("message", deny.message())
                .build());
        if (deny.reason() == dev.signet.server.policy.Reason.RATE_LIMITED) {
          throw new ApiException(429, "rate_limited", deny.message());
        }
        throw new ApiException(403, "denied", deny.message());
      }
      case Decision.NeedsApproval na -> {
        Approvals.Submission s =
            service.approvals().submit(na, p.operation(), key, p.subjectDigest(), origin);
        switch (s) {
          case Approvals.Submission.Granted g -> {
            service.context().metrics().decision("allow", "grant");
            Map<String, Object> out =
                signAndRecord(
                    rc,
                    project,
                    key,
                    p,
                    caller,
                    outcome(d, na.rule().rule()),
                    g.grant().id(),
                    null,
                    session);
            ApiRouting.writeJson(res, 200, out);
          }
          case Approvals.Submission.Pending pending -> {
            service.context().metrics().decision("approval", d.reason().code());
            SigningRequest r = pending.request();
            service.stores().pending().put(new PendingStore.Work(r.id(), kind, body));
            service.append(
                service
                    .event(AuditEvent.Type.APPROVAL_REQUESTED, rc, project)
                    .caller(caller)
                    .session(session)
                    .subject(p.subject())
                    .policy(outcome(d, na.rule().rule()))
                    .approvalRequest(r.id())
                    .detail("role", r.approval().role())
                    .detail("quorum", Integer.toString(r.approval().quorum()))
                    .build());
            ApiRouting.writeJson(
                res,
                202,
                Map.of("request", dev.signet.server.admin.AdminRoutes.requestJson(r, null)));
          }
        }
      }
      case Decision.Allow allow -> {
        service.context().metrics().decision("allow", d.reason().code());
        Map<String, Object> out =
            signAndRecord(
                rc, project, key, p, caller, outcome(d, allow.rule().rule()), null, null, session);
        ApiRouting.writeJson(res, 200, out);
      }
    }
  }

  /**
   * Signs an approved request's stored work: called by the vote that completed the quorum. The
   * result is kept for {@code GET /v1/requests/{id}}.
   */
  Map<String, Object> signApproved(
      RequestContext rc, SigningRequest r, AuditEvent.@Nullable Caller caller) throws ApiException {
    PendingStore.Work w =
        service
            .stores()
            .pending()
            .work(r.id())
            .orElseThrow(
                () -> new ApiException(409, "conflict", "request " + r.id() + " has no work"));
    Parsed p = parse(w.kind(), w.body());
    AuditEvent.PolicyOutcome policy =
        new AuditEvent.PolicyOutcome(
            hex(r.policyVersion()), "approval", r.rule().rule(), "approved");
    Map<String, Object> out =
        signAndRecord(rc, r.project(), r.key(), p, caller, policy, null, r.id(), null);
    service.stores().pending().complete(r.id(), JsonBody.JSON.writeValueAsString(out));
    return out;
  }

  /** Signs, appends the SIGNED entry and returns the response: nothing leaves before the append. */
  private Map<String, Object> signAndRecord(
      RequestContext rc,
      String project,
      String keyName,
      Parsed p,
      AuditEvent.@Nullable Caller caller,
      AuditEvent.PolicyOutcome policy,
      @Nullable String grantId,
      @Nullable String approvalRequestId,
      @Nullable String session)
      throws ApiException {
    long start = System.nanoTime();
    Custody.Signer signer;
    try {
      signer = service.custody().signer(project, keyName);
    } catch (CustodyException e) {
      throw custodyError(e);
    }
    SigningKey sk = signer.key();
    VersionRecord v = signer.version();
    Map<String, Object> out = new LinkedHashMap<>();
    String signatureSha256;
    try {
      switch (p.kind()) {
        case "digest" -> {
          byte[] sig = sk.signDigest(HEX.parseHex(p.subject().digest()));
          signatureSha256 = SigningService.sha256Hex(sig);
          out.put("signature", Base64.getEncoder().encodeToString(sig));
        }
        case "message" -> {
          byte[] sig = sk.signMessage(message(p.body()));
          signatureSha256 = SigningService.sha256Hex(sig);
          out.put("signature", Base64.getEncoder().encodeToString(sig));
        }
        case "pipeline" -> {
          String signed = signPipeline(p.body(), sk);
          signatureSha256 = SigningService.sha256Hex(signed.getBytes(StandardCharsets.UTF_8));
          out.put("pipeline", signed);
        }
        case "attestation" -> {
          JsonBody b = JsonBody.parse(p.body(), ATTESTATION_MEMBERS);
          DsseEnvelope env =
              Dsse.sign(
                  sk,
                  b.string("payloadType", 256),
                  base64(b.string("payload", Integer.MAX_VALUE), "payload"));
          signatureSha256 = SigningService.sha256Hex(env.signatures().getFirst().sig());
          // Our own compact JSON goes into the response as it is: parsing it back into a tree only
          // to write it again cost a tenth of the server's CPU per request.
          out.put("envelope", new RawValue(env.toJson()));
        }
        default -> throw new IllegalStateException(p.kind());
      }
    } catch (KeyException e) {
      throw new ApiException(503, "key_unavailable", "the key could not sign: " + e.getMessage());
    }
    out.put("algorithm", v.algorithm().jwa());
    out.put("kid", v.keyId());
    out.put("key", v.name());
    out.put("keyVersion", v.version());
    AuditLog.Appended appended =
        service.append(
            service
                .event(AuditEvent.Type.SIGNED, rc, project)
                .session(session)
                .key(SigningService.auditKey(v))
                .subject(p.subject())
                .signatureSha256(signatureSha256)
                .caller(caller)
                .policy(policy)
                .grant(grantId)
                .approvalRequest(approvalRequestId)
                .build());
    out.put("auditEntry", new String(appended.leaf(), StandardCharsets.UTF_8));
    // Written once, as the envelope above.
    out.put("receipt", new RawValue(appended.receipt().toJson()));
    service
        .context()
        .metrics()
        .signing()
        .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    return out;
  }

  // ---- request bodies ------------------------------------------------------------------------

  private static final Set<String> DIGEST_MEMBERS = Set.of("key", "digest", "name");
  private static final Set<String> MESSAGE_MEMBERS = Set.of("key", "message", "name");
  private static final Set<String> PIPELINE_MEMBERS =
      Set.of("key", "pipeline", "repository", "name");
  private static final Set<String> ATTESTATION_MEMBERS =
      Set.of("key", "payloadType", "payload", "name");

  static Parsed parse(String kind, byte[] body) throws ApiException {
    return switch (kind) {
      case "digest" -> {
        JsonBody b = JsonBody.parse(body, DIGEST_MEMBERS);
        JsonNode d = b.node("digest");
        if (d == null || !d.isObject()) {
          throw JsonBody.bad("digest is required: {\"algorithm\":\"sha256\",\"value\":hex}");
        }
        JsonNode alg = d.get("algorithm");
        JsonNode value = d.get("value");
        if (d.size() != 2 || alg == null || !alg.isString() || value == null || !value.isString()) {
          throw JsonBody.bad("digest must be {\"algorithm\":\"sha256\",\"value\":hex}");
        }
        int len =
            switch (alg.asString()) {
              case "sha256" -> 32;
              case "sha384" -> 48;
              case "sha512" -> 64;
              default -> throw JsonBody.bad("digest.algorithm must be sha256, sha384 or sha512");
            };
        String hex = value.asString().toLowerCase(Locale.ROOT);
        if (hex.length() != 2 * len || !hex.matches("[0-9a-f]+")) {
          throw JsonBody.bad("digest.value must be " + (2 * len) + " hex digits");
        }
        yield new Parsed(
            kind,
            b.optionalString("key", 128),
            Operation.DIGEST,
            new AuditEvent.Subject(
                "digest",
                alg.asString(),
                hex,
                b.optionalString("name", SigningLimits.MAX_NAME_CHARS)),
            RequestAttributes.NONE,
            body);
      }
      case "message" -> {
        JsonBody b = JsonBody.parse(body, MESSAGE_MEMBERS);
        byte[] m = message(body);
        yield new Parsed(
            kind,
            b.optionalString("key", 128),
            Operation.DIGEST,
            new AuditEvent.Subject(
                "message",
                "sha256",
                SigningService.sha256Hex(m),
                b.optionalString("name", SigningLimits.MAX_NAME_CHARS)),
            RequestAttributes.NONE,
            body);
      }
      case "pipeline" -> {
        JsonBody b = JsonBody.parse(body, PIPELINE_MEMBERS);
        String text = b.string("pipeline", Integer.MAX_VALUE);
        b.string("repository", 2048);
        List<Pipeline> docs = pipelines(text);
        List<String> stepKeys = new ArrayList<>();
        for (Pipeline doc : docs) {
          collectKeys(doc.steps(), stepKeys);
        }
        yield new Parsed(
            kind,
            b.optionalString("key", 128),
            Operation.PIPELINE,
            new AuditEvent.Subject(
                "pipeline",
                "sha256",
                SigningService.sha256Hex(text.getBytes(StandardCharsets.UTF_8)),
                b.optionalString("name", SigningLimits.MAX_NAME_CHARS)),
            new RequestAttributes(stepKeys),
            body);
      }
      case "attestation" -> {
        JsonBody b = JsonBody.parse(body, ATTESTATION_MEMBERS);
        String type = b.string("payloadType", 256);
        byte[] payload = base64(b.string("payload", Integer.MAX_VALUE), "payload");
        yield new Parsed(
            kind,
            b.optionalString("key", 128),
            Operation.ATTESTATION,
            new AuditEvent.Subject(
                "attestation",
                "sha256",
                SigningService.sha256Hex(Dsse.pae(type, payload)),
                b.optionalString("name", SigningLimits.MAX_NAME_CHARS)),
            RequestAttributes.NONE,
            body);
      }
      default -> throw new IllegalArgumentException(kind);
    };
  }

  private static byte[] message(byte[] body) throws ApiException {
    JsonBody b = JsonBody.parse(body, MESSAGE_MEMBERS);
    byte[] m = base64(b.string("message", 4 * SigningLimits.MAX_MESSAGE_BYTES), "message");
    if (m.length > SigningLimits.MAX_MESSAGE_BYTES) {
      throw JsonBody.bad("message is larger than " + SigningLimits.MAX_MESSAGE_BYTES + " bytes");
    }
    return m;
  }

  private static byte[] base64(String s, String what) throws ApiException {
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw JsonBody.bad(what + " is not base64");
    }
  }

  private static List<Pipeline> pipelines(String text) throws ApiException {
    try {
      PipelineSigner.refuseInterpolation(text, "pipeline");
      return PipelineParser.parseAll(text, "pipeline", InputLimits.DEFAULT);
    } catch (InputException | PipelineSigningException e) {
      throw JsonBody.bad(SigningService.oneLine(String.valueOf(e.getMessage())));
    }
  }

  private static void collectKeys(List<Step> steps, List<String> out) {
    for (Step s : steps) {
      switch (s) {
        case CommandStep c -> out.add(c.key() == null ? "" : c.key());
        case GroupStep g -> collectKeys(g.steps(), out);
        default -> {}
      }
    }
  }

  /** As {@code signet pipeline sign --format json}: one document's JSON, or an array of them. */
  private static String signPipeline(byte[] body, SigningKey sk) throws ApiException {
    JsonBody b = JsonBody.parse(body, PIPELINE_MEMBERS);
    String text = b.string("pipeline", Integer.MAX_VALUE);
    String repo = b.string("repository", 2048);
    Signer signer = Signer.of(sk);
    List<String> rendered = new ArrayList<>();
    try {
      for (Pipeline doc : pipelines(text)) {
        Pipeline signed =
            PipelineSigner.sign(doc, signer, new PipelineSigner.Options(null, repo, true, null));
        rendered.add(PipelineWriter.toJson(signed));
      }
    } catch (PipelineSigningException e) {
      throw JsonBody.bad(SigningService.oneLine(String.valueOf(e.getMessage())));
    }
    return (rendered.size() == 1 ? rendered.getFirst() : "[" + String.join(",", rendered) + "]")
        + "\n";
  }

  // ---- keys and decisions ----------------------------------------------------------------------

  /**
   * The key to sign with: the one asked for, or, when none is named, the only key the project's
   * rules allow for this operation.
   */
  private String resolveKey(String project, @Nullable String key, Operation operation)
      throws ApiException {
    if (key != null) {
      return key;
    }
    ProjectPolicy policy = service.policies().snapshot().policies().project(project).orElse(null);
    java.util.SortedSet<String> keys = new java.util.TreeSet<>();
    if (policy != null) {
      for (dev.signet.server.policy.Rule rule : policy.rules()) {
        if (rule.operations().contains(operation)) {
          keys.addAll(rule.keys());
        }
      }
    }
    if (keys.size() == 1) {
      return keys.first();
    }
    throw JsonBody.bad(
        "key is required: the policy of project "
            + project
            + " allows "
            + (keys.isEmpty() ? "no key" : "several keys")
            + " for "
            + operation.id());
  }

  private VersionRecord currentVersion(String project, String key) throws ApiException {
    try {
      // One read per request (the current version joined to its key), not every version.
      return service.custody().current(project, key);
    } catch (CustodyException e) {
      throw custodyError(e);
    }
  }

  private static void checkAlgorithm(Parsed p, VersionRecord v) throws ApiException {
    if (!p.kind().equals("digest")) {
      return;
    }
    Algorithm alg = v.algorithm();
    if (!alg.prehashable()) {
      throw JsonBody.bad(
          v.keyId() + " is " + alg.jwa() + ", which cannot sign a digest: use sign/message");
    }
    String want = alg.digest().replace("-", "").toLowerCase(Locale.ROOT);
    if (!want.equals(p.subject().digestAlgorithm())) {
      throw JsonBody.bad(v.keyId() + " is " + alg.jwa() + ": give a " + want + " digest");
    }
  }

  static AuditEvent.PolicyOutcome outcome(Decision d, @Nullable String rule) {
    String decision =
        switch (d) {
          case Decision.Allow a -> "allow";
          case Decision.Deny x -> "deny";
          case Decision.NeedsApproval n -> "approval";
        };
    String r = rule;
    if (d instanceof Decision.Deny deny) {
      r = deny.failures().getFirst().rule();
    }
    return new AuditEvent.PolicyOutcome(hex(d.version()), decision, r, d.reason().code());
  }

  /** The policy version as the audit log records it: the hex digest without its prefix. */
  static String hex(dev.signet.server.policy.PolicyVersion v) {
    return v.value().substring("sha256:".length());
  }

  static ApiException custodyError(CustodyException e) {
    String m = SigningService.oneLine(String.valueOf(e.getMessage()));
    return switch (e.reason()) {
      case INVALID -> new ApiException(400, "bad_request", m);
      case UNKNOWN_KEY -> new ApiException(404, "not_found", m);
      case EXISTS, CONFLICT, NOT_ALLOWED -> new ApiException(409, "conflict", m);
      case RETIRED, REVOKED -> new ApiException(409, "key_not_signing", m);
      case LIMIT -> new ApiException(409, "limit", m);
      case UNSEAL_FAILED, UNAVAILABLE ->
          new ApiException(503, "key_unavailable", "the key cannot be used now");
    };
  }
}
