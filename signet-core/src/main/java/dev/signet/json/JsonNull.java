package dev.signet.json;

/** JSON {@code null}. */
public enum JsonNull implements JsonValue {
  NULL;

  @Override
  public String toString() {
    return "null";
  }
}
