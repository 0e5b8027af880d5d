package dev.signet.server.signing;

import dev.signet.server.approval.SigningRequest;
import dev.signet.server.audit.AuditEvent;
import dev.signet.server.audit.AuditException;
import dev.signet.server.session.SessionException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The service's periodic work, one thread per process: pending signing requests past their expiry
 * are marked EXPIRED with a {@code REQUEST_EXPIRED} entry (without anyone having to read them), and
 * expired sessions are deleted. Safe with several processes on one database: each request is
 * expired by a compare-and-set on its revision, so exactly one process writes its entry, and the
 * deletes are bounded batches of rows nobody can use any more.
 */
final class Housekeeping implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Housekeeping.class.getName());

  /** The request id of entries the housekeeping appends (no HTTP request made them). */
  static final String REQUEST_ID = "housekeeping";

  private final SigningService service;
  private final ScheduledExecutorService timer;

  private Housekeeping(SigningService service) {
    this.service = service;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "signet-housekeeping");
          t.setDaemon(true);
          return t;
        });
  }

  /** Starts the rounds, the first one {@code every} from now. */
  static Housekeeping start(SigningService service, Duration every) {
    Housekeeping h = new Housekeeping(service);
    long ms = Math.max(1, every.toMillis());
    var _ = h.timer.scheduleWithFixedDelay(h::round, ms, ms, TimeUnit.MILLISECONDS);
    return h;
  }

  private void round() {
    // Never let an exception end the schedule: the next round tries again.
    try {
      expireRequests();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "expiring signing requests failed: {0}", e.getMessage());
    }
    try {
      service.sessions().cleanUp();
    } catch (SessionException | RuntimeException e) {
      LOG.log(Level.WARNING, "deleting expired sessions failed: {0}", e.getMessage());
    }
  }

  /** Expires what is due, in bounded batches; returns how many requests this process expired. */
  int expireRequests() {
    int total = 0;
    for (int i = 0; i < SigningLimits.EXPIRY_SWEEP_MAX_BATCHES; i++) {
      List<SigningRequest> expired =
          service.approvals().expireDue(SigningLimits.EXPIRY_SWEEP_BATCH);
      for (SigningRequest r : expired) {
        record(r);
      }
      total += expired.size();
      if (expired.isEmpty()) {
        break;
      }
    }
    return total;
  }

  /**
   * The entry of one expiry, appended by the process whose compare-and-set expired it. If the log
   * cannot take it now the request stays expired (expiry only removes a capability) and the warning
   * names it; its APPROVAL_REQUESTED entry carries the expiry time either way.
   */
  private void record(SigningRequest r) {
    AuditEvent e =
        new SigningService.EventBuilder(
                AuditEvent.Type.REQUEST_EXPIRED, service.clock().instant(), REQUEST_ID, r.project())
            .approvalRequest(r.id())
            .detail("rule", r.rule().rule())
            .detail("key", r.key())
            .detail("operation", r.operation().id())
            .detail("expiresAt", r.expires().toString())
            .detail("approvals", Long.toString(r.approvals()))
            .detail("quorum", Integer.toString(r.approval().quorum()))
            .build();
    try {
      service.context().auditLog().append(e);
    } catch (AuditException failed) {
      LOG.log(
          Level.WARNING,
          "signing request {0} expired but its REQUEST_EXPIRED entry was not recorded: {1}",
          new Object[] {r.id(), failed.getMessage()});
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
