package dev.signet.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.keys.Algorithm;
import dev.signet.server.approval.ApprovalException;
import dev.signet.server.approval.Approvals;
import dev.signet.server.approval.Grant;
import dev.signet.server.approval.Identity;
import dev.signet.server.approval.PrincipalStore;
import dev.signet.server.approval.SigningRequest;
import dev.signet.server.approval.Vote;
import dev.signet.server.custody.Custody;
import dev.signet.server.custody.CustodyException;
import dev.signet.server.custody.CustodyKind;
import dev.signet.server.custody.KeyEvent;
import dev.signet.server.custody.SoftwareMasterKey;
import dev.signet.server.custody.VersionRecord;
import dev.signet.server.origin.Origin;
import dev.signet.server.origin.ReplayGuard;
import dev.signet.server.policy.Decision;
import dev.signet.server.policy.Fixtures;
import dev.signet.server.policy.Operation;
import dev.signet.server.policy.PolicyEngine;
import dev.signet.server.policy.PolicyHistory;
import dev.signet.server.policy.PolicySnapshot;
import dev.signet.server.policy.RequestAttributes;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The stores' concurrency contracts, with two "server processes" on one database: each has its own
 * {@link Database} and connection pool, and several threads race in each. In memory both processes
 * share the one store, which is what a single process does.
 */
class StoreConcurrencyTest {
  static final int THREADS = 8;

  static List<Backend> backends() {
    return Backend.all();
  }

