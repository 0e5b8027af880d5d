package dev.signet.server.custody;

import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyException;
import dev.signet.keys.KeyRef;
import dev.signet.keys.SigningKey;
import dev.signet.keys.SoftwareKey;
import dev.signet.keys.VerifyingKey;
import dev.signet.keys.pkcs11.Pkcs11Key;
import dev.signet.keys.pkcs11.Pkcs11Keys;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Keys in custody (issue 4 §2): created inside the service, in software (sealed under the {@link
 * MasterKey}) or in a PKCS#11 token (non-extractable), and never leaving it. Versions follow Vault
 * transit's model — {@link #rotate} makes version n+1 the signing version while older versions stay
 * published — and revocation follows AWS Signer's: an effective time that may later be moved
 * earlier, never later.
 *
 * <p>State lives in a {@link CustodyStore}; every change is one compare-and-set there, so several
 * servers on one database never both create version n+1, and every change carries its {@link
 * KeyEvent}. This object caches only unsealed keys, never state: {@link #signingKey} re-reads the
 * key's state on every call, so a version retired or revoked by another server stops signing here
 * at the next request.
 *
 * <p>Thread-safe. {@link #close} wipes the unsealed software keys and releases HSM keys.
 */
public final class Custody implements AutoCloseable {
  /**
   * The token HSM keys are generated in: a reference with the token's path attributes ({@code
   * token=}, {@code serial=}…), its query attributes ({@code module-path}, {@code pin-source}), and
   * {@code object=} as the label prefix (e.g. {@code pkcs11:token=ci;object=signet?...}): each key
   * version's object is labelled {@code PREFIX.PROJECT.NAME.vN.RANDOM} with a random {@code id}.
   */
  public record HsmSlot(KeyRef.Pkcs11 token, Map<String, String> env) {
    public HsmSlot {
      env = Map.copyOf(env);
    }
  }

  private final CustodyStore store;
  private final MasterKey master;
  private final Clock clock;
  private final @Nullable HsmSlot hsm;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Unsealed> cache = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** An opened key version and what it was opened from, so a changed row is never served. */
  private static final class Unsealed {
    final byte[] spki;
    final SigningKey key;

    Unsealed(byte[] spki, SigningKey key) {
      this.spki = spki;
      this.key = key;
    }
  }

  public Custody(CustodyStore store, MasterKey master, Clock clock, @Nullable HsmSlot hsm) {
    this.store = store;
    this.master = master;
    this.clock = clock;
    this.hsm = hsm;
  }

  /** The algorithms custody keys may have: every signing algorithm of the pipeline issue. */
  public static final List<Algorithm> ALGORITHMS =
      List.of(
          Algorithm.EdDSA,
          Algorithm.ES256,
          Algorithm.ES384,
          Algorithm.ES512,
          Algorithm.PS256,
          Algorithm.PS512);

  // ---- changes ----

  /** Creates key {@code project/name} with its version 1 as the signing version. */
  public VersionRecord create(
      String project, String name, Algorithm algorithm, CustodyKind kind, String actor)
      throws CustodyException {
    checkName("project", project);
    checkName("key", name);
    checkActor(actor);
    if (!ALGORITHMS.contains(algorithm)) {
      throw new CustodyException(
          CustodyException.Reason.INVALID,
          project
              + "/"
              + name
              + ": cannot keep "
              + algorithm
              + " keys; choose EdDSA, ES256, ES384, ES512, PS256 or PS512");
    }
    if (store.key(project, name).isPresent()) {
      throw exists(project, name);
    }
    Instant now = clock.instant();
    VersionRecord v1 = newVersion(project, name, 1, algorithm, kind, now);
    KeyRecord key = new KeyRecord(project, name, algorithm, kind, 1, 1, now);
    if (!store.commit(
        new CustodyStore.Change(
            0, key, List.of(v1), event(KeyEvent.Type.CREATED, v1, now, actor)))) {
      throw exists(project, name);
    }
    return v1;
  }

  /**
   * Creates version n+1 of the key and makes it the signing version; older versions stay as they
   * are (published unless revoked). Loses with {@link CustodyException.Reason#CONFLICT} if another
   * server changed the key meanwhile — never two version n+1.
   */
  public VersionRecord rotate(String project, String name, String actor) throws CustodyException {
    checkActor(actor);
    KeyRecord key = existing(project, name);
    List<VersionRecord> versions = store.versions(project, name);
    int next = versions.isEmpty() ? 1 : versions.getLast().version() + 1;
    if (next > CustodyLimits.MAX_VERSIONS) {
      throw new CustodyException(
          CustodyException.Reason.LIMIT,
          project + "/" + name + ": a key has at most " + CustodyLimits.MAX_VERSIONS + " versions");
    }
    Instant now = clock.instant();
    VersionRecord v = newVersion(project, name, next, key.algorithm(), key.kind(), now);
    KeyRecord updated =
        new KeyRecord(
            project, name, key.algorithm(), key.kind(), next, key.revision() + 1, key.createdAt());
    commit(key, updated, v, event(KeyEvent.Type.ROTATED, v, now, actor));
    return v;
  }

  /**
   * Stops a version from signing, for good; it stays published so signatures it made keep
   * verifying. Retiring the current version leaves the key without a signing version until the next
   * {@link #rotate}. Retiring a retired version changes nothing; a revoked one is refused.
   */
  public VersionRecord retire(String project, String name, int version, String actor)
      throws CustodyException {
    checkActor(actor);
    KeyRecord key = existing(project, name);
    VersionRecord v = existingVersion(key, version);
    switch (v.state()) {
      case RETIRED -> {
        return v;
      }
      case REVOKED ->
          throw new CustodyException(
              CustodyException.Reason.NOT_ALLOWED,
              v.display() + " is revoked; a revoked version cannot be retired");
      case ACTIVE -> {}
    }
    Instant now = clock.instant();
    VersionRecord retired = v.withState(VersionState.RETIRED, now, null);
    commit(key, bump(key), retired, event(KeyEvent.Type.RETIRED, retired, now, actor));
    forget(v);
    return retired;
  }

  /**
   * Revokes a version with an effective time (AWS Signer's rule): from now on it never signs, and
   * from {@code effectiveAt} on it is no longer published, so verifiers that fetch the JWKS stop
   * trusting what it signed. A revoked version's effective time may be moved earlier (a later
   * compromise finding), never later: that would re-trust signatures already declared untrusted.
   * Revoking with the same time again changes nothing.
   */
  public VersionRecord revoke(
      String project, String name, int version, Instant effectiveAt, String actor)
      throws CustodyException {
    checkActor(actor);
    KeyRecord key = existing(project, name);
    VersionRecord v = existingVersion(key, version);
    Instant current = v.revokedAt();
    if (current != null) {
      if (effectiveAt.equals(current)) {
        return v;
      }
      if (effectiveAt.isAfter(current)) {
        throw new CustodyException(
            CustodyException.Reason.NOT_ALLOWED,
            v.display()
                + " is revoked effective "
                + current
                + "; the time may be moved earlier, never later (asked: "
                + effectiveAt
                + ")");
      }
    }
    Instant now = clock.instant();
    VersionRecord revoked = v.withState(VersionState.REVOKED, v.retiredAt(), effectiveAt);
    KeyEvent e =
        new KeyEvent(
            KeyEvent.Type.REVOKED,
            project,
            name,
            version,
            v.algorithm(),
            v.kind(),
            thumbprint(v),
            now,
            effectiveAt,
            actor);
    commit(key, bump(key), revoked, e);
    forget(v);
    return revoked;
  }

  // ---- use ----

  /**
   * The key that signs for {@code project/name} now: its current version, unsealed (or opened in
   * the token) once and cached. Fails closed: unknown key, retired or revoked current version, a
   * sealed key that does not authenticate, a public key that differs from the recorded one. Ask for
   * it per request; the state is re-read every time.
   *
   * <p>The returned key signs until this {@code Custody} is closed or the version is retired or
   * revoked through it; callers must not keep it across requests.
   */
  public SigningKey signingKey(String project, String name) throws CustodyException {
    return signer(project, name).key();
  }

  /**
   * A signing key with the version row it was checked against in the same call.
   *
   * @param key signs until this {@code Custody} is closed or the version is retired or revoked
   * @param version the current version as read for this call: its algorithm and key ID are what the
   *     signature is made with, so callers need not read the versions again
   */
  public record Signer(SigningKey key, VersionRecord version) {}

  /**
   * {@link #signingKey} with the version row it read: the same checks and the same per-call reads
   * (a version retired or revoked by another process stops signing here at once), and one query
   * fewer for callers that need the version too.
   */
  public Signer signer(String project, String name) throws CustodyException {
    if (closed) {
      throw new CustodyException(
          CustodyException.Reason.UNAVAILABLE, project + "/" + name + ": custody is closed");
    }
    VersionRecord v = current(project, name);
    switch (v.state()) {
      case RETIRED ->
          throw new CustodyException(
              CustodyException.Reason.RETIRED,
              v.display() + " is retired and never signs; rotate to sign with a new version");
      case REVOKED ->
          throw new CustodyException(
              CustodyException.Reason.REVOKED,
              v.display()
                  + " is revoked (effective "
                  + v.revokedAt()
                  + ") and never signs; rotate to sign with a new version");
      case ACTIVE -> {}
    }
    String id = cacheId(v);
    byte[] spki = v.spki();
    Unsealed u = cache.get(id);
    if (u != null) {
      if (MessageDigest.isEqual(u.spki, spki)) {
        return new Signer(u.key, v);
      }
      // Key material never changes in a row; a different one now (a restored or edited database)
      // is opened afresh and checked, never served from what was opened before.
      if (cache.remove(id, u)) {
        close(u.key);
      }
    }
    SigningKey opened = open(v);
    Unsealed prior = cache.putIfAbsent(id, new Unsealed(spki, opened));
    if (prior != null) {
      close(opened); // another thread opened it first
      if (MessageDigest.isEqual(prior.spki, spki)) {
        return new Signer(prior.key, v);
      }
      throw SealedBlob.failed(
          new SealBinding(v.project(), v.name(), v.version(), v.algorithm()),
          "the key's record changed while it was being opened");
    }
    return new Signer(opened, v);
  }

  /**
   * The project's public keys published at {@code at}: every version of every key except those
   * revoked with an effective time at or before {@code at}. Sorted by key name, then version.
   */
  public List<VerifyingKey> published(String project, Instant at) throws CustodyException {
    List<VerifyingKey> out = new ArrayList<>();
    for (KeyRecord k : store.keys(project)) {
      for (VersionRecord v : store.versions(project, k.name())) {
        Instant revoked = v.revokedAt();
        if (revoked != null && !revoked.isAfter(at)) {
          continue;
        }
        out.add(verifyingKey(v));
      }
    }
    return out;
  }

  /**
   * The project's JWKS document as served at its stable URL now: one JWK per published version,
   * with {@code kid} {@code NAME-vN}, {@code alg} and {@code use: sig}.
   */
  public String jwks(String project) throws CustodyException {
    checkName("project", project);
    return VerifyingKey.toJwks(published(project, clock.instant()));
  }

  /**
   * The key's current version, whatever its state, in one read on the usual path: what a signing
   * request checks its input against before the policy decides (the key material is opened only
   * later, by {@link #signer}).
   */
  public VersionRecord current(String project, String name) throws CustodyException {
    checkName("project", project);
    checkName("key", name);
    // One read on the usual path; the two separate reads only to name what is missing.
    VersionRecord v = store.currentVersion(project, name).orElse(null);
    if (v == null) {
      KeyRecord key = existing(project, name);
      v = existingVersion(key, key.currentVersion());
    }
    return v;
  }

  public List<VersionRecord> versions(String project, String name) throws CustodyException {
    existing(project, name);
    return store.versions(project, name);
  }

  public List<KeyEvent> events(String project, String name) throws CustodyException {
    existing(project, name);
    return store.events(project, name);
  }

  /** Wipes cached software keys and releases HSM keys. The master key is the caller's to close. */
  @Override
  public void close() {
    closed = true;
    for (String id : List.copyOf(cache.keySet())) {
      Unsealed u = cache.remove(id);
      if (u != null) {
        close(u.key);
      }
    }
  }

  // ---- internals ----

  private VersionRecord newVersion(
      String project, String name, int version, Algorithm alg, CustodyKind kind, Instant now)
      throws CustodyException {
    SealBinding binding = new SealBinding(project, name, version, alg);
    return switch (kind) {
      case SOFTWARE -> {
        byte[] pkcs8 = null;
        try {
          pkcs8 = SoftwareKey.generatePkcs8(alg, random);
          byte[] spki;
          try (SoftwareKey k = SoftwareKey.fromPkcs8(pkcs8, alg, "new", "custody:new")) {
            spki = k.publicKey().getEncoded();
          }
          byte[] sealed = master.seal(binding, pkcs8);
          yield new VersionRecord(
              project,
              name,
              version,
              alg,
              kind,
              spki,
              sealed,
              null,
              VersionState.ACTIVE,
              now,
              null,
              null);
        } catch (KeyException e) {
          throw new CustodyException(
              CustodyException.Reason.UNAVAILABLE,
              binding.display() + ": key generation failed: " + e.getMessage(),
              e);
        } finally {
          if (pkcs8 != null) {
            Arrays.fill(pkcs8, (byte) 0);
          }
        }
      }
      case HSM -> hsmVersion(binding, now);
    };
  }

  private VersionRecord hsmVersion(SealBinding b, Instant now) throws CustodyException {
    HsmSlot slot = hsm;
    if (slot == null) {
      throw new CustodyException(
          CustodyException.Reason.UNAVAILABLE,
          b.display() + ": no PKCS#11 token is configured for HSM keys");
    }
    // A random suffix: an object left behind by a rotation that lost its compare-and-set (or a
    // crash between token and database) never blocks the next rotation, and never signs.
    byte[] id = new byte[16];
    random.nextBytes(id);
    String prefix = slot.token().path("object");
    String label =
        (prefix == null ? "signet" : prefix)
            + "."
            + b.project()
            + "."
            + b.name()
            + ".v"
            + b.version()
            + "."
            + HexFormat.of().formatHex(id, 0, 4);
    Map<String, String> path = new LinkedHashMap<>(slot.token().pathAttributes());
    path.remove("object");
    path.remove("id");
    path.remove("type");
    path.put("object", label);
    path.put("id", new String(id, StandardCharsets.ISO_8859_1));
    KeyRef.Pkcs11 stored = new KeyRef.Pkcs11(path, Map.of());
    try (Pkcs11Key key =
        Pkcs11Keys.generate(
            new KeyRef.Pkcs11(path, slot.token().queryAttributes()), b.algorithm(), slot.env())) {
      Pkcs11Keys.Protection p = key.protection();
      if (!p.confined()) {
        throw new CustodyException(
            CustodyException.Reason.UNAVAILABLE,
            b.display()
                + ": the token generated a key that could leave it (CKA_SENSITIVE="
                + p.sensitive()
                + ", CKA_EXTRACTABLE="
                + p.extractable()
                + "); refusing it");
      }
      return new VersionRecord(
          b.project(),
          b.name(),
          b.version(),
          b.algorithm(),
          CustodyKind.HSM,
          key.publicKey().getEncoded(),
          null,
          stored.display(),
          VersionState.ACTIVE,
          now,
          null,
          null);
    } catch (KeyException e) {
      throw new CustodyException(
          CustodyException.Reason.UNAVAILABLE, b.display() + ": " + e.getMessage(), e);
    }
  }

  private SigningKey open(VersionRecord v) throws CustodyException {
    SealBinding b = new SealBinding(v.project(), v.name(), v.version(), v.algorithm());
    SigningKey key =
        switch (v.kind()) {
          case SOFTWARE -> {
            byte[] sealed = java.util.Objects.requireNonNull(v.sealed());
            byte[] pkcs8 = master.open(b, sealed);
            try {
              yield SoftwareKey.fromPkcs8(pkcs8, v.algorithm(), v.keyId(), "custody:" + keyPath(v));
            } catch (KeyException e) {
              throw SealedBlob.failed(b, "the unsealed key is unusable: " + e.getMessage());
            } finally {
              Arrays.fill(pkcs8, (byte) 0);
            }
          }
          case HSM -> openHsm(v, b);
        };
    // The row's public key is what the JWKS publishes; a key that signs under another one would
    // make every signature fail at agents, or worse, have been swapped in.
    if (!MessageDigest.isEqual(key.publicKey().getEncoded(), v.spki())) {
      close(key);
      throw SealedBlob.failed(b, "the key does not match the public key recorded for it");
    }
    return new Named(key, v.keyId());
  }

  private SigningKey openHsm(VersionRecord v, SealBinding b) throws CustodyException {
    HsmSlot slot = hsm;
    if (slot == null) {
      throw new CustodyException(
          CustodyException.Reason.UNAVAILABLE,
          b.display() + ": the key is in a PKCS#11 token, and none is configured");
    }
    try {
      KeyRef.Pkcs11 stored =
          (KeyRef.Pkcs11) KeyRef.parse(java.util.Objects.requireNonNull(v.hsmReference()));
      return Pkcs11Keys.open(
          new KeyRef.Pkcs11(stored.pathAttributes(), slot.token().queryAttributes()),
          v.algorithm(),
          slot.env());
    } catch (KeyException | ClassCastException e) {
      throw new CustodyException(
          CustodyException.Reason.UNAVAILABLE, b.display() + ": " + e.getMessage(), e);
    }
  }

  /**
   * A custody key as handed to signers: its JWKS key ID, and no {@code close} — the cache owns the
   * key's life.
   */
  private record Named(SigningKey key, String keyId) implements SigningKey {
    @Override
    public Algorithm algorithm() {
      return key.algorithm();
    }

    @Override
    public PublicKey publicKey() {
      return key.publicKey();
    }

    @Override
    public String reference() {
      return key.reference();
    }

    @Override
    public byte[] signMessage(byte[] message) throws KeyException {
      return key.signMessage(message);
    }

    @Override
    public byte[] signDigest(byte[] digest) throws KeyException {
      return key.signDigest(digest);
    }
  }

  private static void close(SigningKey key) {
    SigningKey k = key instanceof Named n ? n.key() : key;
    if (k instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        // SoftwareKey and Pkcs11Key close without throwing; nothing else is cached.
      }
    }
  }

  private void forget(VersionRecord v) {
    Unsealed u = cache.remove(cacheId(v));
    if (u != null) {
      close(u.key);
    }
  }

  private static String cacheId(VersionRecord v) {
    return v.project() + "/" + v.name() + "/" + v.version();
  }

  private static String keyPath(VersionRecord v) {
    return v.project() + "/" + v.name() + "/v" + v.version();
  }

  private void commit(KeyRecord expected, KeyRecord updated, VersionRecord v, KeyEvent e)
      throws CustodyException {
    if (!store.commit(new CustodyStore.Change(expected.revision(), updated, List.of(v), e))) {
      throw new CustodyException(
          CustodyException.Reason.CONFLICT,
          expected.project()
              + "/"
              + expected.name()
              + ": another server changed the key at the same time; nothing was changed here,"
              + " re-read and retry");
    }
  }

  private static KeyRecord bump(KeyRecord k) {
    return new KeyRecord(
        k.project(),
        k.name(),
        k.algorithm(),
        k.kind(),
        k.currentVersion(),
        k.revision() + 1,
        k.createdAt());
  }

  private KeyEvent event(KeyEvent.Type type, VersionRecord v, Instant now, String actor)
      throws CustodyException {
    return new KeyEvent(
        type,
        v.project(),
        v.name(),
        v.version(),
        v.algorithm(),
        v.kind(),
        thumbprint(v),
        now,
        null,
        actor);
  }

  private static VerifyingKey verifyingKey(VersionRecord v) throws CustodyException {
    try {
      VerifyingKey spki = VerifyingKey.fromSpki(v.spki(), v.display());
      return VerifyingKey.of(spki.publicKey(), v.algorithm(), v.keyId(), v.display());
    } catch (KeyException e) {
      throw new CustodyException(
          CustodyException.Reason.UNSEAL_FAILED,
          v.display() + ": the recorded public key is unusable: " + e.getMessage(),
          e);
    }
  }

  private static String thumbprint(VersionRecord v) throws CustodyException {
    return verifyingKey(v).thumbprint();
  }

  private KeyRecord existing(String project, String name) throws CustodyException {
    checkName("project", project);
    checkName("key", name);
    Optional<KeyRecord> k = store.key(project, name);
    if (k.isEmpty()) {
      throw new CustodyException(
          CustodyException.Reason.UNKNOWN_KEY, project + "/" + name + ": no such key");
    }
    return k.get();
  }

  private VersionRecord existingVersion(KeyRecord key, int version) throws CustodyException {
    return store
        .version(key.project(), key.name(), version)
        .orElseThrow(() ->
            new CustodyException(
                CustodyException.Reason.UNKNOWN_KEY,
                key.project() + "/" + key.name() + " v" + version + ": no such version"));
  }

  private static CustodyException exists(String project, String name) {
    return new CustodyException(
        CustodyException.Reason.EXISTS, project + "/" + name + ": the key already exists");
  }

  private static void checkName(String what, String value) throws CustodyException {
    if (!CustodyLimits.NAME.matcher(value).matches()) {
      throw new CustodyException(
          CustodyException.Reason.INVALID,
          "invalid "
              + what
              + " name "
              + dev.signet.json.JsonWriter.quoteOneLine(value, 80)
              + ": use 1–63 characters from a-z 0-9 _ -, starting with a letter or digit");
    }
  }

  private static void checkActor(String actor) throws CustodyException {
    if (actor.isEmpty() || actor.length() > CustodyLimits.MAX_ACTOR_CHARS) {
      throw new CustodyException(
          CustodyException.Reason.INVALID,
          "the actor of a key change is 1–" + CustodyLimits.MAX_ACTOR_CHARS + " characters");
    }
  }
}
