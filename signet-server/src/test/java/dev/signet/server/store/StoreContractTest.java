package dev.signet.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.keys.Algorithm;
import dev.signet.server.approval.Grant;
import dev.signet.server.approval.Identity;
import dev.signet.server.approval.PrincipalStore;
import dev.signet.server.approval.PrincipalTokens;
import dev.signet.server.approval.SigningRequest;
import dev.signet.server.approval.Vote;
import dev.signet.server.custody.CustodyKind;
import dev.signet.server.custody.CustodyStore;
import dev.signet.server.custody.KeyEvent;
import dev.signet.server.custody.KeyRecord;
import dev.signet.server.custody.VersionRecord;
import dev.signet.server.custody.VersionState;
import dev.signet.server.origin.StoredProjectToken;
import dev.signet.server.policy.Conditions;
import dev.signet.server.policy.Decision;
import dev.signet.server.policy.Fixtures;
import dev.signet.server.policy.Operation;
import dev.signet.server.policy.PolicyHistory;
import dev.signet.server.policy.PolicySet;
import dev.signet.server.policy.PolicySnapshot;
import dev.signet.server.policy.PolicyVersion;
import dev.signet.server.policy.TestVocabularies;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The behaviour every store implementation must have, written once and run in memory, on H2 and on
 * PostgreSQL. The concurrency contracts are in {@link StoreConcurrencyTest}.
 */
class StoreContractTest {
  static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  static List<Backend> backends() {
    return Backend.all();
  }

  /** A settable clock; instants stay at microseconds, the databases' precision. */
  static final class TestClock extends Clock {
    private final AtomicReference<Instant> now = new AtomicReference<>(T0);

    void advance(Duration d) {
      now.updateAndGet(t -> t.plus(d));
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }

  // ---- custody ----

  static VersionRecord version(String name, int n, CustodyKind kind, VersionState state) {
    byte[] spki = new byte[91];
    for (int i = 0; i < spki.length; i++) {
      spki[i] = (byte) (i * 7 + n); // every byte value range, incl. 0x00 and > 0x7f
    }
    byte[] sealed = new byte[300];
    for (int i = 0; i < sealed.length; i++) {
      sealed[i] = (byte) (255 - i);
    }
    Instant at = T0.plus(n, ChronoUnit.HOURS).plusNanos(123_456_000);
    return new VersionRecord(
        "acme",
        name,
        n,
        Algorithm.ES256,
        kind,
        spki,
        kind == CustodyKind.SOFTWARE ? sealed : null,
        kind == CustodyKind.HSM ? "pkcs11:token=t;object=o;id=%01" : null,
        state,
        at,
        state == VersionState.RETIRED ? at.plusSeconds(1) : null,
        state == VersionState.REVOKED ? at.plusSeconds(2) : null);
  }

