package dev.signet.server.session;

import dev.signet.server.origin.Credential;
import dev.signet.server.origin.Origin;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Short-lived session tokens for CI callers (landscape notes §5.5 step 8): a job proves its origin
 * once (OIDC token, project token, client certificate) and gets {@code sgs_<id>_<secret>}, bounded
 * by time and by a number of signing requests, bound to one project and, when the exchange
 * presented one, to the client certificate. Every later request then costs a hash comparison and a
 * map lookup instead of a JWS verification and a replay-guard insert.
 *
 * <p>The token has the shape of project and principal tokens (64-bit public id, 256-bit secret from
 * {@link SecureRandom}, only SHA-256 of the secret stored; see {@code origin.ProjectTokens} for why
 * a fast hash is right for random secrets).
 *
 * <p>Uses across processes: each process caches the sessions it validated and takes uses from the
 * database in batches ({@link SessionStore#reserve}, at most {@link
 * SessionLimits#RESERVATION_BATCH}); the total handed out never exceeds {@code maxUses}, and a
 * process that dies loses the rest of its batch (fewer uses, never more). A revocation made
 * elsewhere is seen at this process's next reservation, and at the latest {@link
 * SessionLimits#RECHECK_INTERVAL} after it, when the cached row is read again.
 */
public final class Sessions {
  public static final String PREFIX = "sgs_";

  private static final Pattern FORMAT = Pattern.compile("sgs_([0-9a-f]{16})_([0-9a-f]{64})");
  private static final HexFormat HEX = HexFormat.of();

  /**
   * The operator's bounds (configuration section {@code sessions}), within {@link SessionLimits}.
   *
   * @param enabled false: no exchange, and no session token is accepted; every request carries its
   *     own credentials
   * @param maxTtl the longest lifetime a session gets; a longer ask is shortened to it
   * @param maxUses the most signing requests a session gets; a larger ask is lowered to it
   */
  public record Settings(boolean enabled, Duration maxTtl, int maxUses) {
    public Settings {
      if (!maxTtl.isPositive() || maxTtl.compareTo(SessionLimits.MAX_TTL) > 0) {
        throw new IllegalArgumentException(
            "maxTtl must be from 1 s to " + SessionLimits.MAX_TTL.toMinutes() + " min");
      }
      if (maxUses < 1 || maxUses > SessionLimits.MAX_MAX_USES) {
        throw new IllegalArgumentException("maxUses must be 1.." + SessionLimits.MAX_MAX_USES);
      }
    }

    public static Settings defaults() {
      return new Settings(true, SessionLimits.MAX_TTL, SessionLimits.MAX_MAX_USES);
    }
  }

  private final SessionStore store;
  private final Clock clock;
  private final Settings settings;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  public Sessions(SessionStore store, Clock clock) {
    this(store, clock, Settings.defaults());
  }

  public Sessions(SessionStore store, Clock clock, Settings settings) {
    this.store = store;
    this.clock = clock;
    this.settings = settings;
  }

  public Settings settings() {
    return settings;
  }

  /** Whether a bearer credential is meant as a session token. */
  public static boolean looksLikeSession(String bearer) {
    return bearer.startsWith(PREFIX);
  }

  /** The public id and the secret (still hex) of a well-formed session token. */
  record Parsed(String id, String secretHex) {
    @Override
    public String toString() {
      return "Parsed[" + id + "]";
    }
  }

  /** Parses a bearer that should be a session token; the message never echoes it. */
  static Parsed parse(String bearer) throws SessionException {
    if (bearer.length() > SessionLimits.MAX_TOKEN_CHARS) {
      throw new SessionException(
          SessionException.Reason.MALFORMED,
          "the session token is longer than " + SessionLimits.MAX_TOKEN_CHARS + " characters");
    }
    Matcher m = FORMAT.matcher(bearer);
    if (!m.matches()) {
      throw new SessionException(
          SessionException.Reason.MALFORMED, "not a session token (sgs_<id>_<secret>)");
    }
    return new Parsed(m.group(1), m.group(2));
  }

  /** A new session: {@code token} is shown once and never stored. */
  public record Issued(String token, StoredSession session) {
    @Override
    public String toString() {
      return "Issued[" + session.id() + "]";
    }
  }

  /** A session token that checked out: the exchange's origin, re-used for this request. */
  public record Session(String id, String project, Origin origin) {}

  /**
   * Issues a session for {@code origin} on {@code project}.
   *
   * @param ttl the asked lifetime, or null for {@link SessionLimits#DEFAULT_TTL}; at most {@link
   *     SessionLimits#MAX_TTL}, and cut to the OIDC token's expiry plus {@link
   *     SessionLimits#BEYOND_TOKEN_EXPIRY}, a project token's expiry and {@code
   *     certificateNotAfter}
   * @param maxUses the asked number of signing requests, or null for {@link
   *     SessionLimits#DEFAULT_MAX_USES}; both are then lowered to the {@link Settings}
   * @param certificateNotAfter the presented client certificate's end of validity, if any
   */
  public Issued issue(
      String project,
      Origin origin,
      @Nullable Duration ttl,
      @Nullable Integer maxUses,
      @Nullable Instant certificateNotAfter)
      throws SessionException {
    Duration lifetime = ttl == null ? SessionLimits.DEFAULT_TTL : ttl;
    if (!lifetime.isPositive() || lifetime.compareTo(SessionLimits.MAX_TTL) > 0) {
      throw new SessionException(
          SessionException.Reason.OUT_OF_BOUNDS,
          "ttlSeconds must be between 1 and " + SessionLimits.MAX_TTL.toSeconds());
    }
    int uses = maxUses == null ? SessionLimits.DEFAULT_MAX_USES : maxUses;
    if (uses < 1 || uses > SessionLimits.MAX_MAX_USES) {
      throw new SessionException(
          SessionException.Reason.OUT_OF_BOUNDS,
          "maxUses must be between 1 and " + SessionLimits.MAX_MAX_USES);
    }
    if (!settings.enabled()) {
      throw new SessionException(
          SessionException.Reason.DISABLED, "sessions are disabled on this server");
    }
    lifetime = lifetime.compareTo(settings.maxTtl()) > 0 ? settings.maxTtl() : lifetime;
    uses = Math.min(uses, settings.maxUses());
    if (origin.credentials().isEmpty()) {
      throw new IllegalArgumentException("a session needs a verified origin");
    }
    Instant now = clock.instant();
    Instant expires = now.plus(lifetime);
    String certificate = null;
    String projectToken = null;
    for (Credential c : origin.credentials()) {
      switch (c) {
        case Credential.Oidc o ->
            expires = earliest(expires, o.expiresAt().plus(SessionLimits.BEYOND_TOKEN_EXPIRY));
        case Credential.ProjectToken t -> {
          expires = earliest(expires, t.expiresAt());
          projectToken = t.tokenId();
        }
        case Credential.Certificate cert -> certificate = cert.sha256();
      }
    }
    if (certificateNotAfter != null) {
      expires = earliest(expires, certificateNotAfter);
    }
    if (!now.isBefore(expires)) {
      throw new SessionException(
          SessionException.Reason.EXPIRED, "the credentials presented expire now");
    }
    byte[] id = new byte[8];
    byte[] secret = new byte[32];
    random.nextBytes(id);
    random.nextBytes(secret);
    StoredSession stored =
        new StoredSession(
            HEX.formatHex(id),
            project,
            HEX.formatHex(sha256(secret)),
            OriginJson.write(origin),
            certificate,
            projectToken,
            now,
            expires,
            uses,
            0,
            null);
    try {
      store.add(stored);
    } catch (RuntimeException e) {
      throw unavailable();
    }
    return new Issued(PREFIX + stored.id() + "_" + HEX.formatHex(secret), stored);
  }

  /**
   * Authenticates a session token for one request.
   *
   * @param project the project the request is about, or null (polling a request by id)
   * @param certificateSha256 the client certificate this request presented, or null
   * @param spend whether the request takes one of the session's uses (signing requests do)
   */
  public Session authenticate(
      String bearer, @Nullable String project, @Nullable String certificateSha256, boolean spend)
      throws SessionException {
    if (!settings.enabled()) {
      throw new SessionException(
          SessionException.Reason.DISABLED,
          "sessions are disabled on this server; send the CI credentials with each request");
    }
    Parsed p = parse(bearer);
    Cached c = cached(p.id());
    // The secret is checked before anything about the session's state is told, and an unknown id
    // and a wrong secret get one answer: the public id alone reveals nothing.
    if (c == null || !MessageDigest.isEqual(sha256(HEX.parseHex(p.secretHex())), c.secretSha256)) {
      throw new SessionException(
          SessionException.Reason.UNKNOWN_SESSION, "no session matches id " + p.id());
    }
    synchronized (c) {
      Instant now = clock.instant();
      if (!now.isBefore(c.checkedAt.plus(SessionLimits.RECHECK_INTERVAL))) {
        c.refresh(reread(c.id), now);
      }
      c.checkState(now);
      if (project != null && !project.equals(c.project)) {
        throw new SessionException(
            SessionException.Reason.WRONG_PROJECT,
            "session " + c.id + " is for another project, not " + shown(project));
      }
      if (c.certificateSha256 == null
          ? certificateSha256 != null
          : !c.certificateSha256.equals(certificateSha256)) {
        throw new SessionException(
            SessionException.Reason.CERTIFICATE_MISMATCH,
            c.certificateSha256 == null
                ? "session " + c.id + " was created without a client certificate; present none"
                : "session " + c.id + " is bound to the client certificate it was created with");
      }
      if (spend) {
        take(c, now);
      }
      return new Session(c.id, c.project, c.origin);
    }
  }

  /** One use: from this process's reservation, or a new batch from the store. */
  private void take(Cached c, Instant now) throws SessionException {
    while (c.local == 0) {
      int remaining = c.maxUses - c.reserved;
      if (remaining <= 0) {
        throw new SessionException(
            SessionException.Reason.EXHAUSTED,
            "session " + c.id + " has used all its " + c.maxUses + " signing requests");
      }
      int k = Math.min(SessionLimits.RESERVATION_BATCH, remaining);
      boolean got;
      try {
        got = store.reserve(c.id, k, now);
      } catch (RuntimeException e) {
        throw unavailable();
      }
      if (got) {
        c.local += k;
        c.reserved += k;
        c.checkedAt = now;
      } else {
        // Revoked, expired, or other processes took uses: read the row and try with what is left.
        c.refresh(reread(c.id), now);
        c.checkState(now);
      }
    }
    c.local--;
  }

  /**
   * Revokes a session of {@code project} by its public id; false when there is no such session on
   * the project. Other processes see it at their next reservation, or within {@link
   * SessionLimits#RECHECK_INTERVAL}.
   */
  public boolean revoke(String project, String id) throws SessionException {
    boolean found;
    try {
      StoredSession s = store.find(id).orElse(null);
      found = s != null && s.project().equals(project) && store.revoke(id, clock.instant());
    } catch (RuntimeException e) {
      throw unavailable();
    }
    cache.remove(id);
    return found;
  }

  /**
   * Revokes every session a project token's exchange opened, when that token is revoked; returns
   * their ids. This process refuses them at once; others at their next reservation and within
   * {@link SessionLimits#RECHECK_INTERVAL}, as for any revocation.
   */
  public java.util.List<String> revokeOpenedWith(String projectTokenId) throws SessionException {
    java.util.List<String> ids;
    try {
      ids = store.revokeOpenedWith(projectTokenId, clock.instant());
    } catch (RuntimeException e) {
      throw unavailable();
    }
    ids.forEach(cache::remove);
    // Cached sessions of this token whose row another process revoked concurrently, or that are
    // revoked but not in ids (revoked earlier): dropping them forces a re-read.
    cache.values().removeIf(c -> projectTokenId.equals(c.projectTokenId));
    return ids;
  }

  /**
   * Deletes sessions that expired more than {@link SessionLimits#KEEP_EXPIRED} ago, in batches of
   * {@link SessionLimits#CLEANUP_BATCH}, at most {@link SessionLimits#CLEANUP_MAX_BATCHES} per
   * call; returns how many. Until then an expired session is refused as expired, afterwards as
   * unknown: either way it authenticates nothing.
   */
  public int cleanUp() throws SessionException {
    Instant now = clock.instant();
    cache.values().removeIf(c -> !now.isBefore(c.expiresAt));
    Instant before = now.minus(SessionLimits.KEEP_EXPIRED);
    int deleted = 0;
    try {
      for (int i = 0; i < SessionLimits.CLEANUP_MAX_BATCHES; i++) {
        int n = store.deleteExpired(before, SessionLimits.CLEANUP_BATCH);
        deleted += n;
        if (n < SessionLimits.CLEANUP_BATCH) {
          break;
        }
      }
    } catch (RuntimeException e) {
      throw unavailable();
    }
    return deleted;
  }

  private @Nullable Cached cached(String id) throws SessionException {
    Cached c = cache.get(id);
    if (c != null) {
      return c;
    }
    StoredSession s;
    try {
      s = store.find(id).orElse(null);
    } catch (RuntimeException e) {
      throw unavailable();
    }
    if (s == null) {
      return null;
    }
    Cached fresh = new Cached(s, OriginJson.read(s.originJson(), id), clock.instant());
    if (cache.size() >= SessionLimits.MAX_CACHED) {
      Instant now = clock.instant();
      cache.values().removeIf(x -> !now.isBefore(x.expiresAt));
      if (cache.size() >= SessionLimits.MAX_CACHED) {
        return fresh; // not kept: its unused reservation is lost, which only means fewer uses
      }
    }
    Cached raced = cache.putIfAbsent(id, fresh);
    return raced == null ? fresh : raced;
  }

  private StoredSession reread(String id) throws SessionException {
    try {
      return store
          .find(id)
          .orElseThrow(() -> new IllegalStateException("session " + id + " disappeared"));
    } catch (RuntimeException e) {
      throw unavailable();
    }
  }

  /** A validated session in this process's memory; guarded by its own monitor. */
  private static final class Cached {
    final String id;
    final String project;
    final byte[] secretSha256;
    final Origin origin;
    final @Nullable String certificateSha256;
    final @Nullable String projectTokenId;
    final Instant expiresAt;
    final int maxUses;
    int reserved;
    int local;
    @Nullable Instant revokedAt;
    Instant checkedAt;

    Cached(StoredSession s, Origin origin, Instant now) {
      this.id = s.id();
      this.project = s.project();
      this.secretSha256 = HEX.parseHex(s.secretSha256());
      this.origin = origin;
      this.certificateSha256 = s.certificateSha256();
      this.projectTokenId = s.projectTokenId();
      this.expiresAt = s.expiresAt();
      this.maxUses = s.maxUses();
      this.reserved = s.reserved();
      this.revokedAt = s.revokedAt();
      this.checkedAt = now;
    }

    void refresh(StoredSession s, Instant now) {
      reserved = s.reserved();
      revokedAt = s.revokedAt();
      checkedAt = now;
    }

    void checkState(Instant now) throws SessionException {
      if (revokedAt != null) {
        local = 0;
        throw new SessionException(
            SessionException.Reason.REVOKED, "session " + id + " was revoked at " + revokedAt);
      }
      if (!now.isBefore(expiresAt)) {
        local = 0;
        throw new SessionException(
            SessionException.Reason.EXPIRED, "session " + id + " expired at " + expiresAt);
      }
    }
  }

  private static Instant earliest(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static String shown(String s) {
    String t = s.replaceAll("\\p{Cntrl}", "?");
    return t.length() > 80 ? t.substring(0, 80) + "…" : t;
  }

  private static SessionException unavailable() {
    return new SessionException(
        SessionException.Reason.UNAVAILABLE, "the session store is unavailable");
  }

  static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }
}
