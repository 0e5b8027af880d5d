package dev.signet.server.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.input.InputException;
import dev.signet.server.origin.Origin;
import dev.signet.server.policy.Decision;
import dev.signet.server.policy.Fixtures;
import dev.signet.server.policy.MutableClock;
import dev.signet.server.policy.Operation;
import dev.signet.server.policy.PolicyEngine;
import dev.signet.server.policy.PolicyHistory;
import dev.signet.server.policy.PolicySet;
import dev.signet.server.policy.RequestAttributes;
import dev.signet.server.policy.TestVocabularies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The approval state machine and grants against the example policy's "hotfix" rule (2 of n). */
class ApprovalsTest {
  private static final Identity ALICE = Identity.admin("alice");
  private static final Identity BOB = Identity.admin("bob");
  private static final Identity CAROL = Identity.admin("carol");
  private static final Identity MALLORY = Identity.admin("mallory");

  private final MutableClock clock = new MutableClock(Fixtures.T0);
  private final GrantStore grants = GrantStore.inMemory();
  private final RequestStore requests = RequestStore.inMemory();
  private final Origin hotfixBuild;
  private PolicyEngine engine;
  private Approvals approvals;

  ApprovalsTest() {
    Map<String, String> claims = Fixtures.githubRelease();
    claims.put("ref", "refs/heads/hotfix/pay-42");
    hotfixBuild = Origin.of(Fixtures.github(claims));
    engine = new PolicyEngine(Fixtures.example(), "policy.yaml", PolicyHistory.inMemory(), clock);
    approvals = approvals(RoleDirectory.of(Map.of("release-managers", Set.of(ALICE, BOB, CAROL))));
  }

  private Approvals approvals(RoleDirectory roles) {
    return new Approvals(requests, grants, roles, clock);
  }

  private Decision.NeedsApproval needsApproval() {
    Decision d =
        engine.decide(
            "payments", Operation.DIGEST, "payments-release", hotfixBuild, RequestAttributes.NONE);
    assertThat(d).isInstanceOf(Decision.NeedsApproval.class);
    return (Decision.NeedsApproval) d;
  }

  private SigningRequest submitPending() {
    Approvals.Submission s =
        approvals.submit(
            needsApproval(),
            Operation.DIGEST,
            "payments-release",
            "sha256:" + "ab".repeat(32),
            hotfixBuild);
    assertThat(s).isInstanceOf(Approvals.Submission.Pending.class);
    return ((Approvals.Submission.Pending) s).request();
  }

  @Test
  void twoOfThreeApproves() throws ApprovalException {
    SigningRequest r = submitPending();
    assertThat(r.status()).isEqualTo(SigningRequest.Status.PENDING);
    assertThat(r.expires()).isEqualTo(Fixtures.T0.plus(Duration.ofHours(24)));
    assertThat(r.policyVersion()).isEqualTo(engine.snapshot().version());

    Approvals.Outcome first = approvals.approve(r.id(), ALICE, "looks right");
    assertThat(first.request().status()).isEqualTo(SigningRequest.Status.PENDING);
    assertThat(first.grant()).isNull();
    assertThat(first.vote().verdict()).isEqualTo(Vote.Verdict.APPROVE);

    Approvals.Outcome second = approvals.approve(r.id(), BOB, "ok");
    assertThat(second.request().status()).isEqualTo(SigningRequest.Status.APPROVED);
    assertThat(second.request().votes()).extracting(Vote::approver).containsExactly(ALICE, BOB);
    assertThat(second.grant()).isNotNull();
    assertThat(second.grant().maxSignatures()).isEqualTo(5);
    assertThat(second.grant().expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));

