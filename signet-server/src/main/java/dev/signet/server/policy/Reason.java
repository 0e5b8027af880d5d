package dev.signet.server.policy;

import java.util.Locale;

/**
 * The machine-readable outcome of a decision: the {@code reason} label of {@code
 * signet_decisions_total} and the reason field of audit entries. Codes are stable; add, never
 * rename.
 */
public enum Reason {
  /** A rule matched and needs no approval. */
  ALLOWED,
  /** A rule matched and needs approval (or a grant). */
  APPROVAL_REQUIRED,
  /**
   * No rule of the project is addressed to the caller, or the project does not exist: the two look
   * alike, so that a caller cannot probe other projects' configuration.
   */
  NO_RULE,
  /** The rule does not allow the requested operation. */
  OPERATION_NOT_ALLOWED,
  /** The rule does not allow the requested key. */
  KEY_NOT_ALLOWED,
  /** A credential the rule requires was not presented. */
  MISSING_CREDENTIAL,
  /** An OIDC claim condition failed. */
  CLAIM_MISMATCH,
  /** A client-certificate condition (issuer, CA, subject, template) failed. */
  CERTIFICATE_MISMATCH,
  /** The project token is not scoped to the requested operation. */
  TOKEN_SCOPE,
  /** A pipeline step key does not match the rule's pattern. */
  STEP_KEY_MISMATCH,
  /** The project's rate limit is exhausted. */
  RATE_LIMITED;

  /** The label value: lowercase with underscores, e.g. {@code claim_mismatch}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
