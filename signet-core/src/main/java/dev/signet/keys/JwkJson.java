package dev.signet.keys;

import dev.signet.json.Jcs;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Writes JWKs the way buildkite-agent does: compact JSON, members in alphabetical order. */
final class JwkJson {
  private JwkJson() {}

  static JsonObject sorted(Map<String, Object> nimbusJson) {
    JsonObject.Builder b = JsonObject.builder();
    new TreeMap<>(nimbusJson)
        .forEach((k, v) -> {
          if (v instanceof String s) {
            b.put(k, new JsonString(s));
          } else if (v instanceof List<?> l) {
            b.put(
                k,
                new JsonArray(
                    l.stream().map(x -> (JsonValue) new JsonString(String.valueOf(x))).toList()));
          }
        });
    return b.build();
  }

  /** {@code {"keys":[...]}} with no whitespace; JCS of string-only objects is exactly that. */
  static String set(List<JsonValue> keys) {
    return Jcs.canonicalString(JsonObject.builder().put("keys", new JsonArray(keys)).build());
  }
}
