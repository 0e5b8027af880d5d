package dev.signet.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.input.InputLimits;
import org.junit.jupiter.api.Test;

/** The shared reader's rules, each at and just past its limit where it has one. */
class YamlReaderTest {
  private static final YamlReader.Options DEFAULT =
      YamlReader.Options.of("input", InputLimits.DEFAULT);

  private static YamlNode read(String text, YamlReader.Options o) throws YamlException {
    return YamlReader.readAll(text, "t.yaml", o).getFirst();
  }

  @Test
  void positionsTagsAndAliases() throws YamlException {
    YamlNode.Mapping m = (YamlNode.Mapping) read("a: &x [1, 'q']\nb: *x\nc: !!int 5\n", DEFAULT);
    assertThat(m.entries().get("b").value()).isSameAs(m.entries().get("a").value());
    assertThat(m.entries().get("b").keyWhere()).isEqualTo("line 2, column 1");
    YamlNode.Sequence s = (YamlNode.Sequence) m.entries().get("a").value();
    assertThat(((YamlNode.Scalar) s.items().get(0)).plain()).isTrue();
    assertThat(((YamlNode.Scalar) s.items().get(1)).plain()).isFalse();
    assertThat(((YamlNode.Scalar) m.entries().get("c").value()).tag())
        .isEqualTo("tag:yaml.org,2002:int");
    assertThat(m.size()).isEqualTo(1 + (1 + 3) + (1 + 3) + (1 + 1));
  }

  @Test
  void mergeKeysOnlyWhenAsked() throws YamlException {
    String y = "d: &d {a: 1, b: 2}\ne: {<<: *d, b: 3}\n";
    YamlNode.Mapping e =
        (YamlNode.Mapping)
            ((YamlNode.Mapping) read(y, DEFAULT.withMergeKeys())).entries().get("e").value();
    assertThat(e.entries().keySet()).containsExactly("a", "b");
    assertThat(((YamlNode.Scalar) e.entries().get("b").value()).value()).isEqualTo("3");
    YamlNode.Mapping plain =
        (YamlNode.Mapping) ((YamlNode.Mapping) read(y, DEFAULT)).entries().get("e").value();
    assertThat(plain.entries().keySet()).containsExactly("<<", "b");
  }

  @Test
  void refusals() {
    assertThatThrownBy(() -> read("a: 1\na: 2\n", DEFAULT))
        .hasMessage("t.yaml: line 2, column 1: duplicate key \"a\" (first at line 1)");
    assertThatThrownBy(() -> read("a: &a [*a]\n", DEFAULT))
        .hasMessage("t.yaml: line 1, column 8: unknown or recursive alias *a");
    assertThatThrownBy(() -> read("a: !foo x\n", DEFAULT))
        .hasMessage("t.yaml: line 1, column 4: the YAML tag !foo is not supported");
    assertThatThrownBy(() -> read("a: !!str x\n", DEFAULT.withTags(YamlReader.Tags.NONE)))
        .hasMessageContaining("YAML tags are not allowed in a input");
    assertThatThrownBy(() -> read("{[a]: b}\n", DEFAULT))
        .hasMessage("t.yaml: line 1, column 2: a mapping key must be a scalar");
    assertThatThrownBy(() -> read("[" + "[".repeat(64) + "]".repeat(65), DEFAULT))
        .hasMessage("t.yaml: line 1, column 65: nested deeper than 64 levels");
    // an alias placing a deep collection deeper still
    String deep = "a: &a " + "[".repeat(60) + "]".repeat(60) + "\nb: [[[[[*a]]]]]\n";
    assertThatThrownBy(() -> read(deep, DEFAULT)).hasMessageContaining("nested deeper than 64");
  }

  @Test
  void limitsAtAndPast() throws YamlException {
    YamlReader.Options o = DEFAULT.withMaxEntries(3).withMaxScalarChars(4).withMaxNodes(20);
    assertThat(read("[a, b, c]", o)).isNotNull();
    assertThatThrownBy(() -> read("[a, b, c, d]", o)).hasMessageContaining("more than 3 items");
    assertThatThrownBy(() -> read("{a: 1, b: 2, c: 3, d: 4}", o))
        .hasMessageContaining("more than 3 keys in one mapping");
    assertThat(read("abcd", o)).isNotNull();
    assertThatThrownBy(() -> read("abcde", o))
        .hasMessageContaining("a string longer than 4 characters");
    assertThatThrownBy(() -> read("a: &a [1, 2, 3]\nb: [*a, *a, *a, *a]\n", o))
        .hasMessageContaining("expands to more than 20 nodes (too many aliases)");
    YamlReader.Options docs =
        YamlReader.Options.of("input", new InputLimits(1 << 10, 100, 64, 10, 2));
    assertThat(YamlReader.readAll("---\na\n---\nb\n", "t.yaml", docs)).hasSize(2);
    assertThatThrownBy(() -> YamlReader.readAll("---\na\n---\nb\n---\nc\n", "t.yaml", docs))
        .hasMessageContaining("more than 2 YAML documents");
    assertThat(YamlReader.readFirst("---\na\n---\n[", "t.yaml", docs)).isNotNull();
  }
}
