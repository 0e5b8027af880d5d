package dev.signet.json;

import java.math.BigInteger;
import java.util.Objects;

/**
 * An integer as Buildkite's parser keeps it: within int64, or uint64 for large positive YAML
 * integers. Parsers turn anything larger into a {@link JsonFloat}.
 */
public record JsonInteger(BigInteger value) implements JsonNumber {
  public JsonInteger {
    Objects.requireNonNull(value, "value");
  }

  @Override
  public double doubleValue() {
    return value.doubleValue();
  }
}
