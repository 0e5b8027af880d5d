package dev.signet.server.signing;

import dev.signet.server.ServerContext;
import dev.signet.server.ServerException;
import dev.signet.server.ServerLimits;
import dev.signet.server.approval.Approvals;
import dev.signet.server.approval.Identity;
import dev.signet.server.approval.PrincipalStore;
import dev.signet.server.approval.PrincipalTokens;
import dev.signet.server.audit.AuditEvent;
import dev.signet.server.audit.AuditException;
import dev.signet.server.audit.AuditLog;
import dev.signet.server.audit.Callers;
import dev.signet.server.audit.PersonalData;
import dev.signet.server.custody.Custody;
import dev.signet.server.custody.CustodyKind;
import dev.signet.server.custody.VersionRecord;
import dev.signet.server.http.ApiException;
import dev.signet.server.http.RequestContext;
import dev.signet.server.origin.ClientCertificateVerifier;
import dev.signet.server.origin.IssuerConfig;
import dev.signet.server.origin.OidcVerifier;
import dev.signet.server.origin.Origin;
import dev.signet.server.origin.OriginConfigException;
import dev.signet.server.origin.OriginException;
import dev.signet.server.origin.OriginVerifier;
import dev.signet.server.origin.ProjectTokens;
import dev.signet.server.policy.IssuerVocabularies;
import dev.signet.server.policy.PolicyEngine;
import dev.signet.server.policy.PolicySet;
import dev.signet.server.policy.PolicySnapshot;
import dev.signet.server.session.SessionException;
import dev.signet.server.session.Sessions;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The parts of the service the API routes share: configuration (issuers, policies, client CA),
 * authentication of every request, custody, approvals and the audit trail of each decision. Built
 * once per server by {@link SigningModule}.
 */
public final class SigningService {
  /** Prefix of admin and approver tokens: {@code sga_<id>_<secret>}. */
  public static final String PRINCIPAL_TOKEN_PREFIX = PrincipalTokens.PREFIX;

  /** Prefix of the first admin token the server prints at its first start. */
  static final String FIRST_ADMIN_TOKEN_PREFIX = "signet_admin_";

  public static final String ADMIN_ROLE = PrincipalStore.ADMIN_ROLE;

  /** Top-level keys of the configuration file that the policy parser leaves to their owners. */
  private static final Set<String> SIBLING_KEYS =
      Set.of("server", "database", "log", "custody", "issuers", "audit", "sessions");

  private static final HexFormat HEX = HexFormat.of();

  private final ServerContext context;
  private final ApiStores stores;
  private final Clock clock;
  private final PersonalData personal;
  private final List<IssuerConfig> issuers;
  private final IssuerVocabularies vocabularies;
  private final OriginVerifier origins;
  private final ProjectTokens projectTokens;
  private final Custody custody;
  private final PolicyEngine policies;
  private final Approvals approvals;
  private final PrincipalTokens principalTokens;
  private final Sessions sessions;
  private final @Nullable Path configFile;
  private final Object reloadLock = new Object();

  private SigningService(
      ServerContext context,
      ApiStores stores,
      Clock clock,
      List<IssuerConfig> issuers,
      @Nullable ClientCertificateVerifier certificates,
      @Nullable Path configFile,
      Sessions.Settings sessionSettings)
      throws ServerException {
    this.context = context;
    this.stores = stores;
    this.clock = clock;
    this.personal = context.personalData();
    this.issuers = List.copyOf(issuers);
    this.vocabularies = vocabularies(this.issuers);
    this.configFile = configFile;
    this.projectTokens = new ProjectTokens(stores.stores().projectTokens(), clock);
    this.principalTokens = new PrincipalTokens(stores.stores().principals(), clock);
    this.sessions = new Sessions(stores.stores().sessions(), clock, sessionSettings);
    OidcVerifier oidc;
    try {
      oidc =
          issuers.isEmpty()
              ? null
              : new OidcVerifier(issuers, stores.stores().replayGuard(), clock);
    } catch (OriginConfigException e) {
      throw new ServerException("issuers: " + e.getMessage(), e);
    }
    this.origins = new OriginVerifier(oidc, projectTokens, certificates);
    // The master key belongs to the server, which closes it after this service's custody.
    this.custody =
        new Custody(stores.stores().custody(), context.masterKey(), clock, context.hsm());
    PolicySet initial = readPolicies();
    this.policies =
        new PolicyEngine(initial, policySource(), stores.stores().policyHistory(), clock);
    this.approvals =
        new Approvals(
            stores.stores().requests(),
            stores.stores().grants(),
            stores.stores().principals(),
            clock);
  }

