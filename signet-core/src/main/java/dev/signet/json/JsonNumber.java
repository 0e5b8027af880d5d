package dev.signet.json;

import java.math.BigInteger;

/** A JSON number: an integer ({@link JsonInteger}) or a float ({@link JsonFloat}). */
public sealed interface JsonNumber extends JsonValue permits JsonInteger, JsonFloat {

  /** The value as an IEEE-754 double, as RFC 8785 canonicalisation sees it. */
  double doubleValue();

  static JsonNumber of(long value) {
    return new JsonInteger(BigInteger.valueOf(value));
  }
}
