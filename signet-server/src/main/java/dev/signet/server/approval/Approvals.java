package dev.signet.server.approval;

import dev.signet.server.origin.Origin;
import dev.signet.server.policy.Decision;
import dev.signet.server.policy.Operation;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The approval state machine and grants. A request that a rule sends to approval either uses a
 * grant of that same rule or waits: PENDING → APPROVED (a quorum of distinct role holders) | DENIED
 * (any one deny) | EXPIRED (nothing decided in time). The requester never approves their own
 * request; an approver counts once; nothing is decided after expiry.
 *
 * <p>Every transition is a compare-and-set on the request's revision, retried after a re-read, so
 * concurrent votes (and a vote racing expiry) end in exactly one state, in one process or many.
 * Grants are consumed with one atomic conditional increment each.
 */
public final class Approvals {
  private static final int MAX_RETRIES = 64;
  private static final int MAX_COMMENT_CHARS = 1024;

  private final RequestStore requests;
  private final GrantStore grants;
  private final RoleDirectory roles;
  private final InstantSource clock;
  private final SecureRandom random = new SecureRandom();

  public Approvals(
      RequestStore requests, GrantStore grants, RoleDirectory roles, InstantSource clock) {
    this.requests = requests;
    this.grants = grants;
    this.roles = roles;
    this.clock = clock;
  }

  /** What {@link #submit} did. */
  public sealed interface Submission {
    /** A grant of the same rule covered the request: sign now. */
    record Granted(Grant grant) implements Submission {}

    /** The request waits for approvers. */
    record Pending(SigningRequest request) implements Submission {}
  }

  /**
   * A vote's result: the request after it, the vote (for the audit log) and the grant the approval
   * issued, if the rule gives one.
   */
  public record Outcome(SigningRequest request, Vote vote, @Nullable Grant grant) {}

  /**
   * Handles a {@link Decision.NeedsApproval}: consumes a use of a usable grant of the same rule
   * (same project, name and rule hash; the key and operation in its scope), or records a pending
   * request.
   */
  public Submission submit(
      Decision.NeedsApproval decision,
      Operation operation,
      String key,
      String subjectDigest,
      Origin origin) {
    Instant now = clock.instant();
    Decision.RuleRef rule = decision.rule();
    for (Grant g :
        grants.usable(rule.project(), rule.rule(), rule.ruleHash(), key, operation, now)) {
      Optional<Grant> used = grants.tryConsume(g.id(), now);
      if (used.isPresent()) {
        return new Submission.Granted(used.get());
      }
    }
    SigningRequest request =
        new SigningRequest(
            "req_" + id(),
            rule,
            operation,
            key,
            subjectDigest,
            Identity.of(origin),
            now,
            now.plus(decision.approval().expires()),
            decision.approval(),
            decision.grant(),
            decision.version(),
            SigningRequest.Status.PENDING,
            List.of(),
            0);
    requests.insert(request);
    return new Submission.Pending(request);
  }

  /**
   * The request; one that ran out while pending is shown EXPIRED. Reading never writes: the expiry
   * sweeper ({@link #expireDue}) is the one writer of EXPIRED, so the REQUEST_EXPIRED entry it
   * appends is written exactly once whoever reads the request first.
   */
  public Optional<SigningRequest> find(String id) {
    Optional<SigningRequest> found = requests.find(id);
    if (found.isEmpty() || !expiredNow(found.get(), clock.instant())) {
      return found;
    }
    SigningRequest r = found.get();
    return Optional.of(r.next(SigningRequest.Status.EXPIRED, r.votes()));
  }

  /**
   * Marks up to {@code max} pending requests past their expiry EXPIRED, each by compare-and-set on
   * its revision, and returns those this call expired: of processes sweeping at once, exactly one
   * wins each request (and appends its REQUEST_EXPIRED entry); a vote that raced the sweep and won
   * was made before the expiry, or the vote would have been refused.
   */
  public List<SigningRequest> expireDue(int max) {
    Instant now = clock.instant();
    List<SigningRequest> expired = new ArrayList<>();
    for (String id : requests.duePending(now, max)) {
      SigningRequest r = requests.find(id).orElse(null);
      if (r == null || !expiredNow(r, now)) {
        continue; // decided meanwhile
      }
      SigningRequest next = r.next(SigningRequest.Status.EXPIRED, r.votes());
      if (requests.compareAndSet(r, next)) {
        expired.add(next);
      }
    }
    return expired;
  }