  static KeyEvent event(KeyEvent.Type type, VersionRecord v) {
    return new KeyEvent(
        type,
        v.project(),
        v.name(),
        v.version(),
        v.algorithm(),
        v.kind(),
        "thumb-" + v.version(),
        v.createdAt(),
        v.revokedAt(),
        "admin:alice");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void custodyCommitIsACompareAndSetOnTheRevision(Backend backend) {
    CustodyStore store = backend.process(new TestClock()).custody();
    VersionRecord v1 = version("release", 1, CustodyKind.SOFTWARE, VersionState.ACTIVE);
    KeyRecord k1 =
        new KeyRecord("acme", "release", Algorithm.ES256, CustodyKind.SOFTWARE, 1, 1, T0);
    assertThat(store.key("acme", "release")).isEmpty();
    assertThat(
            store.commit(
                new CustodyStore.Change(0, k1, List.of(v1), event(KeyEvent.Type.CREATED, v1))))
        .isTrue();
    // A second creation loses on the primary key and changes nothing.
    assertThat(
            store.commit(
                new CustodyStore.Change(0, k1, List.of(v1), event(KeyEvent.Type.CREATED, v1))))
        .isFalse();
    assertThat(store.key("acme", "release")).contains(k1);
    assertThat(store.version("acme", "release", 1)).contains(v1);
    assertThat(store.version("acme", "release", 2)).isEmpty();
    assertThat(store.events("acme", "release")).containsExactly(event(KeyEvent.Type.CREATED, v1));

    // Rotation: v2 active, v1 retired, one event; a second commit on revision 1 loses.
    VersionRecord v1r =
        new VersionRecord(
            "acme",
            "release",
            1,
            Algorithm.ES256,
            CustodyKind.SOFTWARE,
            v1.spki(),
            v1.sealed(),
            null,
            VersionState.RETIRED,
            v1.createdAt(),
            T0.plusSeconds(5),
            null);
    VersionRecord v2 = version("release", 2, CustodyKind.SOFTWARE, VersionState.ACTIVE);
    KeyRecord k2 =
        new KeyRecord("acme", "release", Algorithm.ES256, CustodyKind.SOFTWARE, 2, 2, T0);
    CustodyStore.Change rotate =
        new CustodyStore.Change(1, k2, List.of(v1r, v2), event(KeyEvent.Type.ROTATED, v2));
    assertThat(store.commit(rotate)).isTrue();
    assertThat(store.commit(rotate)).isFalse();
    assertThat(store.key("acme", "release")).contains(k2);
    assertThat(store.versions("acme", "release")).containsExactly(v1r, v2);
    assertThat(store.events("acme", "release"))
        .containsExactly(event(KeyEvent.Type.CREATED, v1), event(KeyEvent.Type.ROTATED, v2));

    // Key material never changes: refused, and the whole change is rolled back.
    VersionRecord forged = version("release", 1, CustodyKind.SOFTWARE, VersionState.ACTIVE);
    byte[] otherSpki = forged.spki();
    otherSpki[0] ^= 1;
    VersionRecord v1forged =
        new VersionRecord(
            "acme",
            "release",
            1,
            Algorithm.ES256,
            CustodyKind.SOFTWARE,
            otherSpki,
            v1.sealed(),
            null,
            VersionState.ACTIVE,
            v1.createdAt(),
            null,
            null);
    KeyRecord k3 =
        new KeyRecord("acme", "release", Algorithm.ES256, CustodyKind.SOFTWARE, 1, 3, T0);
    assertThatThrownBy(() ->
            store.commit(
                new CustodyStore.Change(
                    2, k3, List.of(v1forged), event(KeyEvent.Type.ROTATED, v1))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.key("acme", "release")).contains(k2);
    assertThat(store.versions("acme", "release")).containsExactly(v1r, v2);

    // An HSM key: a reference, no sealed bytes; keys(project) lists by name.
    VersionRecord h1 = version("a-hsm", 1, CustodyKind.HSM, VersionState.REVOKED);
    KeyRecord hk = new KeyRecord("acme", "a-hsm", Algorithm.ES256, CustodyKind.HSM, 1, 1, T0);
    assertThat(
            store.commit(
                new CustodyStore.Change(0, hk, List.of(h1), event(KeyEvent.Type.REVOKED, h1))))
        .isTrue();
    assertThat(store.version("acme", "a-hsm", 1)).contains(h1);
    assertThat(store.version("acme", "a-hsm", 1).orElseThrow().sealed()).isNull();
    assertThat(store.keys("acme")).containsExactly(hk, k2);
    assertThat(store.keys("other")).isEmpty();
    assertThat(store.versions("acme", "none")).isEmpty();
    assertThat(store.events("acme", "none")).isEmpty();
  }

  // ---- project tokens ----

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void projectTokensAreAddedOnceFoundAndRevokedOnce(Backend backend) {
    var store = backend.process(new TestClock()).projectTokens();
    StoredProjectToken t =
        new StoredProjectToken(
            "0123456789abcdef",
            "acme",
            Set.of("digest", "image"),
            T0,
            T0.plusSeconds(3600),
            "ab".repeat(32),
            null);
    store.add(t);
    assertThatThrownBy(() -> store.add(t)).isInstanceOf(IllegalStateException.class);
    assertThat(store.find(t.id())).contains(t);
    assertThat(store.find("ffffffffffffffff")).isEmpty();
    assertThat(store.revoke(t.id(), T0.plusSeconds(10))).isTrue();
    assertThat(store.revoke(t.id(), T0.plusSeconds(20))).isTrue(); // twice is fine ...
    assertThat(store.find(t.id()).orElseThrow().revokedAt())
        .isEqualTo(T0.plusSeconds(10)); // first stands
    assertThat(store.revoke("ffffffffffffffff", T0)).isFalse();
  }

  // ---- replay guard ----

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void aTokenIdIsUsedOnceUntilItExpires(Backend backend) throws Exception {
    TestClock clock = new TestClock();
    var guard = backend.process(clock).replayGuard();
    String iss = "https://token.actions.githubusercontent.com";
    assertThat(guard.firstUse(iss, "jti-1", T0.plusSeconds(60))).isTrue();
    assertThat(guard.firstUse(iss, "jti-1", T0.plusSeconds(60))).isFalse();
    assertThat(guard.firstUse(iss, "jti-2", T0.plusSeconds(60))).isTrue();
    assertThat(guard.firstUse("https://gitlab.com", "jti-1", T0.plusSeconds(60))).isTrue();
    // No ambiguity between the parts of the pair.
    assertThat(guard.firstUse("a", "bc", T0.plusSeconds(60))).isTrue();
    assertThat(guard.firstUse("ab", "c", T0.plusSeconds(60))).isTrue();
    clock.advance(Duration.ofSeconds(61));
    // Forgotten after its expiry (it no longer verifies anyway), then remembered again.
    assertThat(guard.firstUse(iss, "jti-1", T0.plusSeconds(200))).isTrue();
    assertThat(guard.firstUse(iss, "jti-1", T0.plusSeconds(200))).isFalse();
  }

  // ---- policy history ----

  static PolicySnapshot snapshot(String variant) {
    try {
      return new PolicySnapshot(
          PolicySet.parse(
              Fixtures.EXAMPLE.replace("maxSignatures: 5", "maxSignatures: " + variant),
              "policy.yaml",
              TestVocabularies.ALL));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void policyVersionsAreAppendOnlyFirstRecordWins(Backend backend) {
    PolicyHistory history = backend.process(new TestClock()).policyHistory();
    PolicySnapshot a = snapshot("5");
    PolicySnapshot b = snapshot("6");
    assertThat(history.recent(10)).isEmpty();
    assertThat(history.record(a, "policy.yaml", T0)).isTrue();
    assertThat(history.record(a, "other.yaml", T0.plusSeconds(1))).isFalse();
    assertThat(history.record(b, "admin-api", T0.plusSeconds(2))).isTrue();
    PolicyHistory.Entry ea =
        new PolicyHistory.Entry(a.version(), a.canonicalJson(), "policy.yaml", T0);
    PolicyHistory.Entry eb =
        new PolicyHistory.Entry(b.version(), b.canonicalJson(), "admin-api", T0.plusSeconds(2));
    assertThat(history.find(a.version())).contains(ea);
    assertThat(history.find(new PolicyVersion("sha256:" + "0".repeat(64)))).isEmpty();
    assertThat(history.recent(10)).containsExactly(eb, ea);
    assertThat(history.recent(1)).containsExactly(eb);
    assertThat(history.recent(0)).isEmpty();
  }

  // ---- signing requests and grants ----

  static final Identity ALICE = Identity.admin("alice");
  static final Identity BOB = Identity.admin("bob");

  static SigningRequest request(
      String id, Conditions.@org.jspecify.annotations.Nullable Grant grant) {
    return new SigningRequest(
        id,
        new Decision.RuleRef(
            "payments",
            "hotfix",
            "sha256:" + "cd".repeat(32),
            Set.of(Operation.DIGEST, Operation.IMAGE),
            new TreeSet<>(Set.of("payments-release", "payments-other"))),
        Operation.DIGEST,
        "payments-release",
        "sha256:" + "ab".repeat(32),
        Set.of(
            new Identity(
                Identity.Kind.OIDC,
                "https://token.actions.githubusercontent.com",
                "repo:acme/pay:ref:refs/heads/hotfix/x"),
            new Identity(
                Identity.Kind.CERTIFICATE, "CN=Acme CA,O=Acme", "CN=agent-1,OU=build,O=Acme")),
        T0,
        T0.plus(Duration.ofHours(24)),
        new Conditions.Approval("release-managers", 2, Duration.ofHours(24)),
        grant,
        new PolicyVersion("sha256:" + "ef".repeat(32)),
        SigningRequest.Status.PENDING,
        List.of(),
        0);
  }

  static SigningRequest next(SigningRequest r, SigningRequest.Status status, List<Vote> votes) {
    return new SigningRequest(
        r.id(),
        r.rule(),
        r.operation(),
        r.key(),
        r.subjectDigest(),
        r.requester(),
        r.created(),
        r.expires(),
        r.approval(),
        r.grant(),
        r.policyVersion(),
        status,
        votes,
        r.revision() + 1);
  }

  static List<Vote> plus(List<Vote> votes, Vote v) {
    List<Vote> out = new ArrayList<>(votes);
    out.add(v);
    return out;
  }

  static Grant grant(String id, String requestId, int max, Instant expires) {
    return new Grant(
        id,
        "payments",
        "hotfix",
        "sha256:" + "cd".repeat(32),
        new TreeSet<>(Set.of("payments-release")),
        Set.of(Operation.DIGEST),
        requestId,
        T0,
        expires,
        max,
        0,
        null);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void pendingWorkIsStoredOnceAndCompletedOnce(Backend backend) {
    Stores s = backend.process(new TestClock());
    byte[] body = new byte[256];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) i;
    }
    s.pending().put(new dev.signet.server.approval.PendingStore.Work("req_p", "digest", body));
    assertThatThrownBy(() ->
            s.pending()
                .put(
                    new dev.signet.server.approval.PendingStore.Work(
                        "req_p", "pipeline", new byte[1])))
        .isInstanceOf(IllegalStateException.class);
    var w = s.pending().work("req_p").orElseThrow();
    assertThat(w.kind()).isEqualTo("digest");
    assertThat(w.body()).isEqualTo(body);
    assertThat(s.pending().work("req_other")).isEmpty();
    assertThat(s.pending().result("req_p")).isEmpty();
    assertThat(s.pending().complete("req_p", "{\"signature\":\"a\"}")).isTrue();
    assertThat(s.pending().complete("req_p", "{\"signature\":\"b\"}")).isFalse();
    assertThat(s.pending().result("req_p")).contains("{\"signature\":\"a\"}");
    if (backend instanceof Backend.Jdbc) {
      assertThat(backend.process(new TestClock()).pending().result("req_p"))
          .as("another process sees the work and its result")
          .contains("{\"signature\":\"a\"}");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void duePendingRequestsAreListedEarliestFirstAndBounded(Backend backend) {
    Stores s = backend.process(new TestClock());
    SigningRequest late = request("req_late", null); // expires T0 + 24h
    SigningRequest early =
        new SigningRequest(
            "req_early",
            late.rule(),
            late.operation(),
            late.key(),
            late.subjectDigest(),
            late.requester(),
            T0,
            T0.plus(Duration.ofHours(1)),
            late.approval(),
            null,
            late.policyVersion(),
            SigningRequest.Status.PENDING,
            List.of(),
            0);
    SigningRequest decided = request("req_denied", null);
    s.requests().insert(late);
    s.requests().insert(early);
    s.requests().insert(decided);
    assertThat(
            s.requests()
                .compareAndSet(decided, next(decided, SigningRequest.Status.DENIED, List.of())))
        .isTrue();
    assertThat(s.requests().duePending(T0.plus(Duration.ofMinutes(59)), 10)).isEmpty();
    assertThat(s.requests().duePending(T0.plus(Duration.ofHours(1)), 10))
        .containsExactly("req_early");
    assertThat(s.requests().duePending(T0.plus(Duration.ofDays(2)), 10))
        .containsExactly("req_early", "req_late");
    assertThat(s.requests().duePending(T0.plus(Duration.ofDays(2)), 1))
        .containsExactly("req_early");
    assertThat(s.requests().duePending(T0.plus(Duration.ofDays(2)), 0)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void requestsRoundTripAndChangeOnlyByCompareAndSet(Backend backend) {
    Stores s = backend.process(new TestClock());
    SigningRequest r = request("req_1", new Conditions.Grant(Duration.ofHours(1), 5));
    s.requests().insert(r);
    assertThatThrownBy(() -> s.requests().insert(r)).isInstanceOf(IllegalStateException.class);
    assertThat(s.requests().find("req_1")).contains(r);
    assertThat(s.requests().find("req_2")).isEmpty();
    SigningRequest noGrant = request("req_3", null);
    s.requests().insert(noGrant);
    assertThat(s.requests().find("req_3")).contains(noGrant);

    Vote v1 = new Vote("req_1", ALICE, Vote.Verdict.APPROVE, "looks right ✓", T0.plusSeconds(1));
    SigningRequest r1 = next(r, SigningRequest.Status.PENDING, List.of(v1));
    assertThat(s.requests().compareAndSet(r, r1)).isTrue();
    assertThat(s.requests().compareAndSet(r, r1)).isFalse(); // stale revision
    assertThat(s.requests().find("req_1")).contains(r1);

    // The approving vote and its grant: one atomic step.
    Vote v2 = new Vote("req_1", BOB, Vote.Verdict.APPROVE, "", T0.plusSeconds(2));
    SigningRequest r2 = next(r1, SigningRequest.Status.APPROVED, plus(r1.votes(), v2));
    Grant g = grant("grant_1", "req_1", 5, T0.plusSeconds(3600));
    assertThat(s.requests().compareAndSetIssuing(r1, r2, g, s.grants())).isTrue();
    assertThat(s.requests().find("req_1")).contains(r2);
    assertThat(s.grants().find("grant_1")).contains(g);
    assertThat(
            s.requests().compareAndSetIssuing(r1, r2, grant("grant_2", "req_1", 5, T0), s.grants()))
        .isFalse();
    assertThat(s.grants().find("grant_2")).isEmpty();

    // A grant id clash fails the whole step: the request stays as it was.
    SigningRequest n1 = next(noGrant, SigningRequest.Status.APPROVED, List.of());
    assertThatThrownBy(() -> s.requests().compareAndSetIssuing(noGrant, n1, g, s.grants()))
        .isInstanceOf(IllegalStateException.class);
    assertThat(s.requests().find("req_3")).contains(noGrant);
    // Only successors are accepted.
    assertThatThrownBy(() -> s.requests().compareAndSet(noGrant, noGrant))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void grantsAreConsumedWithinTheirBounds(Backend backend) {
    Stores s = backend.process(new TestClock());
    Grant g = grant("grant_a", "req_a", 2, T0.plusSeconds(3600));
    s.grants().insert(g);
    assertThatThrownBy(() -> s.grants().insert(g)).isInstanceOf(IllegalStateException.class);
    assertThat(s.grants().find("grant_a")).contains(g);
    String hash = g.ruleHash();
    assertThat(
            s.grants().usable("payments", "hotfix", hash, "payments-release", Operation.DIGEST, T0))
        .containsExactly(g);
    assertThat(s.grants().usable("payments", "hotfix", hash, "other-key", Operation.DIGEST, T0))
        .isEmpty();
    assertThat(
            s.grants().usable("payments", "hotfix", hash, "payments-release", Operation.IMAGE, T0))
        .isEmpty();
    assertThat(
            s.grants()
                .usable(
                    "payments",
                    "hotfix",
                    "sha256:changed",
                    "payments-release",
                    Operation.DIGEST,
                    T0))
        .isEmpty();
    assertThat(
            s.grants()
                .usable(
                    "payments",
                    "hotfix",
                    hash,
                    "payments-release",
                    Operation.DIGEST,
                    T0.plusSeconds(3600)))
        .isEmpty();

    assertThat(s.grants().tryConsume("grant_a", T0).orElseThrow().used()).isEqualTo(1);
    assertThat(s.grants().tryConsume("grant_a", T0).orElseThrow().used()).isEqualTo(2);
    assertThat(s.grants().tryConsume("grant_a", T0)).isEmpty();
    assertThat(
            s.grants().usable("payments", "hotfix", hash, "payments-release", Operation.DIGEST, T0))
        .isEmpty();
    assertThat(s.grants().tryConsume("grant_none", T0)).isEmpty();

    Grant e = grant("grant_b", "req_b", 5, T0.plusSeconds(10));
    s.grants().insert(e);
    assertThat(s.grants().tryConsume("grant_b", T0.plusSeconds(10))).isEmpty(); // expired
    assertThat(s.grants().revoke("grant_b", T0.plusSeconds(1))).isTrue();
    assertThat(s.grants().revoke("grant_b", T0.plusSeconds(2))).isFalse();
    assertThat(s.grants().find("grant_b").orElseThrow().revokedAt()).isEqualTo(T0.plusSeconds(1));
    assertThat(s.grants().tryConsume("grant_b", T0)).isEmpty(); // revoked
    assertThat(s.grants().revoke("grant_none", T0)).isFalse();
  }

  // ---- principals ----

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void principalsHoldRolesAndAuthenticateWithTheirTokens(Backend backend) throws Exception {
    TestClock clock = new TestClock();
    PrincipalStore store = backend.process(clock).principals();
    assertThat(store.find("admin").orElseThrow().roles()).containsExactly("admin");
    assertThat(store.holds(Identity.admin("admin"), "admin")).isTrue();

    assertThat(
            store.add(new PrincipalStore.Principal("alice", Set.of("release-managers"), T0, null)))
        .isTrue();
    assertThat(store.add(new PrincipalStore.Principal("alice", Set.of("admin"), T0, null)))
        .isFalse();
    assertThat(store.holds(ALICE, "release-managers")).isTrue();
    assertThat(store.holds(ALICE, "admin")).isFalse();
    assertThat(store.holds(BOB, "release-managers")).isFalse();
    // Only admin-API identities are principals: an OIDC subject named alice is not.
    assertThat(
            store.holds(new Identity(Identity.Kind.OIDC, "https://x", "alice"), "release-managers"))
        .isFalse();
    assertThat(store.setRoles("alice", Set.of("release-managers", "auditors"))).isTrue();
    assertThat(store.setRoles("nobody", Set.of("admin"))).isFalse();
    assertThat(store.list().stream().map(PrincipalStore.Principal::name))
        .containsExactly("admin", "alice");

    PrincipalTokens tokens = new PrincipalTokens(store, clock);
    PrincipalTokens.Issued issued = tokens.issue("alice", Duration.ofDays(30));
    assertThat(issued.token()).matches("sga_[0-9a-f]{16}_[0-9a-f]{64}");
    assertThat(store.findToken(issued.stored().id())).contains(issued.stored());
    assertThat(issued.stored().secretSha256()).doesNotContain(issued.token().substring(21));
    assertThat(tokens.authenticate(issued.token()).orElseThrow().name()).isEqualTo("alice");
    String wrong =
        issued.token().substring(0, issued.token().length() - 1)
            + (issued.token().endsWith("0") ? "1" : "0");
    assertThat(tokens.authenticate(wrong)).isEmpty();
    assertThat(tokens.authenticate("sga_nonsense")).isEmpty();

    clock.advance(Duration.ofDays(31));
    assertThat(tokens.authenticate(issued.token())).isEmpty(); // expired
    PrincipalTokens.Issued second = tokens.issue("alice", Duration.ofDays(1));
    assertThat(store.revokeToken(second.stored().id(), clock.instant())).isTrue();
    assertThat(store.revokeToken(second.stored().id(), clock.instant())).isFalse();
    assertThat(tokens.authenticate(second.token())).isEmpty(); // revoked

    PrincipalTokens.Issued third = tokens.issue("alice", Duration.ofDays(1));
    assertThat(store.disable("alice", clock.instant())).isTrue();
    assertThat(store.disable("alice", clock.instant())).isFalse();
    assertThat(tokens.authenticate(third.token())).isEmpty(); // disabled
    assertThat(store.holds(ALICE, "release-managers")).isFalse();
    assertThatThrownBy(() -> tokens.issue("nobody", Duration.ofDays(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void theBootstrapAdminTokenAuthenticatesPrincipalAdmin(Backend backend) throws Exception {
    Stores s = backend.process(new TestClock());
    ServerStore server = new ServerStore(java.util.Objects.requireNonNull(backend.database()));
    PrincipalTokens tokens = new PrincipalTokens(s.principals(), new TestClock());
    assertThat(tokens.authenticate("signet_admin_first")).isEmpty();
    assertThat(server.addInitialAdminToken("signet_admin_first")).isTrue();
    assertThat(tokens.authenticate("signet_admin_first").orElseThrow().name()).isEqualTo("admin");
    server.replaceAdminTokens("signet_admin_second");
    assertThat(tokens.authenticate("signet_admin_first")).isEmpty();
    assertThat(tokens.authenticate("signet_admin_second").orElseThrow().roles())
        .containsExactly("admin");
  }

  static List<Backend> databases() {
    return Backend.databases();
  }
}
