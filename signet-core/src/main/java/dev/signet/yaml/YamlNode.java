package dev.signet.yaml;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;
import org.jspecify.annotations.Nullable;

/**
 * One node of a YAML document as {@link YamlReader} reads it: scalars stay text (each user types
 * them as its format requires), aliases are already resolved (an alias is the node it names,
 * shared, not copied) and every node knows where it starts. Immutable.
 */
public sealed interface YamlNode permits YamlNode.Scalar, YamlNode.Mapping, YamlNode.Sequence {

  /** Where the node starts in its source. */
  Position position();

  /** {@code line L, column C}, as messages print a place. */
  default String where() {
    return position().toString();
  }

  /**
   * Nodes in this subtree with every alias expanded, the node itself and mapping keys included:
   * what a walker of the tree visits, and what {@link YamlReader.Options#maxNodes()} bounds.
   */
  long size();

  /** A 1-based line and column. */
  record Position(int line, int column) {
    @Override
    public String toString() {
      return "line " + line + ", column " + column;
    }
  }

  /**
   * A scalar's text.
   *
   * @param plain an untagged plain scalar, which a schema may type ({@code 1}, {@code true}); a
   *     quoted or block scalar, or a tagged one, is not
   * @param tag the explicit tag as resolved ({@code tag:yaml.org,2002:int}), or null
   */
  record Scalar(String value, boolean plain, @Nullable String tag, Position position)
      implements YamlNode {
    @Override
    public long size() {
      return 1;
    }
  }

  /**
   * One key of a mapping.
   *
   * @param key the key as the reader's {@link YamlReader.KeyReader} made it (the scalar's text
   *     unless a user canonicalises keys)
   */
  record Entry(String key, Scalar keyNode, YamlNode value) {
    /** Where the key starts. */
    public String keyWhere() {
      return keyNode.where();
    }
  }

  /** Keys are unique and in document order (merge keys already applied, if enabled). */
  record Mapping(SequencedMap<String, Entry> entries, Position position, long size)
      implements YamlNode {
    public Mapping {
      entries = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(entries));
    }

    /** A mapping whose size is counted from its entries. */
    public static Mapping of(SequencedMap<String, Entry> entries, Position position) {
      long size = 1;
      for (Entry e : entries.values()) {
        size += 1 + e.value().size();
      }
      return new Mapping(entries, position, size);
    }
  }

  record Sequence(List<YamlNode> items, Position position, long size) implements YamlNode {
    public Sequence {
      items = List.copyOf(items);
    }

    /** A sequence whose size is counted from its items. */
    public static Sequence of(List<YamlNode> items, Position position) {
      long size = 1;
      for (YamlNode n : items) {
        size += n.size();
      }
      return new Sequence(items, position, size);
    }
  }
}