  public Outcome approve(String requestId, Identity approver, String comment)
      throws ApprovalException {
    return vote(requestId, approver, Vote.Verdict.APPROVE, comment);
  }

  public Outcome deny(String requestId, Identity approver, String comment)
      throws ApprovalException {
    return vote(requestId, approver, Vote.Verdict.DENY, comment);
  }

  /** Revokes a grant; later requests wait for approval again. */
  public boolean revoke(String grantId) {
    return grants.revoke(grantId, clock.instant());
  }

  private Outcome vote(String requestId, Identity approver, Vote.Verdict verdict, String comment)
      throws ApprovalException {
    String note =
        comment.length() > MAX_COMMENT_CHARS ? comment.substring(0, MAX_COMMENT_CHARS) : comment;
    for (int attempt = 0; attempt < MAX_RETRIES; attempt++) {
      Instant now = clock.instant();
      SigningRequest r =
          requests
              .find(requestId)
              .orElseThrow(() ->
                  new ApprovalException(
                      ApprovalException.Code.NOT_FOUND, "no signing request " + requestId));
      if (expiredNow(r, now)) {
        // Not written here: the sweeper expires it and logs REQUEST_EXPIRED once.
        throw new ApprovalException(
            ApprovalException.Code.EXPIRED, "signing request " + requestId + " has expired");
      }
      if (r.status() != SigningRequest.Status.PENDING) {
        throw new ApprovalException(
            r.status() == SigningRequest.Status.EXPIRED
                ? ApprovalException.Code.EXPIRED
                : ApprovalException.Code.NOT_PENDING,
            "signing request "
                + requestId
                + " is "
                + r.status().name().toLowerCase(java.util.Locale.ROOT));
      }
      if (r.requester().contains(approver)) {
        throw new ApprovalException(
            ApprovalException.Code.SELF_APPROVAL,
            "the requester cannot approve or deny their own signing request");
      }
      if (!roles.holds(approver, r.approval().role())) {
        throw new ApprovalException(
            ApprovalException.Code.NOT_IN_ROLE,
            approver.display() + " does not hold role " + r.approval().role());
      }
      if (r.votes().stream().anyMatch(v -> v.approver().equals(approver))) {
        throw new ApprovalException(
            ApprovalException.Code.ALREADY_VOTED,
            approver.display() + " already voted on " + requestId);
      }
      Vote vote = new Vote(requestId, approver, verdict, note, now);
      List<Vote> votes = new ArrayList<>(r.votes());
      votes.add(vote);
      SigningRequest.Status status;
      if (verdict == Vote.Verdict.DENY) {
        status = SigningRequest.Status.DENIED;
      } else {
        long approvals =
            votes.stream()
                .filter(v -> v.verdict() == Vote.Verdict.APPROVE)
                .map(Vote::approver)
                .distinct()
                .count();
        status =
            approvals >= r.approval().quorum()
                ? SigningRequest.Status.APPROVED
                : SigningRequest.Status.PENDING;
      }
      SigningRequest next = r.next(status, votes);
      Grant grant = null;
      if (status == SigningRequest.Status.APPROVED && r.grant() != null) {
        grant =
            new Grant(
                "grant_" + id(),
                r.project(),
                r.rule().rule(),
                r.rule().ruleHash(),
                r.rule().keys(),
                r.rule().operations(),
                r.id(),
                now,
                now.plus(r.grant().ttl()),
                r.grant().maxSignatures(),
                0,
                null);
      }
      // Only the one vote whose compare-and-set makes the request APPROVED issues the grant, and
      // the store does both in one atomic step (one transaction in SQL): one approval, one grant.
      boolean swapped =
          grant == null
              ? requests.compareAndSet(r, next)
              : requests.compareAndSetIssuing(r, next, grant, grants);
      if (!swapped) {
        continue; // someone voted in between: re-read and check again
      }
      return new Outcome(next, vote, grant);
    }
    throw new ApprovalException(
        ApprovalException.Code.CONFLICT, "signing request " + requestId + " is too contended");
  }

  private static boolean expiredNow(SigningRequest r, Instant now) {
    return r.status() == SigningRequest.Status.PENDING && !now.isBefore(r.expires());
  }

  private String id() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
