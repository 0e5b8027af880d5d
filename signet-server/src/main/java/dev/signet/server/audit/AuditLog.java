package dev.signet.server.audit;

import dev.signet.tlog.ConsistencyProof;
import dev.signet.tlog.InclusionProof;
import dev.signet.tlog.NoteKey;
import dev.signet.tlog.Receipt;
import java.util.List;

/**
 * The service's append-only Merkle log (RFC 6962/9162 hashing, C2SP checkpoints). Every request,
 * decision, approval, key and policy event is appended, and a signature leaves the service only
 * after {@link #append} returned: the entry is durable and covered by a signed checkpoint, and the
 * receipt proves it.
 *
 * <p>Implementations never sign two checkpoints that no consistency proof can join, also when
 * several server processes share one database.
 */
public interface AuditLog {

  /**
   * Appends the event and returns once it is durable, with a receipt against a signed checkpoint
   * that covers it.
   *
   * @throws AuditException when the log cannot record the event; the caller must then refuse the
   *     operation the event describes (fail closed)
   */
  Appended append(AuditEvent event) throws AuditException;

  /** The latest signed checkpoint, as note text. */
  String checkpoint() throws AuditException;

  /** An inclusion proof of leaf {@code index} in the tree of {@code size} (≤ the checkpoint's). */
  InclusionProof inclusion(long index, long size) throws AuditException;

  /** A consistency proof between two tree sizes, {@code from ≤ to ≤} the checkpoint's. */
  ConsistencyProof consistency(long from, long to) throws AuditException;

  /** Leaves {@code [start, end)}, at most a bounded page; each exactly as hashed. */
  List<byte[]> entries(long start, long end) throws AuditException;

  /** The key checkpoints are signed with (publish its vkey for verifiers). */
  NoteKey logKey();

  /**
   * The result of an append.
   *
   * @param leaf the leaf bytes (the event's canonical JSON), for the caller to hand out with the
   *     receipt: {@code signet audit verify --receipt R --entry E}
   */
  @SuppressWarnings("ArrayRecordComponent") // copied in and out: immutable
  record Appended(byte[] leaf, Receipt receipt) {
    public Appended {
      leaf = leaf.clone();
    }

    @Override
    public byte[] leaf() {
      return leaf.clone();
    }
  }
}
