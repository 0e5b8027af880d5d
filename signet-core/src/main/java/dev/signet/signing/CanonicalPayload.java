package dev.signet.signing;

import dev.signet.json.Jcs;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bytes a step signature covers (spec §4): the RFC 8785 canonical form of {@code {"alg":
 * <algorithm>, "values": {<field>: <value>, ...}}}.
 *
 * <p>The algorithm is bound into the payload so that changing {@code signature.algorithm}
 * invalidates the signature (spec §10.13). This is the hot path of signing and verification: the
 * object is built once and canonicalised once, with no intermediate JSON text.
 */
public final class CanonicalPayload {
  private CanonicalPayload() {}

  /** The canonical payload of a step's signed fields. */
  public static byte[] of(String algorithm, SignedFields fields) {
    return of(algorithm, fields.values());
  }

  /** The canonical payload of arbitrary values (Buildkite's generic {@code SignedFielder}). */
  public static byte[] of(String algorithm, Map<String, ? extends JsonValue> values) {
    LinkedHashMap<String, JsonValue> top = new LinkedHashMap<>(4);
    top.put("alg", new JsonString(algorithm));
    top.put("values", JsonObject.of(values));
    return Jcs.canonicalize(new JsonObject(top));
  }
}
