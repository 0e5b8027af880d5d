package dev.signet.server.audit;

import dev.signet.keys.KeyException;
import dev.signet.tlog.Checkpoint;
import dev.signet.tlog.ConsistencyProof;
import dev.signet.tlog.InclusionProof;
import dev.signet.tlog.LogTree;
import dev.signet.tlog.Merkle;
import dev.signet.tlog.NoteKey;
import dev.signet.tlog.NoteSigner;
import dev.signet.tlog.Receipt;
import dev.signet.tlog.SignedNote;
import dev.signet.tlog.TlogException;
import dev.signet.tlog.TreeNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit log in memory: the reference behaviour of {@link AuditLog} for tests and for a server
 * that keeps nothing (it is not durable). A checkpoint is signed after every append, under one
 * lock, so sizes only grow and no two checkpoints fork.
 */
public final class InMemoryAuditLog implements AuditLog {
  /** Entries per {@link #entries} page. */
  public static final int MAX_PAGE = 1000;

  private final String origin;
  private final NoteSigner signer;
  private final List<byte[]> leaves = new ArrayList<>();
  private final Map<Long, byte[]> nodes = new HashMap<>();
  private String checkpoint;

  /**
   * @param origin the log's name, the first line of every checkpoint (no spaces, no {@code +})
   * @param signer signs checkpoints; its key name should equal the origin
   */
  public InMemoryAuditLog(String origin, NoteSigner signer) throws AuditException {
    this.origin = origin;
    this.signer = signer;
    this.checkpoint = sign(new Checkpoint(origin, 0, Merkle.emptyRoot())).format();
  }

  @Override
  public synchronized Appended append(AuditEvent event) throws AuditException {
    byte[] leaf = event.leaf();
    long index = leaves.size();
    for (TreeNode n : LogTree.append(this::node, index, Merkle.leafHash(leaf))) {
      nodes.put(key(n.level(), n.index()), n.hash());
    }
    leaves.add(leaf);
    long size = index + 1;
    Checkpoint cp = new Checkpoint(origin, size, LogTree.root(this::node, size));
    SignedNote note = sign(cp);
    checkpoint = note.format();
    try {
      return new Appended(leaf, Receipt.of(LogTree.inclusion(this::node, index, size), cp, note));
    } catch (TlogException e) {
      throw new AuditException("audit log: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized String checkpoint() {
    return checkpoint;
  }

  @Override
  public synchronized InclusionProof inclusion(long index, long size) throws AuditException {
    checkSize(size);
    try {
      return LogTree.inclusion(this::node, index, size);
    } catch (TlogException e) {
      throw new AuditException("audit log: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized ConsistencyProof consistency(long from, long to) throws AuditException {
    checkSize(to);
    try {
      return LogTree.consistency(this::node, from, to);
    } catch (TlogException e) {
      throw new AuditException("audit log: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized List<byte[]> entries(long start, long end) throws AuditException {
    checkSize(end);
    if (start < 0 || start > end) {
      throw new AuditException("audit log: entries need 0 <= start <= end");
    }
    long stop = Math.min(end, start + MAX_PAGE);
    List<byte[]> out = new ArrayList<>();
    for (long i = start; i < stop; i++) {
      out.add(leaves.get((int) i).clone());
    }
    return out;
  }

  @Override
  public NoteKey logKey() {
    return signer.noteKey();
  }

  private void checkSize(long size) throws AuditException {
    if (size < 0 || size > leaves.size()) {
      throw new AuditException(
          "audit log: size " + size + " is beyond the log's " + leaves.size() + " entries");
    }
  }

  private SignedNote sign(Checkpoint cp) throws AuditException {
    try {
      return signer.sign(cp);
    } catch (KeyException e) {
      throw new AuditException("audit log: cannot sign a checkpoint: " + e.getMessage(), e);
    }
  }

  private byte[] node(int level, long index) {
    byte[] h = nodes.get(key(level, index));
    if (h == null) {
      throw new IllegalStateException("audit log: missing tree node " + level + "/" + index);
    }
    return h;
  }

  /** Levels fit in 6 bits and in-memory indices in far fewer than 58. */
  private static long key(int level, long index) {
    return ((long) level << 58) | index;
  }
}
