package dev.signet.server.approval;

import java.time.Instant;

/** One approver's decision on one request: a record for the audit log. */
public record Vote(
    String requestId, Identity approver, Verdict verdict, String comment, Instant at) {
  public enum Verdict {
    APPROVE,
    DENY
  }
}
