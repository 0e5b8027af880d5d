package dev.signet.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.keys.Algorithm;
import dev.signet.keys.SoftwareKey;
import dev.signet.tlog.Checkpoint;
import dev.signet.tlog.NoteSigner;
import dev.signet.tlog.NoteVerifier;
import dev.signet.tlog.Receipt;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InMemoryAuditLogTest {
  static AuditEvent event(int i) {
    return new AuditEvent(
        AuditEvent.Type.SERVER_STARTED,
        Instant.EPOCH.plusSeconds(i),
        "req-" + i,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        Map.of());
  }

  @Test
  void everyReceiptVerifiesAndLaterCheckpointsAreConsistent() throws Exception {
    SoftwareKey key =
        SoftwareKey.fromPkcs8(
            SoftwareKey.generatePkcs8(Algorithm.EdDSA, new SecureRandom()),
            Algorithm.EdDSA,
            "log",
            "test");
    NoteSigner signer = NoteSigner.of("signet.test/audit", key);
    InMemoryAuditLog log = new InMemoryAuditLog("signet.test/audit", signer);
    NoteVerifier verifier = new NoteVerifier(List.of(signer.noteKey()));
    assertThat(verifier.verifyCheckpoint(log.checkpoint(), "cp").size()).isZero();
    Checkpoint previous = null;
    for (int i = 0; i < 40; i++) {
      AuditLog.Appended a = log.append(event(i));
      Receipt r = Receipt.parse(a.receipt().toJson(), "receipt");
      Checkpoint cp = r.verify(a.leaf(), verifier);
      assertThat(cp.size()).isEqualTo(i + 1);
      if (previous != null) {
        log.consistency(previous.size(), cp.size()).verify(previous.rootHash(), cp.rootHash());
      }
      previous = cp;
    }
    assertThat(log.entries(0, 40)).hasSize(40);
    assertThat(log.entries(5, 6).getFirst()).isEqualTo(event(5).leaf());
    log.inclusion(7, 20);
    assertThatThrownBy(() -> log.inclusion(0, 41)).hasMessageContaining("beyond");
    assertThatThrownBy(() -> log.entries(3, 2)).isInstanceOf(AuditException.class);
    byte[] tampered = event(3).leaf();
    tampered[tampered.length - 2] ^= 1;
    AuditLog.Appended a3 = log.append(event(99));
    assertThatThrownBy(() -> a3.receipt().verify(tampered, verifier))
        .isInstanceOf(dev.signet.tlog.TlogException.class);
  }
}
