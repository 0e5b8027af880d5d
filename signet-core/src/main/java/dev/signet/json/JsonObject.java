package dev.signet.json;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SequencedMap;
import org.jspecify.annotations.Nullable;

/**
 * An immutable JSON object that keeps member order, because fields Signet does not model are
 * written back exactly as they came in. Equality is order-insensitive, as for JSON objects.
 */
public record JsonObject(SequencedMap<String, JsonValue> members) implements JsonValue {
  public static final JsonObject EMPTY = new JsonObject(new LinkedHashMap<>());

  public JsonObject {
    members = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(members));
  }

  public static JsonObject of(Map<String, ? extends JsonValue> members) {
    // The canonical constructor copies; copying here as well would double the work on the
    // signing hot path, where every payload goes through this method.
    return new JsonObject(sequenced(members));
  }

  @SuppressWarnings("unchecked")
  private static SequencedMap<String, JsonValue> sequenced(Map<String, ? extends JsonValue> m) {
    return m instanceof SequencedMap<?, ?> sm
        ? (SequencedMap<String, JsonValue>) sm
        : new LinkedHashMap<>(m);
  }

  public static Builder builder() {
    return new Builder();
  }

  public @Nullable JsonValue get(String name) {
    return members.get(name);
  }

  public boolean has(String name) {
    return members.containsKey(name);
  }

  public boolean isEmpty() {
    return members.isEmpty();
  }

  public int size() {
    return members.size();
  }

  /** Builds an object member by member, in insertion order. */
  public static final class Builder {
    private final LinkedHashMap<String, JsonValue> members = new LinkedHashMap<>();

    private Builder() {}

    public Builder put(String name, JsonValue value) {
      members.put(name, value);
      return this;
    }

    public Builder put(String name, String value) {
      return put(name, new JsonString(value));
    }

    public Builder putAll(JsonObject other) {
      members.putAll(other.members());
      return this;
    }

    public Builder putIfAbsent(String name, JsonValue value) {
      members.putIfAbsent(name, value);
      return this;
    }

    public boolean has(String name) {
      return members.containsKey(name);
    }

    public JsonObject build() {
      return new JsonObject(members);
    }
  }
}
