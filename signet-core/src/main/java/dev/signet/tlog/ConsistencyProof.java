package dev.signet.tlog;

import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.json.JsonWriter;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * That the tree of {@code fromSize} leaves is a prefix of the tree of {@code toSize} leaves (RFC
 * 6962 §2.1.2). Sizes are unsigned.
 *
 * <p>As a file ({@code audit verify --consistency-proof}) it is the JSON object {@code {"from": N,
 * "to": N, "hashes": ["base64", …]}}.
 */
public record ConsistencyProof(long fromSize, long toSize, List<byte[]> hashes) {
  public ConsistencyProof {
    hashes = Hashes.copy(hashes);
  }

  @Override
  public List<byte[]> hashes() {
    return Hashes.copy(hashes);
  }

  /**
   * Checks that {@code fromRoot} (of {@link #fromSize}) and {@code toRoot} (of {@link #toSize}) are
   * joined by this proof: RFC 9162 §2.1.4.2, ported literally, with the tlog-witness rule that the
   * proof from size 0 is empty.
   *
   * @throws TlogException naming what failed
   */
  public void verify(byte[] fromRoot, byte[] toRoot) throws TlogException {
    Hashes.check("the old root hash", fromRoot);
    Hashes.check("the new root hash", toRoot);
    Hashes.checkAll("consistency proof", hashes);
    String sizes = Long.toUnsignedString(fromSize) + " → " + Long.toUnsignedString(toSize);
    if (fromSize == toSize) {
      if (!hashes.isEmpty()) {
        throw new TlogException("consistency proof " + sizes + " between equal sizes is not empty");
      }
      if (!MessageDigest.isEqual(fromRoot, toRoot)) {
        throw new TlogException("two different roots for the same tree size " + sizes);
      }
      return;
    }
    if (fromSize == 0) {
      if (!hashes.isEmpty()) {
        throw new TlogException("consistency proof from size 0 is not empty");
      }
      return;
    }
    if (Long.compareUnsigned(fromSize, toSize) > 0) {
      throw new TlogException("consistency proof " + sizes + " goes to a smaller tree");
    }
    if (hashes.isEmpty()) {
      throw new TlogException("consistency proof " + sizes + " is empty");
    }
    List<byte[]> proof = new ArrayList<>(hashes.size() + 1);
    if (Merkle.isPowerOfTwo(fromSize)) {
      proof.add(fromRoot);
    }
    proof.addAll(hashes);
    long fn = fromSize - 1;
    long sn = toSize - 1;
    while ((fn & 1) == 1) {
      fn >>>= 1;
      sn >>>= 1;
    }
    byte[] fr = proof.getFirst();
    byte[] sr = proof.getFirst();
    for (byte[] c : proof.subList(1, proof.size())) {
      if (sn == 0) {
        throw new TlogException(
            "consistency proof "
                + sizes
                + " has more hashes than it needs ("
                + hashes.size()
                + ")");
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = Merkle.nodeHash(c, fr);
        sr = Merkle.nodeHash(c, sr);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>>= 1;
            sn >>>= 1;
          }
        }
      } else {
        sr = Merkle.nodeHash(sr, c);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    if (sn != 0) {
      throw new TlogException(
          "consistency proof " + sizes + " is too short (" + hashes.size() + " hashes)");
    }
    if (!MessageDigest.isEqual(fr, fromRoot)) {
      throw new TlogException("consistency proof " + sizes + " does not lead to the old root");
    }
    if (!MessageDigest.isEqual(sr, toRoot)) {
      throw new TlogException("consistency proof " + sizes + " does not lead to the new root");
    }
  }

  /** The proof file: {@code {"from":N,"to":N,"hashes":["base64",…]}}. */
  public String toJson() {
    List<JsonValue> items = new ArrayList<>();
    for (byte[] h : hashes) {
      items.add(JsonString.of(Hashes.b64(h)));
    }
    return JsonWriter.compact(
        JsonObject.builder()
            .put("from", TlogJson.u64(fromSize))
            .put("to", TlogJson.u64(toSize))
            .put("hashes", new JsonArray(items))
            .build());
  }

  /** Reads {@link #toJson()}'s form; unknown members are refused. */
  public static ConsistencyProof parse(String json, String source) throws InputException {
    JsonObject o =
        TlogJson.object(json, source, InputLimits.MAX_PROOF_FILE_BYTES, "from", "to", "hashes");
    return new ConsistencyProof(
        TlogJson.u64(o, "from", source),
        TlogJson.u64(o, "to", source),
        TlogJson.hashes(o, "hashes", source));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConsistencyProof p
        && p.fromSize == fromSize
        && p.toSize == toSize
        && Hashes.equal(p.hashes, hashes);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(fromSize) * 31 + Long.hashCode(toSize) * 17 + Hashes.hash(hashes);
  }

  @Override
  public String toString() {
    return "ConsistencyProof["
        + Long.toUnsignedString(fromSize)
        + " → "
        + Long.toUnsignedString(toSize)
        + ", "
        + hashes.size()
        + " hashes]";
  }
}