  /** Reads the {@code issuers} and {@code projects} sections and the client CA. */
  public static SigningService create(ServerContext context, ApiStores stores, Clock clock)
      throws ServerException {
    String source = context.config().source();
    List<IssuerConfig> issuers =
        IssuersConfig.parse(context.config().otherSections().get("issuers"), source);
    ClientCertificateVerifier certs = null;
    Path ca = context.config().clientCa();
    if (ca != null) {
      try {
        certs = new ClientCertificateVerifier(certificates(ca), List.of(), clock);
      } catch (OriginConfigException e) {
        throw new ServerException(ca + ": " + e.getMessage(), e);
      }
    }
    Path file = source.equals("<defaults>") ? null : Path.of(source);
    Sessions.Settings sessions =
        SessionsConfig.parse(context.config().otherSections().get("sessions"), source);
    return new SigningService(context, stores, clock, issuers, certs, file, sessions);
  }

  // ---- configuration -------------------------------------------------------------------------

  /**
   * The policy vocabulary of each configured issuer: its preset's, or any claim for a custom one.
   */
  static IssuerVocabularies vocabularies(List<IssuerConfig> issuers) {
    return name -> {
      for (IssuerConfig c : issuers) {
        if (c.name().equals(name)) {
          var p = c.preset();
          if (p == null) {
            // A custom issuer: its claims are unknown to us, so a policy may name any of them.
            return Optional.of(new IssuerVocabularies.Vocabulary(Set.of(), Set.of(), Set.of("")));
          }
          return Optional.of(IssuerVocabularies.Vocabulary.of(p));
        }
      }
      return Optional.empty();
    };
  }

  private String policySource() {
    return configFile == null ? "<defaults>" : configFile.toString();
  }

