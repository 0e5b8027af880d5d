package dev.signet.tlog;

import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.json.JsonWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * What every signature response of the service carries so that its holder can prove, later and
 * offline, that the signing was logged: the leaf's index, the tree size, the inclusion proof and
 * the signed checkpoint of that size, and the log's origin. The holder keeps the leaf bytes (the
 * audit event) beside it.
 *
 * <p>JSON: {@code {"origin":"…","leafIndex":N,"treeSize":N,"inclusionProof":["base64",…],
 * "checkpoint":"<signed note text>"}}.
 */
public record Receipt(
    String origin, long leafIndex, long treeSize, List<byte[]> inclusionProof, String checkpoint) {
  public Receipt {
    inclusionProof = Hashes.copy(inclusionProof);
  }

  /** A receipt from the proof and the signed checkpoint it was computed against. */
  public static Receipt of(InclusionProof proof, Checkpoint checkpoint, SignedNote note) {
    if (proof.treeSize() != checkpoint.size() || !note.text().equals(checkpoint.body())) {
      throw new IllegalArgumentException("the proof, checkpoint and note disagree");
    }
    return new Receipt(
        checkpoint.origin(), proof.leafIndex(), proof.treeSize(), proof.hashes(), note.format());
  }

  @Override
  public List<byte[]> inclusionProof() {
    return Hashes.copy(inclusionProof);
  }

  /**
   * Verifies that {@code leaf} is leaf {@link #leafIndex} of the log whose checkpoint a trusted key
   * signed; returns that checkpoint (for a consistency check against a newer one).
   *
   * @throws TlogException when the checkpoint's signatures, origin or size, or the proof, fail
   * @throws InputException when the checkpoint is not a well-formed signed checkpoint
   */
  public Checkpoint verify(byte[] leaf, NoteVerifier verifier)
      throws TlogException, InputException {
    Checkpoint cp = verifier.verifyCheckpoint(checkpoint, "receipt checkpoint");
    if (!cp.origin().equals(origin)) {
      throw new TlogException(
          "the receipt is for log "
              + JsonWriter.quoteOneLine(origin, 200)
              + " but its checkpoint is of "
              + JsonWriter.quoteOneLine(cp.origin(), 200));
    }
    if (cp.size() != treeSize) {
      throw new TlogException(
          "the receipt's tree size "
              + Long.toUnsignedString(treeSize)
              + " is not its checkpoint's size "
              + Long.toUnsignedString(cp.size()));
    }
    new InclusionProof(leafIndex, treeSize, inclusionProof)
        .verify(Merkle.leafHash(leaf), cp.rootHash());
    return cp;
  }

  public String toJson() {
    List<JsonValue> hashes = new ArrayList<>();
    for (byte[] h : inclusionProof) {
      hashes.add(JsonString.of(Hashes.b64(h)));
    }
    return JsonWriter.compact(
        JsonObject.builder()
            .put("origin", origin)
            .put("leafIndex", TlogJson.u64(leafIndex))
            .put("treeSize", TlogJson.u64(treeSize))
            .put("inclusionProof", new JsonArray(hashes))
            .put("checkpoint", checkpoint)
            .build());
  }

  /** Reads {@link #toJson()}'s form; unknown members are refused. */
  public static Receipt parse(String json, String source) throws InputException {
    JsonObject o =
        TlogJson.object(
            json,
            source,
            InputLimits.MAX_RECEIPT_BYTES,
            "origin",
            "leafIndex",
            "treeSize",
            "inclusionProof",
            "checkpoint");
    return new Receipt(
        TlogJson.string(o, "origin", source),
        TlogJson.u64(o, "leafIndex", source),
        TlogJson.u64(o, "treeSize", source),
        TlogJson.hashes(o, "inclusionProof", source),
        TlogJson.string(o, "checkpoint", source));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Receipt r
        && r.origin.equals(origin)
        && r.leafIndex == leafIndex
        && r.treeSize == treeSize
        && Hashes.equal(r.inclusionProof, inclusionProof)
        && r.checkpoint.equals(checkpoint);
  }

  @Override
  public int hashCode() {
    return origin.hashCode() * 31 + Long.hashCode(leafIndex) + checkpoint.hashCode();
  }

  @Override
  public String toString() {
    return "Receipt[" + origin + " leaf " + Long.toUnsignedString(leafIndex) + "]";
  }
}
