package dev.signet.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonObjectTest {
  @Test
  void equalityIgnoresMemberOrderButWritingKeepsIt() {
    JsonObject ab = JsonObject.builder().put("a", "1").put("b", "2").build();
    JsonObject ba = JsonObject.builder().put("b", "2").put("a", "1").build();
    assertThat(ab).isEqualTo(ba).hasSameHashCodeAs(ba);
    assertThat(JsonWriter.compact(ab)).isEqualTo("{\"a\":\"1\",\"b\":\"2\"}");
    assertThat(JsonWriter.compact(ba)).isEqualTo("{\"b\":\"2\",\"a\":\"1\"}");
    assertThat(Jcs.canonicalString(ba)).isEqualTo(Jcs.canonicalString(ab));
  }

  @Test
  void ofCopiesTheMapWhateverItsKind() {
    LinkedHashMap<String, JsonValue> ordered = new LinkedHashMap<>();
    ordered.put("z", JsonNull.NULL);
    ordered.put("a", JsonBool.TRUE);
    HashMap<String, JsonValue> unordered = new HashMap<>(ordered);
    JsonObject fromOrdered = JsonObject.of(ordered);
    JsonObject fromUnordered = JsonObject.of(unordered);
    ordered.put("later", JsonNull.NULL);
    unordered.put("later", JsonNull.NULL);

    assertThat(fromOrdered.members().keySet()).containsExactly("z", "a");
    assertThat(fromUnordered.size()).isEqualTo(2);
    assertThat(fromUnordered).isEqualTo(fromOrdered);
    assertThat(fromUnordered.has("later")).isFalse();
  }

  @Test
  void membersCannotBeChanged() {
    JsonObject o = JsonObject.of(Map.of("a", JsonNull.NULL));
    assertThatThrownBy(() -> o.members().put("b", JsonNull.NULL))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void builderKeepsTheFirstValueOnlyWhenAskedTo() {
    JsonObject.Builder b = JsonObject.builder().put("a", "first");
    assertThat(b.has("a")).isTrue();
    assertThat(b.has("b")).isFalse();
    b.putIfAbsent("a", new JsonString("second")).putIfAbsent("b", JsonNull.NULL);
    assertThat(b.build())
        .isEqualTo(JsonObject.builder().put("a", "first").put("b", JsonNull.NULL).build());
    b.put("a", "third").putAll(JsonObject.builder().put("c", "4").build());
    JsonObject built = b.build();
    assertThat(built.get("a")).isEqualTo(new JsonString("third"));
    assertThat(built.members().keySet()).containsExactly("a", "b", "c");
    assertThat(built.get("missing")).isNull();
    assertThat(JsonObject.EMPTY.isEmpty()).isTrue();
    assertThat(built.isEmpty()).isFalse();
  }
}