  /** The {@code projects:} section of the configuration file as it is now on disk. */
  private PolicySet readPolicies() throws ServerException {
    if (configFile == null) {
      return PolicySet.EMPTY;
    }
    String text;
    try (InputStream in = Files.newInputStream(configFile)) {
      byte[] b = in.readNBytes(ServerLimits.MAX_CONFIG_BYTES + 1);
      if (b.length > ServerLimits.MAX_CONFIG_BYTES) {
        throw new ServerException(
            configFile
                + ": configuration is larger than "
                + ServerLimits.MAX_CONFIG_BYTES
                + " bytes");
      }
      text = new String(b, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ServerException(configFile + ": cannot read: " + e.getMessage(), e);
    }
    try {
      return PolicySet.parseConfig(text, configFile.toString(), SIBLING_KEYS, vocabularies);
    } catch (dev.signet.input.InputException e) {
      throw new ServerException(String.valueOf(e.getMessage()), e);
    }
  }

  /** Told a reload's versions before it takes effect; throwing stops the reload. */
  @FunctionalInterface
  public interface BeforeReload {
    void announce(String previous, String next) throws ApiException;
  }

  /**
   * Re-reads the policies and, when the version changes, calls {@code before} (which appends the
   * POLICY_CHANGED entry) before any decision can use the new version; the old policy stays on a
   * parse error or when {@code before} throws.
   */
  public PolicySnapshot reloadPolicies(BeforeReload before) throws ServerException, ApiException {
    synchronized (reloadLock) {
      PolicySet next = readPolicies();
      String previous = policies.snapshot().version().value();
      String version = next.version().value();
      if (!version.equals(previous)) {
        before.announce(previous, version);
      }
      return policies.reload(next, policySource());
    }
  }

  /** Re-reads the policies from the configuration file; the old ones stay on any error. */
  public PolicySnapshot reloadPolicies() throws ServerException {
    synchronized (reloadLock) {
      PolicySet next = readPolicies();
      return policies.reload(next, policySource());
    }
  }

  private static List<X509Certificate> certificates(Path file) throws ServerException {
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> out = new ArrayList<>();
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new ServerException(file + ": holds no certificate");
      }
      return List.copyOf(out);
    } catch (IOException | CertificateException e) {
      throw new ServerException(file + ": cannot read the client CA certificates", e);
    }
  }

  // ---- accessors for the routes --------------------------------------------------------------

  public Custody custody() {
    return custody;
  }

  /** The backend of keys created without naming one: {@code custody.keys}. */
  public CustodyKind defaultKeyKind() {
    return context.config().custody().keys();
  }

  public PolicyEngine policies() {
    return policies;
  }

  public Approvals approvals() {
    return approvals;
  }

  public ProjectTokens projectTokens() {
    return projectTokens;
  }

  public Sessions sessions() {
    return sessions;
  }

  public ApiStores stores() {
    return stores;
  }

  public Clock clock() {
    return clock;
  }

  public ServerContext context() {
    return context;
  }

  public PersonalData personal() {
    return personal;
  }

  public List<IssuerConfig> issuers() {
    return issuers;
  }

  // ---- authentication ------------------------------------------------------------------------

  /** Who sent a request: a CI job (verified origin) or a person (admin or approver principal). */
  public sealed interface Caller {
    /**
     * A CI job.
     *
     * @param session the session the request came through ({@code sgs_} token), or null when it
     *     presented its credentials itself
     */
    record Ci(Origin origin, @Nullable String session) implements Caller {
      public Ci(Origin origin) {
        this(origin, null);
      }
    }

    record Person(String name, Set<String> roles) implements Caller {
      public Person {
        roles = Set.copyOf(roles);
      }
    }
  }

  /**
   * Authenticates the request. Every failure is a 401 naming the reason (never the token) and a
   * DENIED entry in the audit log.
   *
   * @param project the project the route is about, for the audit entry, or null
   */
  public Caller authenticate(RequestContext rc, ServerRequest request, @Nullable String project)
      throws ApiException {
    return authenticate(rc, request, project, Use.LOOK);
  }

  /** What a request does with a session token. */
  private enum Use {
    /** Reads (a request's status) or revokes: takes no use. */
    LOOK,
    /** Signs: takes one of the session's uses. */
    SIGN,
    /** Opens a session: a session token is refused (no chaining, no extension). */
    EXCHANGE
  }

  private Caller authenticate(
      RequestContext rc, ServerRequest request, @Nullable String project, Use use)
      throws ApiException {
    Optional<String> header = request.headers().first(HeaderNames.AUTHORIZATION);
    String bearer = null;
    if (header.isPresent()) {
      String h = header.get();
      if (h.length() > SigningLimits.MAX_AUTHORIZATION_CHARS) {
        throw unauthenticated(rc, project, "malformed", "the Authorization header is too long");
      }
      if (h.length() < 8 || !h.substring(0, 7).equalsIgnoreCase("Bearer ")) {
        throw unauthenticated(
            rc, project, "malformed", "the Authorization header must be Bearer <token>");
      }
      bearer = h.substring(7).strip();
      if (bearer.isEmpty()) {
        throw unauthenticated(rc, project, "malformed", "the bearer token is empty");
      }
    }
    if (bearer != null
        && (bearer.startsWith(PRINCIPAL_TOKEN_PREFIX)
            || bearer.startsWith(FIRST_ADMIN_TOKEN_PREFIX))) {
      return principal(rc, project, bearer);
    }
    if (bearer != null && Sessions.looksLikeSession(bearer)) {
      if (use == Use.EXCHANGE) {
        throw unauthenticated(
            rc, project, "not_accepted", "a session token cannot open another session");
      }
      return session(rc, project, bearer, use == Use.SIGN);
    }
    String projectToken = null;
    String idToken = null;
    if (bearer != null) {
      if (ProjectTokens.looksLikeProjectToken(bearer)) {
        projectToken = bearer;
      } else {
        idToken = bearer;
      }
    }
    Origin origin;
    try {
      origin = origins.verify(idToken, projectToken, rc.peerCertificates());
    } catch (OriginException e) {
      throw unauthenticated(
          rc, project, e.reason().name().toLowerCase(Locale.ROOT), String.valueOf(e.getMessage()));
    }
    if (origin.credentials().isEmpty()) {
      throw unauthenticated(
          rc,
          project,
          "no_credentials",
          "present an OIDC ID token, a project token or a client certificate");
    }
    return new Caller.Ci(origin);
  }

  /**
   * Authenticates a CI caller of a signing request; a person's token is refused here. A session
   * token gives its stored origin and spends one of its uses.
   */
  public Caller.Ci authenticateCi(RequestContext rc, ServerRequest request, String project)
      throws ApiException {
    Caller c = authenticate(rc, request, project, Use.SIGN);
    if (c instanceof Caller.Ci ci) {
      return ci;
    }
    throw unauthenticated(
        rc, project, "not_accepted", "admin and approver tokens cannot ask for signatures");
  }

  /**
   * Authenticates the exchange of CI credentials for a session: exactly like a signing request,
   * except that a session token is refused.
   */
  public Origin authenticateExchange(RequestContext rc, ServerRequest request, String project)
      throws ApiException {
    Caller c = authenticate(rc, request, project, Use.EXCHANGE);
    if (c instanceof Caller.Ci ci) {
      return ci.origin();
    }
    throw unauthenticated(
        rc, project, "not_accepted", "admin and approver tokens cannot open sessions");
  }

  private Caller.Ci session(
      RequestContext rc, @Nullable String project, String bearer, boolean spend)
      throws ApiException {
    List<X509Certificate> peer = rc.peerCertificates();
    String certificate = null;
    if (!peer.isEmpty()) {
      try {
        certificate = sha256Hex(peer.getFirst().getEncoded());
      } catch (java.security.cert.CertificateEncodingException e) {
        throw unauthenticated(rc, project, "malformed", "the client certificate cannot be read");
      }
    }
    try {
      Sessions.Session s = sessions.authenticate(bearer, project, certificate, spend);
      return new Caller.Ci(s.origin(), s.id());
    } catch (SessionException e) {
      if (e.reason() == SessionException.Reason.UNAVAILABLE) {
        appendQuietly(
            event(AuditEvent.Type.DENIED, rc, project)
                .detail("stage", "authentication")
                .detail("reason", "session_store_unavailable")
                .build());
        throw new ApiException(503, "unavailable", "the session store is unavailable");
      }
      throw unauthenticated(
          rc, project, "session_" + e.reason().name().toLowerCase(Locale.ROOT), e.getMessage());
    }
  }

  /** Authenticates a person holding {@code role} (or the admin role). */
  public Caller.Person authenticatePerson(
      RequestContext rc, ServerRequest request, @Nullable String project, String role)
      throws ApiException {
    Caller c = authenticate(rc, request, project);
    if (!(c instanceof Caller.Person p)) {
      throw unauthenticated(rc, project, "not_accepted", "this route needs an admin token");
    }
    if (!p.roles().contains(role) && !p.roles().contains(ADMIN_ROLE)) {
      AuditEvent e =
          event(AuditEvent.Type.DENIED, rc, project)
              .caller(Callers.principal(p.name(), personal))
              .detail("stage", "authorization")
              .detail("reason", "missing_role")
              .build();
      appendQuietly(e);
      context.metrics().decision("deny", "missing_role");
      throw new ApiException(403, "forbidden", "this route needs the role " + role);
    }
    return p;
  }

  private Caller.Person principal(RequestContext rc, @Nullable String project, String token)
      throws ApiException {
    Optional<PrincipalStore.Principal> p;
    try {
      p = principalTokens.authenticate(token);
    } catch (RuntimeException e) {
      throw new ApiException(503, "unavailable", "the principal store is unavailable");
    }
    if (p.isEmpty()) {
      // One answer whatever the reason (unknown, revoked, expired, disabled): nothing to probe.
      throw unauthenticated(
          rc, project, "unknown_token", "unknown, revoked or expired admin token");
    }
    return new Caller.Person(p.get().name(), p.get().roles());
  }

  private ApiException unauthenticated(
      RequestContext rc, @Nullable String project, String reason, String message) {
    String m = oneLine(message);
    AuditEvent e =
        event(AuditEvent.Type.DENIED, rc, project)
            .detail("stage", "authentication")
            .detail("reason", reason)
            .detail("message", m)
            .build();
    context.metrics().decision("unauthenticated", reason);
    try {
      append(e);
    } catch (ApiException failed) {
      return failed;
    }
    return new ApiException(401, "unauthenticated", reason + ": " + m);
  }

  /** The identity a caller votes (or polls) as. */
  public static Identity identity(Caller caller) {
    return switch (caller) {
      case Caller.Person p -> Identity.admin(p.name());
      case Caller.Ci ci -> Identity.of(ci.origin().credentials().getFirst());
    };
  }

  public AuditEvent.@Nullable Caller auditCaller(Caller caller) {
    return switch (caller) {
      case Caller.Person p -> Callers.principal(p.name(), personal);
      case Caller.Ci ci -> Callers.of(ci.origin(), personal);
    };
  }

  // ---- audit ---------------------------------------------------------------------------------

  /** Appends and returns the leaf and receipt; 503 when the log cannot record it (fail closed). */
  public AuditLog.Appended append(AuditEvent event) throws ApiException {
    try {
      return context.auditLog().append(event);
    } catch (AuditException e) {
      throw new ApiException(
          503, "audit_unavailable", "the audit log cannot record the request; nothing was done");
    }
  }

  /** For entries whose failure must not hide the original error (a denial stays a denial). */
  void appendQuietly(AuditEvent event) {
    try {
      context.auditLog().append(event);
    } catch (AuditException e) {
      // The request is refused either way; the log's own error is logged by the log.
    }
  }

  public EventBuilder event(AuditEvent.Type type, RequestContext rc, @Nullable String project) {
    return new EventBuilder(type, clock.instant(), rc.requestId(), project);
  }

  /** Builds an {@link AuditEvent} field by field. */
  public static final class EventBuilder {
    private final AuditEvent.Type type;
    private final java.time.Instant time;
    private final String requestId;
    private final @Nullable String project;
    private AuditEvent.@Nullable Key key;
    private AuditEvent.@Nullable Subject subject;
    private @Nullable String signatureSha256;
    private AuditEvent.@Nullable Caller caller;
    private AuditEvent.@Nullable PolicyOutcome policy;
    private @Nullable String approvalRequestId;
    private @Nullable String grantId;
    private final Map<String, String> details = new java.util.LinkedHashMap<>();

    EventBuilder(
        AuditEvent.Type type, java.time.Instant time, String requestId, @Nullable String project) {
      this.type = type;
      this.time = time;
      this.requestId = requestId;
      this.project = project;
    }

    public EventBuilder key(AuditEvent.@Nullable Key k) {
      key = k;
      return this;
    }

    public EventBuilder subject(AuditEvent.@Nullable Subject s) {
      subject = s;
      return this;
    }

    public EventBuilder signatureSha256(@Nullable String s) {
      signatureSha256 = s;
      return this;
    }

    public EventBuilder caller(AuditEvent.@Nullable Caller c) {
      caller = c;
      return this;
    }

    public EventBuilder policy(AuditEvent.@Nullable PolicyOutcome p) {
      policy = p;
      return this;
    }

    public EventBuilder approvalRequest(@Nullable String id) {
      approvalRequestId = id;
      return this;
    }

    public EventBuilder grant(@Nullable String id) {
      grantId = id;
      return this;
    }

    /** Marks an entry of a request made through a session ({@code details.session}). */
    public EventBuilder session(@Nullable String id) {
      if (id != null) {
        details.put("session", id);
      }
      return this;
    }

    public EventBuilder detail(String name, String value) {
      details.put(name, value.length() > 512 ? value.substring(0, 512) + "…" : value);
      return this;
    }

    public AuditEvent build() {
      return new AuditEvent(
          type,
          time,
          requestId,
          project,
          key,
          subject,
          signatureSha256,
          caller,
          policy,
          approvalRequestId,
          grantId,
          details);
    }
  }

  /** The audit entry's description of a key version. */
  public static AuditEvent.Key auditKey(VersionRecord v) {
    return new AuditEvent.Key(
        v.name(), v.version(), v.keyId(), v.algorithm().jwa(), HEX.formatHex(sha256(v.spki())));
  }

  // ---- helpers -------------------------------------------------------------------------------

  public static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }

  public static String sha256Hex(byte[] data) {
    return HEX.formatHex(sha256(data));
  }

  static String oneLine(String s) {
    return s.replaceAll("\\s*\\R\\s*", " ").strip();
  }

  /** A new principal and its token (shown once; the store keeps only the secret's SHA-256). */
  public String createPrincipal(String name, Set<String> roles) throws ApiException {
    PrincipalStore store = stores.stores().principals();
    if (!store.add(new PrincipalStore.Principal(name, roles, clock.instant(), null))) {
      throw new ApiException(409, "conflict", "principal " + name + " exists");
    }
    return principalTokens.issue(name, SigningLimits.PRINCIPAL_TOKEN_LIFETIME).token();
  }
}