  /** Runs {@code task(i)} on THREADS threads released together; their results in thread order. */
  static <T> List<T> race(IntFunction<Callable<T>> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      CyclicBarrier go = new CyclicBarrier(THREADS);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        Callable<T> c = task.apply(i);
        futures.add(
            pool.submit(() -> {
              go.await(30, TimeUnit.SECONDS);
              return c.call();
            }));
      }
      List<T> out = new ArrayList<>();
      for (Future<T> f : futures) {
        out.add(f.get(120, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void exactlyOneCompareAndSetWinsARevision(Backend backend) throws Exception {
    StoreContractTest.TestClock clock = new StoreContractTest.TestClock();
    Stores[] procs = {backend.process(clock), backend.process(clock)};
    SigningRequest r = StoreContractTest.request("req_cas", null);
    procs[0].requests().insert(r);
    for (int round = 0; round < 20; round++) {
      SigningRequest read = procs[0].requests().find("req_cas").orElseThrow();
      List<Boolean> won =
          race(i ->
              () -> {
                Vote v =
                    new Vote(
                        "req_cas",
                        Identity.admin("approver-" + i),
                        Vote.Verdict.APPROVE,
                        "",
                        StoreContractTest.T0);
                SigningRequest next =
                    StoreContractTest.next(
                        read,
                        SigningRequest.Status.PENDING,
                        StoreContractTest.plus(read.votes(), v));
                return procs[i % 2].requests().compareAndSet(read, next);
              });
      assertThat(won).filteredOn(b -> b).hasSize(1);
      SigningRequest after = procs[1].requests().find("req_cas").orElseThrow();
      assertThat(after.revision()).isEqualTo(read.revision() + 1);
      assertThat(after.votes()).hasSize(round + 1);
      int winner = won.indexOf(true);
      assertThat(after.votes().getLast().approver())
          .isEqualTo(Identity.admin("approver-" + winner));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void grantUsesNeverExceedTheMaximum(Backend backend) throws Exception {
    StoreContractTest.TestClock clock = new StoreContractTest.TestClock();
    Stores[] procs = {backend.process(clock), backend.process(clock)};
    int max = 50;
    Grant g =
        StoreContractTest.grant(
            "grant_race", "req_race", max, StoreContractTest.T0.plusSeconds(60));
    procs[0].grants().insert(g);
    int attempts = 25; // 8 threads × 25 = 200 attempts for 50 uses
    List<Integer> taken =
        race(i ->
            () -> {
              int n = 0;
              for (int a = 0; a < attempts; a++) {
                var used = procs[i % 2].grants().tryConsume("grant_race", StoreContractTest.T0);
                if (used.isPresent()) {
                  assertThat(used.get().used()).isBetween(1, max);
                  n++;
                }
              }
              return n;
            });
    assertThat(taken.stream().mapToInt(Integer::intValue).sum()).isEqualTo(max);
    assertThat(procs[1].grants().find("grant_race").orElseThrow().used()).isEqualTo(max);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void aReplayedTokenIdWinsOnce(Backend backend) throws Exception {
    StoreContractTest.TestClock clock = new StoreContractTest.TestClock();
    Stores[] procs = {backend.process(clock), backend.process(clock)};
    for (int t = 0; t < 25; t++) {
      String jti = "jti-" + t;
      List<Boolean> first =
          race(i ->
              () ->
                  procs[i % 2]
                      .replayGuard()
                      .firstUse(
                          "https://issuer.example", jti, StoreContractTest.T0.plusSeconds(60)));
      assertThat(first).filteredOn(b -> b).hasSize(1);
    }
  }

  /**
   * Group commit: hundreds of callers at once, each token id used four times, in batches of one
   * process and across two. Every id wins exactly once, and an id is never lost (each is first
   * somewhere).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void tokenIdsUsedManyTimesAtOnceWinOnceEach(Backend backend) throws Exception {
    StoreContractTest.TestClock clock = new StoreContractTest.TestClock();
    Stores[] procs = {backend.process(clock), backend.process(clock)};
    int ids = 100;
    int usesPerId = 4;
    ConcurrentHashMap<String, AtomicInteger> wins = new ConcurrentHashMap<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Boolean>> futures = new ArrayList<>();
      for (int i = 0; i < ids * usesPerId; i++) {
        String jti = "many-" + (i % ids);
        ReplayGuard guard = procs[(i / ids) % 2].replayGuard();
        futures.add(
            pool.submit(() -> {
              go.await();
              boolean first =
                  guard.firstUse(
                      "https://issuer.example", jti, StoreContractTest.T0.plusSeconds(60));
              if (first) {
                wins.computeIfAbsent(jti, k -> new AtomicInteger()).incrementAndGet();
              }
              return first;
            }));
      }
      go.countDown();
      long firsts = 0;
      for (Future<Boolean> f : futures) {
        firsts += f.get(120, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(firsts).isEqualTo(ids);
    }
    assertThat(wins).hasSize(ids);
    assertThat(wins.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void aPolicyVersionRecordedByTwoProcessesAtOnceIsRecordedOnce(Backend backend) throws Exception {
    StoreContractTest.TestClock clock = new StoreContractTest.TestClock();
    Stores[] procs = {backend.process(clock), backend.process(clock)};
    PolicySnapshot s = StoreContractTest.snapshot("7");
    List<Boolean> recorded =
        race(i ->
            () ->
                procs[i % 2]
                    .policyHistory()
                    .record(s, "p" + i, StoreContractTest.T0.plusSeconds(i)));
    assertThat(recorded).filteredOn(b -> b).hasSize(1);
    PolicyHistory.Entry e = procs[0].policyHistory().find(s.version()).orElseThrow();
    assertThat(e.source()).isEqualTo("p" + recorded.indexOf(true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void concurrentRotationsCreateVersionNPlusOneOnce(Backend backend) throws Exception {
    StoreContractTest.TestClock clock = new StoreContractTest.TestClock();
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    SoftwareMasterKey master = SoftwareMasterKey.of(k);
    Custody[] servers = {
      new Custody(backend.process(clock).custody(), master, clock, null),
      new Custody(backend.process(clock).custody(), master, clock, null)
    };
    servers[0].create("acme", "release", Algorithm.ES256, CustodyKind.SOFTWARE, "admin");
    int wins = 0;
    int rounds = 10;
    for (int round = 0; round < rounds; round++) {
      List<Boolean> won =
          race(i ->
              () -> {
                try {
                  servers[i % 2].rotate("acme", "release", "admin");
                  return true;
                } catch (CustodyException e) {
                  assertThat(e.reason()).isEqualTo(CustodyException.Reason.CONFLICT);
                  return false;
                }
              });
      int roundWins = (int) won.stream().filter(b -> b).count();
      assertThat(roundWins).isGreaterThanOrEqualTo(1);
      wins += roundWins;
    }
    List<VersionRecord> versions = servers[1].versions("acme", "release");
    assertThat(versions).extracting(VersionRecord::version).isEqualTo(range(1, 1 + wins));
    List<KeyEvent> events = servers[1].events("acme", "release");
    assertThat(events).hasSize(1 + wins);
    assertThat(events).extracting(KeyEvent::version).isEqualTo(range(1, 1 + wins));
    // The newest version signs, on either server.
    assertThat(servers[0].signingKey("acme", "release")).isNotNull();
  }

  private static List<Integer> range(int from, int to) {
    List<Integer> out = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      out.add(i);
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void theQuorumsLastVoteIssuesOneGrantAcrossProcesses(Backend backend) throws Exception {
    StoreContractTest.TestClock clock = new StoreContractTest.TestClock();
    Stores[] procs = {backend.process(clock), backend.process(clock)};
    for (String who :
        List.of("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan")) {
      procs[0]
          .principals()
          .add(
              new PrincipalStore.Principal(who, Set.of("release-managers"), clock.instant(), null));
    }
    Approvals[] approvals = {
      new Approvals(procs[0].requests(), procs[0].grants(), procs[0].principals(), clock),
      new Approvals(procs[1].requests(), procs[1].grants(), procs[1].principals(), clock)
    };
    Map<String, String> claims = Fixtures.githubRelease();
    claims.put("ref", "refs/heads/hotfix/pay-42");
    Origin build = Origin.of(Fixtures.github(claims));
    PolicyEngine engine =
        new PolicyEngine(Fixtures.example(), "policy.yaml", PolicyHistory.inMemory(), clock);
    List<String> racers =
        List.of("bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan");
    for (int round = 0; round < 5; round++) {
      Decision.NeedsApproval d =
          (Decision.NeedsApproval)
              engine.decide(
                  "payments", Operation.DIGEST, "payments-release", build, RequestAttributes.NONE);
      var pending =
          (Approvals.Submission.Pending)
              approvals[0].submit(
                  d, Operation.DIGEST, "payments-release", "sha256:" + "ab".repeat(32), build);
      String id = pending.request().id();
      approvals[0].approve(id, Identity.admin("alice"), "first");
      List<Approvals.Outcome> outcomes =
          race(i ->
              () -> {
                try {
                  return approvals[i % 2].approve(id, Identity.admin(racers.get(i)), "last");
                } catch (ApprovalException e) {
                  assertThat(e.code()).isEqualTo(ApprovalException.Code.NOT_PENDING);
                  return null;
                }
              });
      List<Approvals.Outcome> done = outcomes.stream().filter(o -> o != null).toList();
      assertThat(done).hasSize(1);
      Grant grant = done.getFirst().grant();
      assertThat(grant).isNotNull();
      assertThat(procs[1].grants().find(grant.id())).contains(grant);
      SigningRequest stored = procs[1].requests().find(id).orElseThrow();
      assertThat(stored.status()).isEqualTo(SigningRequest.Status.APPROVED);
      assertThat(stored.votes()).hasSize(2);
      // Used up the round's grant so the next round waits for approval again.
      assertThat(procs[0].grants().revoke(grant.id(), clock.instant())).isTrue();
    }
  }
}