    assertThatThrownBy(() -> approvals.approve(r.id(), CAROL, "late"))
        .isInstanceOf(ApprovalException.class)
        .hasMessage("signing request " + r.id() + " is approved");
  }

  @Test
  void theSameApproverCountsOnce() throws ApprovalException {
    SigningRequest r = submitPending();
    approvals.approve(r.id(), ALICE, "");
    assertThatThrownBy(() -> approvals.approve(r.id(), Identity.admin("alice"), ""))
        .isInstanceOfSatisfying(
            ApprovalException.class,
            e -> assertThat(e.code()).isEqualTo(ApprovalException.Code.ALREADY_VOTED));
    assertThat(approvals.find(r.id()).orElseThrow().approvals()).isEqualTo(1);
  }

  @Test
  void anyDenyAborts() throws ApprovalException {
    SigningRequest r = submitPending();
    approvals.approve(r.id(), ALICE, "");
    Approvals.Outcome denied = approvals.deny(r.id(), CAROL, "not during the freeze");
    assertThat(denied.request().status()).isEqualTo(SigningRequest.Status.DENIED);
    assertThat(denied.vote().comment()).isEqualTo("not during the freeze");
    assertThatThrownBy(() -> approvals.approve(r.id(), BOB, ""))
        .isInstanceOfSatisfying(
            ApprovalException.class,
            e -> assertThat(e.code()).isEqualTo(ApprovalException.Code.NOT_PENDING));
    assertThat(
            grants.usable(
                "payments",
                "hotfix",
                r.rule().ruleHash(),
                "payments-release",
                Operation.DIGEST,
                clock.instant()))
        .isEmpty();
  }

  @Test
  void theRequesterCannotApprove() {
    // An approver who holds the role but authenticates with the very identity that requested.
    Identity requester = Identity.of(hotfixBuild.credentials().getFirst());
    Approvals withRequesterInRole =
        approvals(RoleDirectory.of(Map.of("release-managers", Set.of(ALICE, requester))));
    SigningRequest r =
        ((Approvals.Submission.Pending)
                withRequesterInRole.submit(
                    needsApproval(),
                    Operation.DIGEST,
                    "payments-release",
                    "sha256:00",
                    hotfixBuild))
            .request();
    assertThat(r.requester()).contains(requester);
    assertThatThrownBy(() -> withRequesterInRole.approve(r.id(), requester, ""))
        .isInstanceOfSatisfying(
            ApprovalException.class,
            e -> assertThat(e.code()).isEqualTo(ApprovalException.Code.SELF_APPROVAL))
        .hasMessage("the requester cannot approve or deny their own signing request");
  }

  @Test
  void identityEqualityIsIssuerAndSubject() {
    var a = Fixtures.github(Fixtures.githubRelease());
    var sameSubOtherIssuer =
        Fixtures.oidc("ghes", "https://ghes.example.com/_services/token", Fixtures.githubRelease());
    assertThat(Identity.of(a)).isNotEqualTo(Identity.of(sameSubOtherIssuer));
    assertThat(Identity.of(a)).isEqualTo(Identity.of(Fixtures.github(Fixtures.githubRelease())));
    assertThat(Identity.admin("alice")).isNotEqualTo(Identity.admin("Alice"));
    var cert = Fixtures.agentCertificate();
    var sameCertOtherSpacing =
        new dev.signet.server.origin.Credential.Certificate(
            "CN=agent-17, OU=build, O=Acme",
            "CN=Acme Build CA,O=Acme",
            cert.subject(),
            cert.templateOids(),
            cert.sha256(),
            cert.caSha256());
    assertThat(Identity.of(cert)).isEqualTo(Identity.of(sameCertOtherSpacing));
  }

  @Test
  void onlyRoleHoldersVote() {
    SigningRequest r = submitPending();
    assertThatThrownBy(() -> approvals.approve(r.id(), MALLORY, ""))
        .isInstanceOfSatisfying(
            ApprovalException.class,
            e -> assertThat(e.code()).isEqualTo(ApprovalException.Code.NOT_IN_ROLE))
        .hasMessage("admin:mallory does not hold role release-managers");
    assertThatThrownBy(() -> approvals.deny(r.id(), MALLORY, ""))
        .isInstanceOf(ApprovalException.class);
    assertThat(approvals.find(r.id()).orElseThrow().status())
        .isEqualTo(SigningRequest.Status.PENDING);
  }

  @Test
  void readingAnExpiredRequestShowsItExpiredButOnlyTheSweepWritesItOnce() {
    SigningRequest r = submitPending();
    SigningRequest other = submitPending();
    clock.advance(Duration.ofHours(23));
    assertThat(approvals.expireDue(10)).isEmpty();
    clock.advance(Duration.ofHours(1));
    assertThat(approvals.find(r.id()).orElseThrow().status())
        .isEqualTo(SigningRequest.Status.EXPIRED);
    // The read wrote nothing: the stored request is still the pending revision.
    assertThat(requests.find(r.id()).orElseThrow()).isEqualTo(r);
    // Two sweepers (as two processes on one store): each request is expired by exactly one.
    Approvals second = approvals(RoleDirectory.of(Map.of()));
    List<SigningRequest> first = approvals.expireDue(1);
    List<SigningRequest> rest = second.expireDue(10);
    assertThat(first).hasSize(1);
    assertThat(rest).hasSize(1);
    assertThat(List.of(first.getFirst().id(), rest.getFirst().id()))
        .containsExactlyInAnyOrder(r.id(), other.id());
    assertThat(approvals.expireDue(10)).isEmpty();
    assertThat(requests.find(r.id()).orElseThrow().status())
        .isEqualTo(SigningRequest.Status.EXPIRED);
    assertThat(requests.find(r.id()).orElseThrow().revision()).isEqualTo(r.revision() + 1);
  }

  @Test
  void approvalAfterExpiryIsRefused() throws ApprovalException {
    SigningRequest r = submitPending();
    approvals.approve(r.id(), ALICE, "");
    clock.advance(Duration.ofHours(24));
    assertThatThrownBy(() -> approvals.approve(r.id(), BOB, ""))
        .isInstanceOfSatisfying(
            ApprovalException.class,
            e -> assertThat(e.code()).isEqualTo(ApprovalException.Code.EXPIRED));
    assertThat(approvals.find(r.id()).orElseThrow().status())
        .isEqualTo(SigningRequest.Status.EXPIRED);
    assertThatThrownBy(() -> approvals.approve(r.id(), CAROL, ""))
        .isInstanceOfSatisfying(
            ApprovalException.class,
            e -> assertThat(e.code()).isEqualTo(ApprovalException.Code.EXPIRED));
    assertThatThrownBy(() -> approvals.approve("req_nope", CAROL, ""))
        .isInstanceOfSatisfying(
            ApprovalException.class,
            e -> assertThat(e.code()).isEqualTo(ApprovalException.Code.NOT_FOUND));
  }

  private Grant approvedGrant() throws ApprovalException {
    SigningRequest r = submitPending();
    approvals.approve(r.id(), ALICE, "");
    Grant g = approvals.approve(r.id(), BOB, "").grant();
    assertThat(g).isNotNull();
    return g;
  }

  @Test
  void aGrantCoversLaterRequestsOfTheSameRuleUpToItsCount() throws ApprovalException {
    Grant g = approvedGrant();
    for (int i = 1; i <= 5; i++) {
      Approvals.Submission s =
          approvals.submit(
              needsApproval(), Operation.DIGEST, "payments-release", "sha256:0" + i, hotfixBuild);
      assertThat(s)
          .isInstanceOfSatisfying(
              Approvals.Submission.Granted.class,
              gr -> assertThat(gr.grant().id()).isEqualTo(g.id()));
      assertThat(((Approvals.Submission.Granted) s).grant().remaining()).isEqualTo(5 - i);
    }
    assertThat(
            approvals.submit(
                needsApproval(), Operation.DIGEST, "payments-release", "sha256:06", hotfixBuild))
        .isInstanceOf(Approvals.Submission.Pending.class);
  }

  @Test
  void aGrantEndsWithItsTtlOrRevocation() throws ApprovalException {
    Grant g = approvedGrant();
    clock.advance(Duration.ofMinutes(59));
    assertThat(
            approvals.submit(
                needsApproval(), Operation.DIGEST, "payments-release", "sha256:01", hotfixBuild))
        .isInstanceOf(Approvals.Submission.Granted.class);
    clock.advance(Duration.ofMinutes(1));
    assertThat(
            approvals.submit(
                needsApproval(), Operation.DIGEST, "payments-release", "sha256:02", hotfixBuild))
        .isInstanceOf(Approvals.Submission.Pending.class);

    Grant h = approvedGrant();
    assertThat(approvals.revoke(h.id())).isTrue();
    assertThat(approvals.revoke(h.id())).isFalse();
    assertThat(
            approvals.submit(
                needsApproval(), Operation.DIGEST, "payments-release", "sha256:03", hotfixBuild))
        .isInstanceOf(Approvals.Submission.Pending.class);
    assertThat(grants.find(g.id()).orElseThrow().used()).isEqualTo(1);
  }

  @Test
  void aChangedRuleEndsItsGrantsButOtherReloadsDoNot() throws ApprovalException, InputException {
    approvedGrant();
    // another project changes: the hotfix rule is the same, the grant still applies
    String other =
        Fixtures.EXAMPLE.replace("pipeline_source: [push, web]", "pipeline_source: [push]");
    engine.reload(PolicySet.parse(other, "p2.yaml", TestVocabularies.ALL), "p2.yaml");
    assertThat(
            approvals.submit(
                needsApproval(), Operation.DIGEST, "payments-release", "sha256:01", hotfixBuild))
        .isInstanceOf(Approvals.Submission.Granted.class);
    // the hotfix rule itself changes: its old grants no longer match
    String changed = other.replace("maxSignatures: 5", "maxSignatures: 6");
    engine.reload(PolicySet.parse(changed, "p3.yaml", TestVocabularies.ALL), "p3.yaml");
    assertThat(
            approvals.submit(
                needsApproval(), Operation.DIGEST, "payments-release", "sha256:02", hotfixBuild))
        .isInstanceOf(Approvals.Submission.Pending.class);
  }

  @Test
  void concurrentConsumptionNeverExceedsTheCount() throws Exception {
    Grant g = approvedGrant();
    int threads = 16;
    int attempts = 200;
    AtomicInteger granted = new AtomicInteger();
    AtomicInteger pending = new AtomicInteger();
    Decision.NeedsApproval decision = needsApproval();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(
            pool.submit(() -> {
              start.await();
              for (int i = 0; i < attempts; i++) {
                if (approvals.submit(
                        decision, Operation.DIGEST, "payments-release", "sha256:ff", hotfixBuild)
                    instanceof Approvals.Submission.Granted) {
                  granted.incrementAndGet();
                } else {
                  pending.incrementAndGet();
                }
              }
              return null;
            }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(granted.get()).isEqualTo(5);
    assertThat(pending.get()).isEqualTo(threads * attempts - 5);
    assertThat(grants.find(g.id()).orElseThrow().used()).isEqualTo(5);
  }

  @Test
  void concurrentVotesReachOneOutcomeAndOneGrant() throws Exception {
    // 3-of-many, 12 approvers racing: exactly one vote approves, exactly one grant is issued.
    List<Identity> approvers = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      approvers.add(Identity.admin("approver-" + i));
    }
    Approvals a = approvals(RoleDirectory.of(Map.of("release-managers", Set.copyOf(approvers))));
    SigningRequest r =
        ((Approvals.Submission.Pending)
                a.submit(
                    needsApproval(),
                    Operation.DIGEST,
                    "payments-release",
                    "sha256:00",
                    hotfixBuild))
            .request();
    ExecutorService pool = Executors.newFixedThreadPool(12);
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger grantsIssued = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Identity who : approvers) {
        futures.add(
            pool.submit(() -> {
              start.await();
              try {
                if (a.approve(r.id(), who, "").grant() != null) {
                  grantsIssued.incrementAndGet();
                }
              } catch (ApprovalException e) {
                assertThat(e.code()).isEqualTo(ApprovalException.Code.NOT_PENDING);
                refused.incrementAndGet();
              }
              return null;
            }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    SigningRequest done = a.find(r.id()).orElseThrow();
    assertThat(done.status()).isEqualTo(SigningRequest.Status.APPROVED);
    assertThat(done.votes()).hasSize(2);
    assertThat(grantsIssued.get()).isEqualTo(1);
    assertThat(refused.get()).isEqualTo(10);
  }
}
