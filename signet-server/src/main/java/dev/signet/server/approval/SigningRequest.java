package dev.signet.server.approval;

import dev.signet.server.policy.Conditions;
import dev.signet.server.policy.Decision;
import dev.signet.server.policy.Operation;
import dev.signet.server.policy.PolicyVersion;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A request waiting for (or done with) approval. Immutable: a transition is a new value with {@code
 * revision + 1}, stored with {@link RequestStore#compareAndSet}.
 *
 * @param subjectDigest what is to be signed, e.g. {@code sha256:…}: approvers approve this exact
 *     content
 * @param requester every identity the requester proved; none of them may approve
 * @param votes every approve and deny, in order: the audit log records each
 */
public record SigningRequest(
    String id,
    Decision.RuleRef rule,
    Operation operation,
    String key,
    String subjectDigest,
    Set<Identity> requester,
    Instant created,
    Instant expires,
    Conditions.Approval approval,
    Conditions.@Nullable Grant grant,
    PolicyVersion policyVersion,
    Status status,
    List<Vote> votes,
    long revision) {

  public enum Status {
    PENDING,
    APPROVED,
    DENIED,
    EXPIRED
  }

  public SigningRequest {
    requester = Set.copyOf(requester);
    votes = List.copyOf(votes);
  }

  public String project() {
    return rule.project();
  }

  /** Distinct approvers who approved. */
  public long approvals() {
    return votes.stream()
        .filter(v -> v.verdict() == Vote.Verdict.APPROVE)
        .map(Vote::approver)
        .distinct()
        .count();
  }

  SigningRequest next(Status status, List<Vote> votes) {
    return new SigningRequest(
        id,
        rule,
        operation,
        key,
        subjectDigest,
        requester,
        created,
        expires,
        approval,
        grant,
        policyVersion,
        status,
        votes,
        revision + 1);
  }
}
