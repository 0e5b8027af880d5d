package dev.signet.server.policy;

import dev.signet.input.InputLimits;
import java.time.Duration;

/**
 * Every bound on policy input and evaluation, in one place (docs/security.md lists them). YAML
 * aliases and depth are core's ({@link InputLimits#DEFAULT}); the rest bound the work one policy
 * file or one decision can cause.
 */
final class PolicyLimits {
  private PolicyLimits() {}

  /** A policy file: 1 MiB (a thousand projects are well under that); one document. */
  static final InputLimits YAML =
      new InputLimits(
          1 << 20,
          InputLimits.DEFAULT.maxAliases(),
          InputLimits.DEFAULT.maxDepth(),
          InputLimits.DEFAULT.maxSteps(),
          1);

  /** Nodes the document may expand to, aliases counted at every use. */
  static final long MAX_NODES = 100_000;

  /** Items in one list or keys in one mapping. */
  static final int MAX_LIST_ITEMS = 10_000;

  /** One string in a policy. */
  static final int MAX_STRING_CHARS = 4096;

  /** One glob pattern: matching costs pattern length times value length. */
  static final int MAX_PATTERN_CHARS = 256;

  /** Alternatives in one any-of condition. */
  static final int MAX_ALTERNATIVES = 64;

  /**
   * A value matched against a pattern (a claim, a subject field, a step key); longer never matches.
   */
  static final int MAX_MATCHED_CHARS = 4096;

  /** Step keys in one pipeline request checked against a step-key pattern. */
  static final int MAX_STEP_KEYS = InputLimits.DEFAULT.maxSteps();

  /** Rules in one project: decisions walk them in order. */
  static final int MAX_RULES = 256;

  /** Approvers one request may need. */
  static final int MAX_QUORUM = 100;

  /** Longest a signing request may wait for approval. */
  static final Duration MAX_APPROVAL_EXPIRY = Duration.ofDays(30);

  /** Longest grant; a release train, not a standing permission. */
  static final Duration MAX_GRANT_TTL = Duration.ofDays(7);

  /** Most signatures one grant allows. */
  static final int MAX_GRANT_SIGNATURES = 100_000;

  /** Highest rate limit count. */
  static final int MAX_RATE = 1_000_000;
}
