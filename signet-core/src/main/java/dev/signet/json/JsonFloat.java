package dev.signet.json;

/** A finite floating-point number. NaN and infinities cannot be signed, so they are refused. */
public record JsonFloat(double value) implements JsonNumber {
  public JsonFloat {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("JSON numbers must be finite");
    }
  }

  @Override
  public double doubleValue() {
    return value;
  }
}
