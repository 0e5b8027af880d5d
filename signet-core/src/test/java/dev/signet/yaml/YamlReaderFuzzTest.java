package dev.signet.yaml;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.signet.input.InputLimits;
import dev.signet.testing.FuzzChecks;
import java.util.List;

/**
 * Fuzzes the shared YAML reader with small limits, so that every limit is within reach.
 *
 * <p>Properties: every accepted document's tree respects the limits (depth with aliases expanded,
 * expanded node count, entries per collection, scalar length, unique keys) and its recorded sizes
 * are right; a refusal is a one-line {@link YamlException} hiding no unexpected exception, and its
 * position, when it has one, lies inside the text.
 */
class YamlReaderFuzzTest {
  private static final InputLimits LIMITS = new InputLimits(4096, 8, 6, 100, 3);
  private static final YamlReader.Options STRICT =
      YamlReader.Options.of("test", LIMITS)
          .withMaxNodes(300)
          .withMaxAliasNodes(200)
          .withMaxEntries(20)
          .withMaxScalarChars(64)
          .withMergeKeys();

  @DictionaryEntries({
    "&a ",
    "*a",
    "<<: ",
    "!!str ",
    "!!int ",
    "!x ",
    "\\x0a---\\x0a",
    "{",
    "[",
    "? "
  })
  @FuzzTest
  void read(@NotNull String text) {
    List<YamlNode> documents;
    try {
      documents = YamlReader.readAll(text, "fuzz.yaml", STRICT);
    } catch (YamlException e) {
      FuzzChecks.typed(e);
      YamlNode.Position p = e.position();
      if (p != null && (p.line() < 1 || p.column() < 1 || p.line() > text.lines().count() + 2)) {
        throw new AssertionError("position outside the text: " + e.getMessage(), e);
      }
      return;
    }
    if (documents.size() > LIMITS.maxDocuments()) {
      throw new AssertionError("too many documents: " + documents.size());
    }
    for (YamlNode d : documents) {
      long size = check(d, 0);
      if (size > STRICT.maxNodes()) {
        throw new AssertionError("expands to " + size + " nodes");
      }
    }
  }

  /** Walks the tree as expanded; returns its size and checks every bound on the way. */
  private static long check(YamlNode node, int depth) {
    return switch (node) {
      case YamlNode.Scalar s -> {
        if (s.value().length() > STRICT.maxScalarChars()) {
          throw new AssertionError("scalar of " + s.value().length() + " chars");
        }
        yield 1;
      }
      case YamlNode.Sequence s -> {
        checkCollection(depth + 1, s.items().size());
        long size = 1;
        for (YamlNode item : s.items()) {
          size += check(item, depth + 1);
        }
        yield same(size, s);
      }
      case YamlNode.Mapping m -> {
        checkCollection(depth + 1, m.entries().size());
        long size = 1;
        for (var e : m.entries().entrySet()) {
          if (!e.getKey().equals(e.getValue().key())) {
            throw new AssertionError("entry filed under another key: " + e.getKey());
          }
          size += 1 + check(e.getValue().value(), depth + 1);
        }
        yield same(size, m);
      }
    };
  }

  private static void checkCollection(int depth, int entries) {
    if (depth > LIMITS.maxDepth()) {
      throw new AssertionError("nested " + depth + " deep");
    }
    if (entries > STRICT.maxEntries()) {
      throw new AssertionError(entries + " entries in one collection");
    }
  }

  private static long same(long walked, YamlNode node) {
    if (walked != node.size()) {
      throw new AssertionError("size " + node.size() + " but " + walked + " walked");
    }
    return walked;
  }
}
