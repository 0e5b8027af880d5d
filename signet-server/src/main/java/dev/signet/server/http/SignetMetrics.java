package dev.signet.server.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's meters, scraped at {@code /metrics}. The HTTP meters are filled by the routing
 * layer; decisions, signing latency and the audit log size are registered here and filled by the
 * policy, signing and audit modules.
 */
public final class SignetMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Timer signing;
  private final AtomicLong auditLogSize = new AtomicLong();
  private final AtomicLong hsmUp = new AtomicLong(-1);
  private final Timer hsmProbe;

  public SignetMetrics() {
    signing =
        Timer.builder("signet.signing")
            .description("Time to produce a signature, from decision to durable audit entry")
            .publishPercentileHistogram()
            .register(registry);
    Gauge.builder("signet.audit.log.size", auditLogSize, AtomicLong::get)
        .description("Leaves in the audit log")
        .register(registry);
    hsmProbe =
        Timer.builder("signet.hsm.probe")
            .description("Time of the /readyz HSM probe")
            .register(registry);
    Gauge.builder("signet.hsm.up", hsmUp, AtomicLong::get)
        .description("1 if the last HSM probe passed, 0 if it failed, -1 before the first")
        .register(registry);
  }

  /** Records one HSM readiness probe. */
  public void hsmProbe(boolean up, long nanos) {
    hsmUp.set(up ? 1 : 0);
    hsmProbe.record(Duration.ofNanos(nanos));
  }

  /** Counts one policy decision; {@code reason} must come from a bounded set (a rule id). */
  public void decision(String decision, String reason) {
    Counter.builder("signet.decisions")
        .description("Policy decisions by outcome and rule")
        .tag("decision", decision)
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  public Timer signing() {
    return signing;
  }

  public void auditLogSize(long leaves) {
    auditLogSize.set(leaves);
  }

  void request(String method, String route, int status, long nanos) {
    Timer.builder("http.server.requests")
        .description("HTTP requests by route template and status")
        .tag("method", method)
        .tag("route", route)
        .tag("status", Integer.toString(status))
        .register(registry)
        .record(Duration.ofNanos(nanos));
  }

  String scrape() {
    return registry.scrape();
  }
}
