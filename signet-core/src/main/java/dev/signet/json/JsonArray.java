package dev.signet.json;

import java.util.List;

/** An immutable JSON array. */
public record JsonArray(List<JsonValue> items) implements JsonValue {
  public static final JsonArray EMPTY = new JsonArray(List.of());

  public JsonArray {
    items = List.copyOf(items);
  }

  public static JsonArray of(JsonValue... items) {
    return new JsonArray(List.of(items));
  }

  public boolean isEmpty() {
    return items.isEmpty();
  }

  public int size() {
    return items.size();
  }

  public JsonValue get(int index) {
    return items.get(index);
  }
}
