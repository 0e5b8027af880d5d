package dev.signet.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.server.origin.Credential;
import dev.signet.server.origin.Origin;
import dev.signet.server.session.SessionException;
import dev.signet.server.session.SessionLimits;
import dev.signet.server.session.SessionStore;
import dev.signet.server.session.Sessions;
import dev.signet.server.session.StoredSession;
import dev.signet.server.store.StoreContractTest.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sessions on every store (memory, H2, PostgreSQL): the row round-trips, reservations never pass
 * {@code maxUses}, and — on the databases, with two processes each with its own pool and cache —
 * exactly {@code maxUses} signing requests succeed across the processes, a process that dies loses
 * only its unused reservation, and a revocation on one process is seen by the other within {@link
 * SessionLimits#RECHECK_INTERVAL}.
 */
class SessionStoreContractTest {
  static final Instant T0 = StoreContractTest.T0;

  static List<Backend> backends() {
    return Backend.all();
  }

  static List<Backend> databases() {
    return Backend.databases();
  }

  static final Origin ORIGIN =
      Origin.of(
          new Credential.Oidc(
              "github",
              "https://token.actions.githubusercontent.com",
              "repo:acme/payments:ref:refs/tags/v1",
              "https://signet.test",
              T0.minusSeconds(5),
              T0.plus(Duration.ofMinutes(30)),
              "jti-1",
              Map.of("repository_id", "456789", "ref", "refs/tags/v1", "run_attempt", "1")),
          new Credential.Certificate(
              "CN=agent-1,O=Acme",
              "CN=Acme Build CA,O=Acme",
              Map.of("CN", List.of("agent-1"), "O", List.of("Acme")),
              Set.of("1.2.3.4"),
              "a".repeat(64),
              "b".repeat(64)),
          new Credential.ProjectToken(
              "0011223344556677", "payments", Set.of("digest", "pipeline"), T0.plusSeconds(7200)));

  static StoredSession row(String id, int maxUses, Instant expires) {
    return new StoredSession(
        id, "payments", "c".repeat(64), "[]", null, null, T0, expires, maxUses, 0, null);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void aSessionRoundTripsAndAnIdClashIsRefused(Backend backend) {
    try (backend) {
      SessionStore store = backend.process(new TestClock()).sessions();
      StoredSession s =
          new StoredSession(
              "00000000000000aa",
              "payments",
              "d".repeat(64),
              "[{\"method\":\"oidc\"}]",
              "e".repeat(64),
              "0011223344556677",
              T0.plusNanos(123_456_000),
              T0.plusSeconds(600),
              1000,
              0,
              null);
      store.add(s);
      assertThat(store.find(s.id())).contains(s);
      assertThat(store.find("00000000000000ab")).isEmpty();
      assertThatThrownBy(() -> store.add(row(s.id(), 1, T0.plusSeconds(1))))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void reservationsStopAtMaxUsesExpiryAndRevocation(Backend backend) {
    try (backend) {
      SessionStore store = backend.process(new TestClock()).sessions();
      store.add(row("0000000000000001", 40, T0.plusSeconds(600)));
      assertThat(store.reserve("0000000000000001", 32, T0)).isTrue();
      assertThat(store.reserve("0000000000000001", 9, T0)).isFalse();
      assertThat(store.reserve("0000000000000001", 8, T0)).isTrue();
      assertThat(store.reserve("0000000000000001", 1, T0)).isFalse();
      assertThat(store.find("0000000000000001").orElseThrow().reserved()).isEqualTo(40);

      store.add(row("0000000000000002", 40, T0.plusSeconds(600)));
      assertThat(store.reserve("0000000000000002", 1, T0.plusSeconds(600))).isFalse();
      assertThat(store.revoke("0000000000000002", T0.plusSeconds(1))).isTrue();
      assertThat(store.revoke("0000000000000002", T0.plusSeconds(2))).isTrue();
      assertThat(store.find("0000000000000002").orElseThrow().revokedAt())
          .isEqualTo(T0.plusSeconds(1));
      assertThat(store.reserve("0000000000000002", 1, T0)).isFalse();
      assertThat(store.revoke("0000000000000003", T0)).isFalse();
      assertThat(store.reserve("0000000000000003", 1, T0)).isFalse();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void theStoredOriginIsTheExchangedOneAndBindsTheCertificate(Backend backend) throws Exception {
    try (backend) {
      TestClock clock = new TestClock();
      Sessions sessions = new Sessions(backend.process(clock).sessions(), clock);
      Sessions.Issued issued = sessions.issue("payments", ORIGIN, null, null, null);
      assertThat(issued.token()).matches("sgs_[0-9a-f]{16}_[0-9a-f]{64}");
      assertThat(issued.session().secretSha256()).doesNotContain(issued.token().substring(21));
      // A fresh process reads the origin back from the row.
      Sessions other = new Sessions(backend.process(clock).sessions(), clock);
      Sessions.Session s = other.authenticate(issued.token(), "payments", "a".repeat(64), true);
      assertThat(s.origin()).isEqualTo(ORIGIN);
      assertThat(s.id()).isEqualTo(issued.session().id());
      assertThatThrownBy(() -> other.authenticate(issued.token(), "payments", null, true))
          .hasMessageContaining("bound to the client certificate")
          .extracting(e -> ((SessionException) e).reason())
          .isEqualTo(SessionException.Reason.CERTIFICATE_MISMATCH);
      assertThatThrownBy(() -> other.authenticate(issued.token(), "billing", "a".repeat(64), true))
          .extracting(e -> ((SessionException) e).reason())
          .isEqualTo(SessionException.Reason.WRONG_PROJECT);
      // The OIDC token expires at T0+30min: the session may outlive it by 10 minutes at most,
      // but the default lifetime (10 min) ends first; the project token's expiry is later still.
      assertThat(issued.session().expiresAt()).isEqualTo(T0.plus(SessionLimits.DEFAULT_TTL));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void exactlyMaxUsesSucceedAcrossTwoProcesses(Backend backend) throws Exception {
    try (backend) {
      TestClock clock = new TestClock();
      Sessions a = new Sessions(backend.process(clock).sessions(), clock);
      Sessions b = new Sessions(backend.process(clock).sessions(), clock);
      int maxUses = 150;
      String token = a.issue("payments", ORIGIN, null, maxUses, null).token();
      ExecutorService pool = Executors.newFixedThreadPool(8);
      CountDownLatch go = new CountDownLatch(1);
      try {
        List<Future<Integer>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          Sessions s = t % 2 == 0 ? a : b;
          Callable<Integer> worker =
              () -> {
                go.await();
                int ok = 0;
                for (int i = 0; i < 60; i++) {
                  try {
                    s.authenticate(token, "payments", "a".repeat(64), true);
                    ok++;
                  } catch (SessionException e) {
                    assertThat(e.reason()).isEqualTo(SessionException.Reason.EXHAUSTED);
                  }
                }
                return ok;
              };
          futures.add(pool.submit(worker));
        }
        go.countDown();
        int total = 0;
        for (Future<Integer> f : futures) {
          total += f.get();
        }
        assertThat(total).isEqualTo(maxUses);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aDeadProcessLosesItsUnusedReservationNeverMore(Backend backend) throws Exception {
    try (backend) {
      TestClock clock = new TestClock();
      Sessions dying = new Sessions(backend.process(clock).sessions(), clock);
      String token = dying.issue("payments", ORIGIN, null, 40, null).token();
      dying.authenticate(token, "payments", "a".repeat(64), true); // reserves a batch of 32
      Sessions next = new Sessions(backend.process(clock).sessions(), clock);
      int ok = 0;
      for (int i = 0; i < 40; i++) {
        try {
          next.authenticate(token, "payments", "a".repeat(64), true);
          ok++;
        } catch (SessionException e) {
          assertThat(e.reason()).isEqualTo(SessionException.Reason.EXHAUSTED);
          assertThat(e.getMessage()).contains("used all its 40");
        }
      }
      assertThat(ok).isEqualTo(40 - SessionLimits.RESERVATION_BATCH);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aRevocationOnOneProcessIsSeenByTheOtherWithinTheRecheckInterval(Backend backend)
      throws Exception {
    try (backend) {
      TestClock clock = new TestClock();
      Sessions a = new Sessions(backend.process(clock).sessions(), clock);
      Sessions b = new Sessions(backend.process(clock).sessions(), clock);
      Sessions.Issued issued = a.issue("payments", ORIGIN, null, null, null);
      String token = issued.token();
      b.authenticate(token, "payments", "a".repeat(64), true);
      assertThat(a.revoke("payments", issued.session().id())).isTrue();
      assertThatThrownBy(() -> a.authenticate(token, "payments", "a".repeat(64), true))
          .extracting(e -> ((SessionException) e).reason())
          .isEqualTo(SessionException.Reason.REVOKED);
      // b still holds part of its batch and has not re-read the row: the documented window.
      b.authenticate(token, "payments", "a".repeat(64), true);
      clock.advance(SessionLimits.RECHECK_INTERVAL);
      assertThatThrownBy(() -> b.authenticate(token, "payments", "a".repeat(64), false))
          .hasMessageContaining("was revoked")
          .extracting(e -> ((SessionException) e).reason())
          .isEqualTo(SessionException.Reason.REVOKED);
      assertThat(a.revoke("billing", issued.session().id())).isFalse();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void revokingTheProjectTokenEndsTheSessionsItOpenedOnEveryProcess(Backend backend)
      throws Exception {
    try (backend) {
      TestClock clock = new TestClock();
      Sessions a = new Sessions(backend.process(clock).sessions(), clock);
      Sessions b = new Sessions(backend.process(clock).sessions(), clock);
      Sessions.Issued one = a.issue("payments", ORIGIN, null, null, null);
      Sessions.Issued two = a.issue("payments", ORIGIN, null, null, null);
      assertThat(one.session().projectTokenId()).isEqualTo("0011223344556677");
      Origin oidcOnly = Origin.of(ORIGIN.credentials().getFirst());
      Sessions.Issued other = a.issue("payments", oidcOnly, null, null, null);
      assertThat(other.session().projectTokenId()).isNull();
      b.authenticate(one.token(), "payments", "a".repeat(64), true);
      a.authenticate(two.token(), "payments", "a".repeat(64), true);

      assertThat(a.revokeOpenedWith("0011223344556677"))
          .containsExactlyInAnyOrder(one.session().id(), two.session().id());
      assertThat(a.revokeOpenedWith("0011223344556677")).isEmpty();
      for (String t : List.of(one.token(), two.token())) {
        assertThatThrownBy(() -> a.authenticate(t, "payments", "a".repeat(64), true))
            .extracting(e -> ((SessionException) e).reason())
            .isEqualTo(SessionException.Reason.REVOKED);
      }
      // The other process at the latest when it re-reads the row.
      clock.advance(SessionLimits.RECHECK_INTERVAL);
      assertThatThrownBy(() -> b.authenticate(one.token(), "payments", "a".repeat(64), true))
          .extracting(e -> ((SessionException) e).reason())
          .isEqualTo(SessionException.Reason.REVOKED);
      // A session the token did not open lives on.
      b.authenticate(other.token(), "payments", null, true);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void expiredSessionsAreDeletedInBoundedBatchesOldestFirst(Backend backend) throws Exception {
    try (backend) {
      SessionStore store = backend.process(new TestClock()).sessions();
      for (int i = 0; i < 25; i++) {
        store.add(row(String.format(java.util.Locale.ROOT, "%016x", i), 1, T0.plusSeconds(i)));
      }
      assertThat(store.deleteExpired(T0.plusSeconds(19), 8)).isEqualTo(8);
      assertThat(store.find(String.format(java.util.Locale.ROOT, "%016x", 0))).isEmpty();
      assertThat(store.find(String.format(java.util.Locale.ROOT, "%016x", 8))).isPresent();
      assertThat(store.deleteExpired(T0.plusSeconds(19), 100)).isEqualTo(12);
      assertThat(store.deleteExpired(T0.plusSeconds(19), 100)).isZero();
      assertThat(store.find(String.format(java.util.Locale.ROOT, "%016x", 20))).isPresent();

      // Through Sessions: only what expired more than KEEP_EXPIRED ago goes.
      TestClock clock = new TestClock();
      Sessions sessions = new Sessions(store, clock);
      String token = sessions.issue("payments", ORIGIN, Duration.ofSeconds(60), null, null).token();
      clock.advance(Duration.ofSeconds(60));
      assertThat(sessions.cleanUp()).isZero();
      assertThatThrownBy(() -> sessions.authenticate(token, "payments", "a".repeat(64), true))
          .extracting(e -> ((SessionException) e).reason())
          .isEqualTo(SessionException.Reason.EXPIRED);
      clock.advance(SessionLimits.KEEP_EXPIRED);
      assertThat(sessions.cleanUp()).isEqualTo(6); // the 5 rows left above and this session
      assertThatThrownBy(() -> sessions.authenticate(token, "payments", "a".repeat(64), true))
          .extracting(e -> ((SessionException) e).reason())
          .isEqualTo(SessionException.Reason.UNKNOWN_SESSION);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void anExpiredSessionIsRefusedAndBoundsAreEnforced(Backend backend) throws Exception {
    try (backend) {
      TestClock clock = new TestClock();
      Sessions s = new Sessions(backend.process(clock).sessions(), clock);
      String token = s.issue("payments", ORIGIN, Duration.ofSeconds(60), 5, null).token();
      s.authenticate(token, "payments", "a".repeat(64), true);
      clock.advance(Duration.ofSeconds(60));
      assertThatThrownBy(() -> s.authenticate(token, "payments", "a".repeat(64), true))
          .extracting(e -> ((SessionException) e).reason())
          .isEqualTo(SessionException.Reason.EXPIRED);
      assertThatThrownBy(() -> s.issue("payments", ORIGIN, Duration.ofMinutes(16), null, null))
          .extracting(e -> ((SessionException) e).reason())
          .isEqualTo(SessionException.Reason.OUT_OF_BOUNDS);
      assertThatThrownBy(() -> s.issue("payments", ORIGIN, null, 100_001, null))
          .extracting(e -> ((SessionException) e).reason())
          .isEqualTo(SessionException.Reason.OUT_OF_BOUNDS);
      // An OIDC token that expires in 1 minute gives a session of at most 1 + 10 minutes.
      Origin shortLived =
          Origin.of(
              new Credential.Oidc(
                  "github",
                  "https://token.actions.githubusercontent.com",
                  "repo:acme/payments:ref:refs/tags/v1",
                  "https://signet.test",
                  clock.instant(),
                  clock.instant().plusSeconds(60),
                  "jti-2",
                  Map.of()));
      assertThat(
              s.issue("payments", shortLived, Duration.ofMinutes(15), null, null)
                  .session()
                  .expiresAt())
          .isEqualTo(clock.instant().plusSeconds(60).plus(SessionLimits.BEYOND_TOKEN_EXPIRY));
    }
  }
}
