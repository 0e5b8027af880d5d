package dev.signet.server.audit;

import dev.signet.json.Jcs;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonInteger;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import java.math.BigInteger;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One leaf of the audit log: a request, a decision, an approval, a key or policy event. The leaf
 * bytes are the RFC 8785 canonical JSON of {@link #toJson()}, so anyone can recompute a leaf hash
 * from the entry they were given, and an entry never contains a raw newline (the log export is one
 * leaf per line).
 *
 * <p>What goes in is chosen, not dumped: verified claims from an allow-list ({@link Caller}), the
 * digest of what was signed, never the artifact, never a token, never key material. Personal data
 * (logins, e-mail addresses) goes in as a salted HMAC (see {@link PersonalData}), so the log proves
 * who acted without publishing who they are.
 *
 * @param type what happened
 * @param time when the service decided it, truncated to milliseconds
 * @param requestId the HTTP request id, joining this entry to the server's access log
 * @param project the project concerned, if any
 * @param key the key version concerned, if any
 * @param subject what was (or was to be) signed, if anything
 * @param signatureSha256 lowercase hex SHA-256 of the signature bytes returned, for SIGNED
 * @param caller the verified origin of the request, if there was one
 * @param policy the decision and the policy version it was made under, if a policy decided
 * @param approvalRequestId the pending request this entry belongs to, if any
 * @param grantId the grant that was issued or consumed, if any
 * @param details event-specific facts (e.g. {@code effectiveAt} of a revocation), string-valued
 */
public record AuditEvent(
    Type type,
    Instant time,
    String requestId,
    @Nullable String project,
    @Nullable Key key,
    @Nullable Subject subject,
    @Nullable String signatureSha256,
    @Nullable Caller caller,
    @Nullable PolicyOutcome policy,
    @Nullable String approvalRequestId,
    @Nullable String grantId,
    Map<String, String> details) {

  /** Leaf format version; bumped when a field changes meaning. */
  public static final int VERSION = 1;

  /** Tiles store entries with a uint16 length; a leaf must fit (C2SP tlog-tiles). */
  public static final int MAX_LEAF_BYTES = 64 * 1024 - 1;

  public AuditEvent {
    time = time.truncatedTo(ChronoUnit.MILLIS);
    details = Map.copyOf(details);
  }

  /** What an entry records. */
  public enum Type {
    SERVER_STARTED,
    SIGN_REQUESTED,
    SIGNED,
    DENIED,
    APPROVAL_REQUESTED,
    APPROVED,
    APPROVAL_DENIED,
    REQUEST_EXPIRED,
    GRANT_ISSUED,
    GRANT_CONSUMED,
    GRANT_REVOKED,
    KEY_CREATED,
    KEY_ROTATED,
    KEY_RETIRED,
    KEY_REVOKED,
    POLICY_CHANGED,
    TOKEN_ISSUED,
    TOKEN_REVOKED,
    PRINCIPAL_CREATED,
    ADMIN_TOKEN_ISSUED,
    SESSION_ISSUED,
    SESSION_REVOKED,
    /** An admin change whose entry was appended first did not take effect (details.change). */
    ADMIN_CHANGE_FAILED
  }

  /** A key version: enough to find its public key in the project's JWKS and to pin it. */
  public record Key(String name, int version, String kid, String algorithm, String spkiSha256) {}

  /**
   * What was signed.
   *
   * @param kind {@code digest}, {@code message}, {@code pipeline}, {@code attestation} or {@code
   *     image}
   * @param digestAlgorithm e.g. {@code sha256}
   * @param digest lowercase hex digest of the artifact, message, pipeline payload or envelope PAE
   * @param name a caller-supplied label (file name, image reference), bounded, may be null
   */
  public record Subject(
      String kind, String digestAlgorithm, String digest, @Nullable String name) {}

  /**
   * The verified caller.
   *
   * @param methods the verified credential kinds, e.g. {@code [oidc, mtls]}
   * @param claims allow-listed OIDC claims (personal ones already HMAC'd) plus {@code iss}
   * @param certificateSha256 hex SHA-256 of the client certificate, if one was verified
   * @param tokenId the public id of a project token, never its secret
   * @param principal an admin or approver principal name, HMAC'd when personal
   */
  public record Caller(
      List<String> methods,
      Map<String, String> claims,
      @Nullable String certificateSha256,
      @Nullable String tokenId,
      @Nullable String principal) {
    public Caller {
      methods = List.copyOf(methods);
      claims = Map.copyOf(claims);
    }
  }

  /**
   * A policy decision.
   *
   * @param versionSha256 hex SHA-256 of the policy set the decision was made under
   * @param decision {@code allow}, {@code deny} or {@code approval}
   * @param rule the rule that decided, if one did
   * @param reason the stable reason code (as in metrics)
   */
  public record PolicyOutcome(
      String versionSha256, String decision, @Nullable String rule, @Nullable String reason) {}

  /** The entry as JSON: members in a fixed order, nulls left out. */
  public JsonObject toJson() {
    JsonObject.Builder b =
        JsonObject.builder()
            .put("v", new JsonInteger(BigInteger.valueOf(VERSION)))
            .put("type", type.name())
            .put("time", time.toString())
            .put("requestId", requestId);
    putIfPresent(b, "project", project);
    if (key != null) {
      b.put(
          "key",
          JsonObject.builder()
              .put("name", key.name())
              .put("version", new JsonInteger(BigInteger.valueOf(key.version())))
              .put("kid", key.kid())
              .put("algorithm", key.algorithm())
              .put("spkiSha256", key.spkiSha256())
              .build());
    }
    if (subject != null) {
      JsonObject.Builder s =
          JsonObject.builder()
              .put("kind", subject.kind())
              .put("digestAlgorithm", subject.digestAlgorithm())
              .put("digest", subject.digest());
      putIfPresent(s, "name", subject.name());
      b.put("subject", s.build());
    }
    putIfPresent(b, "signatureSha256", signatureSha256);
    if (caller != null) {
      JsonObject.Builder c =
          JsonObject.builder()
              .put(
                  "methods",
                  new JsonArray(
                      caller.methods().stream().map(m -> (JsonValue) new JsonString(m)).toList()))
              .put("claims", strings(caller.claims()));
      putIfPresent(c, "certificateSha256", caller.certificateSha256());
      putIfPresent(c, "tokenId", caller.tokenId());
      putIfPresent(c, "principal", caller.principal());
      b.put("caller", c.build());
    }
    if (policy != null) {
      JsonObject.Builder p =
          JsonObject.builder()
              .put("versionSha256", policy.versionSha256())
              .put("decision", policy.decision());
      putIfPresent(p, "rule", policy.rule());
      putIfPresent(p, "reason", policy.reason());
      b.put("policy", p.build());
    }
    putIfPresent(b, "approvalRequestId", approvalRequestId);
    putIfPresent(b, "grantId", grantId);
    if (!details.isEmpty()) {
      b.put("details", strings(details));
    }
    return b.build();
  }

  /**
   * The leaf bytes: canonical JSON (RFC 8785).
   *
   * @throws IllegalArgumentException when the entry exceeds {@link #MAX_LEAF_BYTES}; callers bound
   *     every caller-supplied field long before that, so this is a programming error
   */
  public byte[] leaf() {
    byte[] bytes = Jcs.canonicalize(toJson());
    if (bytes.length > MAX_LEAF_BYTES) {
      throw new IllegalArgumentException(
          "audit entry of " + bytes.length + " bytes exceeds " + MAX_LEAF_BYTES);
    }
    return bytes;
  }

  private static JsonObject strings(Map<String, String> map) {
    JsonObject.Builder b = JsonObject.builder();
    new TreeMap<>(map).forEach(b::put);
    return b.build();
  }

  private static void putIfPresent(JsonObject.Builder b, String name, @Nullable String value) {
    if (value != null) {
      b.put(name, value);
    }
  }
}
