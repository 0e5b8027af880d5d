package dev.signet.tlog;

import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonInteger;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/** Strict reading of the small JSON documents of this package (receipts, proof files). */
final class TlogJson {
  // JSON numbers past int64 lose precision in most readers (ours reads them as floats), so sizes
  // and indices in JSON stop at 2^63 - 1, as Rekor v2 keeps its uint64 indices in int64 fields.
  private static final BigInteger JSON_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private TlogJson() {}

  static JsonObject object(String json, String source, int maxBytes, String... members)
      throws InputException {
    if (json.length() > maxBytes || json.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
      throw new InputException(source, null, "larger than " + maxBytes + " bytes");
    }
    JsonValue v = new JsonReader(new InputLimits(maxBytes, 0, 8, 1, 1)).parse(json, source);
    if (!(v instanceof JsonObject o)) {
      throw new InputException(source, null, "expected a JSON object");
    }
    Set<String> allowed = Set.of(members);
    for (String name : o.members().keySet()) {
      if (!allowed.contains(name)) {
        throw new InputException(
            source, null, "unknown member " + dev.signet.json.JsonWriter.quoteOneLine(name, 64));
      }
    }
    for (String name : members) {
      if (!o.has(name)) {
        throw new InputException(source, name, "missing");
      }
    }
    return o;
  }

  static JsonInteger u64(long value) {
    return new JsonInteger(new BigInteger(Long.toUnsignedString(value)));
  }

  /** A size or index: an integer from 0 to 2^63 - 1. */
  static long u64(JsonObject o, String name, String source) throws InputException {
    if (!(o.get(name) instanceof JsonInteger i)
        || i.value().signum() < 0
        || i.value().compareTo(JSON_MAX) > 0) {
      throw new InputException(source, name, "expected an integer from 0 to 2^63 - 1");
    }
    return i.value().longValue();
  }

  static String string(JsonObject o, String name, String source) throws InputException {
    if (!(o.get(name) instanceof JsonString s)) {
      throw new InputException(source, name, "expected a string");
    }
    return s.value();
  }

  static List<byte[]> hashes(JsonObject o, String name, String source) throws InputException {
    if (!(o.get(name) instanceof JsonArray a)) {
      throw new InputException(source, name, "expected an array of base64 hashes");
    }
    if (a.size() > InputLimits.MAX_PROOF_HASHES) {
      throw new InputException(
          source, name, "more than " + InputLimits.MAX_PROOF_HASHES + " hashes");
    }
    List<byte[]> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      String where = name + "[" + i + "]";
      if (!(a.get(i) instanceof JsonString s)) {
        throw new InputException(source, where, "expected a base64 string");
      }
      out.add(hash(s.value(), source, where));
    }
    return out;
  }

  /** Standard padded base64 (RFC 4648 §4) of exactly 32 bytes, in its one canonical spelling. */
  static byte[] hash(String b64, String source, String where) throws InputException {
    byte[] h = base64(b64, source, where);
    if (h.length != Merkle.HASH_BYTES) {
      throw new InputException(source, where, "a hash is 32 bytes, this is " + h.length);
    }
    return h;
  }

  /** Canonical standard padded base64: the decoded bytes re-encode to the same text. */
  static byte[] base64(String b64, String source, String where) throws InputException {
    byte[] b;
    try {
      b = Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      throw new InputException(source, where, "not standard padded base64");
    }
    if (!Base64.getEncoder().encodeToString(b).equals(b64)) {
      throw new InputException(source, where, "not canonical standard padded base64");
    }
    return b;
  }
}
