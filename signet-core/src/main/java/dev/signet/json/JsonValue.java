package dev.signet.json;

/**
 * An immutable JSON value. Signet parses untrusted JSON and YAML into this tree at the edge; code
 * inside works on typed records and uses this tree only for the parts of a pipeline that are
 * arbitrary data (plugin configuration, fields Signet does not model).
 *
 * <p>Integers and floats are distinct because Buildkite's Go parser keeps them distinct (an
 * integer-valued JSON number decodes to an int, everything else to a float64), and that changes how
 * a value prints when it lands in a string field. Canonical JSON (RFC 8785) treats both as doubles.
 */
public sealed interface JsonValue
    permits JsonObject, JsonArray, JsonString, JsonNumber, JsonBool, JsonNull {

  /** True for {@code null}. */
  default boolean isNull() {
    return this instanceof JsonNull;
  }
}
