package dev.signet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@link ServerBench} from rotting: the whole benchmark (server child process, issuer, closed
 * and open loop, raw reference, audit check, metrics scrape) for about two seconds of load per key.
 * Its figures mean nothing; what it asserts is that signatures came back and the audit log holds an
 * entry for every one of them.
 */
class ServerBenchSmokeTest {
  @Test
  void everySignatureTheBenchGetsBackIsInTheAuditLog() throws Exception {
    List<String> progress = new ArrayList<>();
    ServerBench.Options o = ServerBench.Options.smoke();
    ServerBench.Result r = ServerBench.run(o, progress::add);

    assertThat(r.refusals()).as("refused requests").isZero();
    assertThat(r.signaturesReturned()).isPositive();
    assertThat(r.signaturesReturned()).as("requests answered 200").isEqualTo(r.requests());
    // Every client kept its one connection for the whole run: no handshake inside the figures.
    assertThat(r.reconnects()).as("reconnects").isZero();
    assertThat(r.auditAfter() - r.auditBefore())
        .as("audit leaves added for %d signatures", r.signaturesReturned())
        .isGreaterThanOrEqualTo(r.signaturesReturned());
    assertThat(r.auditComplete()).isTrue();
    assertThat(r.keys())
        .extracting(ServerBench.KeyResult::key)
        .containsExactly(ServerBench.Key.ES256, ServerBench.Key.ED25519);
    for (ServerBench.KeyResult k : r.keys()) {
      assertThat(k.rawBefore()).as(k.key() + " raw").isPositive();
      assertThat(k.peak()).as(k.key() + " peak").isPositive();
      assertThat(k.atHalf().count()).as(k.key() + " open-loop latencies").isPositive();
    }
    assertThat(r.signingMetrics()).doesNotStartWith("signet_signing_seconds: 0 signatures");
    assertThat(ServerBench.table(r, o))
        .contains("| oidc | ES256 |", "every signature is logged", "0 reconnects");
  }

  @Test
  void sessionModeSignsWithOneExchangePerClientAndLogsEverySignature() throws Exception {
    ServerBench.Options o =
        ServerBench.Options.smoke(
            ServerBench.Auth.SESSION, java.util.List.of(ServerBench.Key.ES256));
    ServerBench.Result r = ServerBench.run(o, line -> {});

    assertThat(r.refusals()).as("refused requests").isZero();
    assertThat(r.signaturesReturned()).isPositive();
    assertThat(r.signaturesReturned()).as("requests answered 200").isEqualTo(r.requests());
    // Every client kept its one connection for the whole run: no handshake inside the figures.
    assertThat(r.reconnects()).as("reconnects").isZero();
    // One SESSION_ISSUED entry per client besides one SIGNED entry per signature.
    assertThat(r.auditAfter() - r.auditBefore())
        .isGreaterThanOrEqualTo(r.signaturesReturned() + o.clients());
    assertThat(ServerBench.table(r, o)).contains("| session | ES256 |");
  }
}
