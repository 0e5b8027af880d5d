package dev.signet.server.policy;

import java.util.List;

/**
 * The outcome of {@link PolicyEngine#decide}: every decision names the policy version it was made
 * under and a {@link Reason}.
 */
public sealed interface Decision {
  PolicyVersion version();

  Reason reason();

  /** The request may be signed under {@code rule}. */
  record Allow(RuleRef rule, PolicyVersion version) implements Decision {
    @Override
    public Reason reason() {
      return Reason.ALLOWED;
    }
  }

  /**
   * The request matched {@code rule}, which needs approval; a grant from an earlier approval of the
   * same rule may stand in for it (see the approval package).
   */
  record NeedsApproval(
      RuleRef rule,
      Conditions.Approval approval,
      Conditions.@org.jspecify.annotations.Nullable Grant grant,
      PolicyVersion version)
      implements Decision {
    @Override
    public Reason reason() {
      return Reason.APPROVAL_REQUIRED;
    }
  }

  /**
   * Refused. {@code failures} lists every failed condition of every rule addressed to the caller,
   * in evaluation order; the first one gives the reason. Messages name the caller's own values and
   * the conditions of the project it asked for, never another project's.
   */
  record Deny(List<Failure> failures, PolicyVersion version) implements Decision {
    public Deny {
      failures = List.copyOf(failures);
      if (failures.isEmpty()) {
        throw new IllegalArgumentException("a deny needs a reason");
      }
    }

    @Override
    public Reason reason() {
      return failures.getFirst().reason();
    }

    /** The failures as one line, e.g. for an HTTP 403 body. */
    public String message() {
      return String.join("; ", failures.stream().map(Failure::message).toList());
    }
  }

  /**
   * One failed condition.
   *
   * @param rule the rule it belongs to, or null when no rule was addressed to the caller
   * @param message one line, e.g. {@code rule "release": claim ref "refs/heads/feature" does not
   *     match "refs/tags/v*"}
   */
  record Failure(@org.jspecify.annotations.Nullable String rule, Reason reason, String message) {}

  /**
   * The rule a request matched.
   *
   * @param ruleHash SHA-256 of the rule's canonical JSON with its project's name: grants are bound
   *     to it, so editing a rule ends the grants it gave while other reloads leave them alone
   */
  record RuleRef(
      String project,
      String rule,
      String ruleHash,
      java.util.Set<Operation> operations,
      java.util.SortedSet<String> keys) {
    public RuleRef {
      operations = java.util.Set.copyOf(operations);
      keys = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(keys));
    }
  }
}
