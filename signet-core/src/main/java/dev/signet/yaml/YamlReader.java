package dev.signet.yaml;

import dev.signet.input.InputLimits;
import dev.signet.json.JsonWriter;
import dev.signet.yaml.YamlNode.Entry;
import dev.signet.yaml.YamlNode.Mapping;
import dev.signet.yaml.YamlNode.Position;
import dev.signet.yaml.YamlNode.Scalar;
import dev.signet.yaml.YamlNode.Sequence;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * The one reader of untrusted YAML (pipelines, the server configuration, policies): YAML text to
 * {@link YamlNode} trees, one per document.
 *
 * <p>snakeyaml-engine is used only up to its event stream (never its composer or constructor): the
 * tree is built here, iteratively, which is what bounds it. Depth is checked as collections open
 * and again where an alias places a collection; aliases must name a complete node (so none is
 * recursive), aliases to collections are counted, and the nodes a document expands to are capped
 * (billion laughs); duplicate keys are refused; tags outside YAML's core schema are refused (or all
 * tags, with {@link Tags#NONE}); the size and the number of documents are bounded. Everything is
 * refused with a one-line {@link YamlException} naming the line and column.
 */
public final class YamlReader {
  private YamlReader() {}

  private static final String YAML_TAG = "tag:yaml.org,2002:";
  private static final Set<String> SCALAR_TAGS =
      Set.of("str", "int", "float", "bool", "null", "timestamp");
  private static final Set<String> COLLECTION_TAGS = Set.of("seq", "map");

  /** Which explicit tags a document may carry. */
  public enum Tags {
    /** None: every scalar is text and nothing is typed by a tag. */
    NONE,
    /** YAML 1.2 core schema tags ({@code !!str}, {@code !!int}, … {@code !!seq}, {@code !!map}). */
    CORE
  }

  /** Makes a mapping key of a key scalar, or refuses it (a format whose keys are typed). */
  @FunctionalInterface
  public interface KeyReader {
    String read(Scalar key) throws YamlException;
  }

  /**
   * What a format allows.
   *
   * @param kind names the document in messages ("input", "policy", "configuration")
   * @param limits size, alias count, depth and number of documents
   * @param maxNodes nodes one document may expand to, aliases counted at every use
   * @param maxAliasNodes nodes aliases may expand to in one document
   * @param maxEntries items in one sequence, keys in one mapping
   * @param maxScalarChars characters in one scalar
   * @param printable scalars must be printable text: no C0/C1 control, no line or paragraph
   *     separator, no BOM (a line break in a block scalar is a control too)
   * @param mergeKeys a plain {@code <<} key merges mappings in (yaml.v3, YAML 1.1); otherwise it is
   *     an ordinary key
   * @param countScalarAliases aliases to scalars count towards the alias limit (otherwise only the
   *     nodes they add to the document bound them)
   * @param keys makes keys of key scalars; null for the scalar's text
   */
  public record Options(
      String kind,
      InputLimits limits,
      long maxNodes,
      long maxAliasNodes,
      int maxEntries,
      int maxScalarChars,
      Tags tags,
      boolean printable,
      boolean mergeKeys,
      boolean countScalarAliases,
      @Nullable KeyReader keys) {

    public Options {
      if (maxNodes <= 0 || maxAliasNodes <= 0 || maxEntries <= 0 || maxScalarChars <= 0) {
        throw new IllegalArgumentException("YAML limits must be positive");
      }
    }

    /**
     * The limits of {@code limits} and no others beyond what they imply: aliases may expand to
     * {@code max(10,000, maxBytes / 64)} nodes (legitimate reuse, such as a defaults anchor merged
     * into every step, stays far below one node per 64 bytes of allowed input); core tags; no merge
     * keys.
     */
    public static Options of(String kind, InputLimits limits) {
      return new Options(
          kind,
          limits,
          Long.MAX_VALUE,
          Math.max(10_000L, limits.maxBytes() / 64L),
          Integer.MAX_VALUE,
          Integer.MAX_VALUE,
          Tags.CORE,
          false,
          false,
          false,
          null);
    }

    public Options withMaxNodes(long n) {
      return new Options(
          kind,
          limits,
          n,
          maxAliasNodes,
          maxEntries,
          maxScalarChars,
          tags,
          printable,
          mergeKeys,
          countScalarAliases,
          keys);
    }

    public Options withMaxAliasNodes(long n) {
      return new Options(
          kind,
          limits,
          maxNodes,
          n,
          maxEntries,
          maxScalarChars,
          tags,
          printable,
          mergeKeys,
          countScalarAliases,
          keys);
    }

    public Options withMaxEntries(int n) {
      return new Options(
          kind,
          limits,
          maxNodes,
          maxAliasNodes,
          n,
          maxScalarChars,
          tags,
          printable,
          mergeKeys,
          countScalarAliases,
          keys);
    }

    public Options withMaxScalarChars(int n) {
      return new Options(
          kind,
          limits,
          maxNodes,
          maxAliasNodes,
          maxEntries,
          n,
          tags,
          printable,
          mergeKeys,
          countScalarAliases,
          keys);
    }

    public Options withTags(Tags t) {
      return new Options(
          kind,
          limits,
          maxNodes,
          maxAliasNodes,
          maxEntries,
          maxScalarChars,
          t,
          printable,
          mergeKeys,
          countScalarAliases,
          keys);
    }

    public Options withPrintableScalars() {
      return new Options(
          kind,
          limits,
          maxNodes,
          maxAliasNodes,
          maxEntries,
          maxScalarChars,
          tags,
          true,
          mergeKeys,
          countScalarAliases,
          keys);
    }

    public Options withMergeKeys() {
      return new Options(
          kind,
          limits,
          maxNodes,
          maxAliasNodes,
          maxEntries,
          maxScalarChars,
          tags,
          printable,
          true,
          countScalarAliases,
          keys);
    }

    /** Aliases to scalars count towards {@code maxAliases} too, not only aliases to collections. */
    public Options withScalarAliasesCounted() {
      return new Options(
          kind,
          limits,
          maxNodes,
          maxAliasNodes,
          maxEntries,
          maxScalarChars,
          tags,
          printable,
          mergeKeys,
          true,
          keys);
    }

    public Options withKeys(KeyReader k) {
      return new Options(
          kind,
          limits,
          maxNodes,
          maxAliasNodes,
          maxEntries,
          maxScalarChars,
          tags,
          printable,
          mergeKeys,
          countScalarAliases,
          k);
    }
  }

  /** Every document of {@code text}; empty if there is none (an empty file, only comments). */
  public static List<YamlNode> readAll(String text, String source, Options options)
      throws YamlException {
    return read(text, source, options, false);
  }

  /**
   * The first document only, as Go's {@code yaml.Unmarshal}: later documents are not read (so
   * neither checked). Null if there is none.
   */
  public static @Nullable YamlNode readFirst(String text, String source, Options options)
      throws YamlException {
    List<YamlNode> documents = read(text, source, options, true);
    return documents.isEmpty() ? null : documents.getFirst();
  }

  private static List<YamlNode> read(String text, String source, Options o, boolean firstOnly)
      throws YamlException {
    InputLimits limits = o.limits();
    checkSize(text, source, o);
    if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
      text = text.substring(1);
    }
    LoadSettings settings =
        LoadSettings.builder()
            .setLabel(source)
            .setCodePointLimit(limits.maxBytes())
            .setUseMarks(true)
            // snakeyaml-engine's StreamReader copies its window each time it refills by
            // bufferSize (default 1 KiB), which is quadratic in the length of one long scalar:
            // an 8 MiB command took 60 s. The text is already in memory and bounded, so the
            // whole of it is one window.
            .setBufferSize(text.length() + 1)
            .build();
    Parser parser = new ParserImpl(settings, new StreamReader(settings, text));
    try {
      return new Builder(source, o).build(parser, firstOnly);
    } catch (MarkedYamlEngineException e) {
      Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
      String problem = e.getProblem() != null ? e.getProblem() : "malformed YAML";
      if (e.getContext() != null && !e.getContext().isBlank()) {
        problem = e.getContext() + ": " + problem;
      }
      throw new YamlException(source, mark.map(YamlReader::position).orElse(null), clip(problem));
    } catch (ReaderException e) {
      // A character YAML does not allow (a NUL, most C0 controls): point at it.
      throw new YamlException(
          source,
          position(text, e.getPosition()),
          String.format(Locale.ROOT, "special character U+%04X is not allowed", e.getCodePoint()));
    } catch (YamlEngineException e) {
      String msg = e.getMessage() == null ? "" : e.getMessage();
      if (msg.contains("code points")) {
        msg = tooLarge(o);
      }
      throw new YamlException(source, null, clip(msg.isBlank() ? "malformed YAML" : msg));
    } catch (StackOverflowError e) {
      // Unreachable (nothing here recurses); kept so that no Error reaches a user. The cause is
      // kept so that the fuzz tests can tell this from a refusal.
      throw new YamlException(source, null, "nested too deeply", e);
    } catch (RuntimeException e) {
      throw new YamlException(
          source, null, "cannot read YAML (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  private static void checkSize(String text, String source, Options o) throws YamlException {
    // snakeyaml's code point limit counts per document; this bounds the whole stream, in the
    // UTF-8 bytes a file of it holds.
    long bytes = 0;
    int max = o.limits().maxBytes();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
      if (bytes > max) {
        throw new YamlException(source, null, tooLarge(o));
      }
    }
  }

  private static String tooLarge(Options o) {
    return "larger than the " + o.kind() + " limit of " + (o.limits().maxBytes() >> 10) + " KiB";
  }

  private static Position position(Mark m) {
    return new Position(m.getLine() + 1, m.getColumn() + 1);
  }

  private static Position position(Event e) {
    return e.getStartMark().map(YamlReader::position).orElse(new Position(1, 1));
  }

  /** Line and column of the {@code codePoint}-th code point of {@code text}. */
  private static Position position(String text, int codePoint) {
    int line = 1;
    int column = 1;
    for (int i = 0, n = 0;
        i < text.length() && n < codePoint;
        i += Character.charCount(text.codePointAt(i)), n++) {
      if (text.charAt(i) == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    return new Position(line, column);
  }

  private static String clip(String s) {
    String line = YamlException.oneLine(s);
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }

  /** A key or value quoted for a message, cut short. */
  public static String quote(@Nullable String s) {
    if (s == null) {
      return "null";
    }
    String q = JsonWriter.quote(s);
    return q.length() > 80 ? q.substring(0, 80) + "…\"" : q;
  }

  /** A node and its height (collections on its deepest path), kept for aliases to it. */
  private record Anchored(YamlNode node, int height) {}

  /** An open collection: its items or entries so far and, for a mapping, a key waiting. */
  private static final class Open {
    final boolean mapping;
    final Position position;
    final @Nullable String anchor;
    final List<YamlNode> items = new ArrayList<>();
    final SequencedMap<String, Entry> entries = new LinkedHashMap<>();
    final Map<String, Position> written = new HashMap<>();
    @Nullable Scalar pendingKey;
    @Nullable String pendingName;
    boolean pendingMerge;
    int height = 1;

    Open(boolean mapping, Position position, @Nullable String anchor) {
      this.mapping = mapping;
      this.position = position;
      this.anchor = anchor;
    }
  }

  private static final class Builder {
    private final String source;
    private final Options o;
    private final InputLimits limits;
    private final Deque<Open> stack = new ArrayDeque<>();
    private final Map<String, Anchored> anchors = new HashMap<>();
    private final List<YamlNode> documents = new ArrayList<>();
    private @Nullable YamlNode root;
    private int documentCount;
    private int aliasCount;
    private long nodes;
    private long aliasNodes;

    Builder(String source, Options o) {
      this.source = source;
      this.o = o;
      this.limits = o.limits();
    }

    List<YamlNode> build(Parser parser, boolean firstOnly) throws YamlException {
      while (parser.hasNext()) {
        Event event = parser.next();
        switch (event.getEventId()) {
          case DocumentStart -> {
            if (++documentCount > limits.maxDocuments()) {
              throw fail(
                  event,
                  limits.maxDocuments() == 1
                      ? "a " + o.kind() + " file holds one YAML document"
                      : "more than " + limits.maxDocuments() + " YAML documents");
            }
            // Anchors are scoped to their document, and so are the expansion budgets.
            anchors.clear();
            nodes = 0;
            aliasNodes = 0;
            root = null;
          }
          case DocumentEnd -> {
            if (root != null) {
              documents.add(root);
            }
            if (firstOnly) {
              return List.copyOf(documents);
            }
          }
          case Scalar -> scalar((ScalarEvent) event);
          case MappingStart, SequenceStart -> start((CollectionStartEvent) event);
          case MappingEnd, SequenceEnd -> end(event);
          case Alias -> alias((AliasEvent) event);
          default -> {}
        }
      }
      return List.copyOf(documents);
    }

    private void scalar(ScalarEvent e) throws YamlException {
      checkTag(e, e.getTag(), SCALAR_TAGS);
      String value = e.getValue();
      checkText(value, e);
      count(e, 1);
      Scalar s =
          new Scalar(
              value,
              e.getTag().isEmpty() && e.getScalarStyle() == ScalarStyle.PLAIN,
              e.getTag().orElse(null),
              position(e));
      String anchor = anchor(e);
      if (anchor != null) {
        anchors.put(anchor, new Anchored(s, 0));
      }
      add(s, 0, e);
    }

    private void start(CollectionStartEvent e) throws YamlException {
      checkTag(e, e.getTag(), COLLECTION_TAGS);
      if (stack.size() + 1 > limits.maxDepth()) {
        throw fail(e, "nested deeper than " + limits.maxDepth() + " levels");
      }
      Open parent = stack.peek();
      if (parent != null && parent.mapping && parent.pendingKey == null) {
        throw fail(e, "a mapping key must be a scalar");
      }
      count(e, 1);
      String anchor = anchor(e);
      if (anchor != null) {
        // An alias inside names this collection, not an earlier node of the same anchor: until
        // the collection is complete, such an alias is recursive and refused.
        anchors.remove(anchor);
      }
      stack.push(new Open(e.getEventId() == Event.ID.MappingStart, position(e), anchor));
    }

    private void end(Event e) throws YamlException {
      Open open = stack.pop();
      YamlNode node =
          open.mapping
              ? Mapping.of(open.entries, open.position)
              : Sequence.of(open.items, open.position);
      if (open.anchor != null) {
        anchors.put(open.anchor, new Anchored(node, open.height));
      }
      add(node, open.height, e);
    }

    private void alias(AliasEvent e) throws YamlException {
      String name = e.getAlias().getValue();
      Anchored target = anchors.get(name);
      if (target == null) {
        // An alias to an enclosing collection lands here too: it is not complete yet.
        throw fail(e, "unknown or recursive alias *" + clip(name));
      }
      YamlNode node = target.node();
      if ((o.countScalarAliases() || !(node instanceof Scalar))
          && ++aliasCount > limits.maxAliases()) {
        throw fail(e, "too many aliases: more than " + limits.maxAliases() + " aliases");
      }
      if (stack.size() + target.height() > limits.maxDepth()) {
        throw fail(e, "nested deeper than " + limits.maxDepth() + " levels");
      }
      aliasNodes += node.size();
      count(e, node.size());
      if (aliasNodes > o.maxAliasNodes()) {
        throw fail(e, "aliases expand to more than " + o.maxAliasNodes() + " nodes");
      }
      add(node, target.height(), e);
    }

    private void count(Event e, long n) throws YamlException {
      nodes += n;
      if (nodes > o.maxNodes()) {
        throw fail(
            e,
            "expands to more than "
                + o.maxNodes()
                + " nodes"
                + (aliasNodes > 0 ? " (too many aliases)" : ""));
      }
    }

    private void add(YamlNode node, int height, Event e) throws YamlException {
      Open open = stack.peek();
      if (open == null) {
        root = node;
        return;
      }
      open.height = Math.max(open.height, height + 1);
      if (!open.mapping) {
        if (open.items.size() >= o.maxEntries()) {
          throw fail(e, "more than " + o.maxEntries() + " items in one list");
        }
        open.items.add(node);
        return;
      }
      Scalar key = open.pendingKey;
      if (key == null) {
        if (!(node instanceof Scalar s)) {
          throw fail(e, "a mapping key must be a scalar");
        }
        if (o.mergeKeys() && s.plain() && s.value().equals("<<")) {
          open.pendingMerge = true;
        } else {
          String name = o.keys() == null ? s.value() : o.keys().read(s);
          Position first = open.written.putIfAbsent(name, s.position());
          if (first != null) {
            throw new YamlException(
                source,
                s.position(),
                "duplicate key " + quote(name) + " (first at line " + first.line() + ")");
          }
          open.pendingName = name;
        }
        open.pendingKey = s;
        return;
      }
      if (open.pendingMerge) {
        merge(open, node);
      } else {
        // A key written here wins over a merged one, which keeps its place.
        String name = java.util.Objects.requireNonNull(open.pendingName);
        open.entries.put(name, new Entry(name, key, node));
      }
      open.pendingKey = null;
      open.pendingName = null;
      open.pendingMerge = false;
      if (open.entries.size() > o.maxEntries()) {
        throw new YamlException(
            source, key.position(), "more than " + o.maxEntries() + " keys in one mapping");
      }
    }

    /**
     * {@code <<: *a} or {@code <<: [*a, *b]}: keys not yet present are added; with a list, an
     * earlier mapping wins over a later one (the YAML merge-key rule yaml.v3 follows).
     */
    private void merge(Open open, YamlNode value) throws YamlException {
      List<YamlNode> sources = value instanceof Sequence s ? s.items() : List.of(value);
      for (YamlNode src : sources) {
        if (!(src instanceof Mapping m)) {
          throw new YamlException(
              source, src.position(), "a merge key << needs a mapping or a list of mappings");
        }
        for (Entry entry : m.entries().values()) {
          open.entries.putIfAbsent(entry.key(), entry);
        }
      }
    }

    private @Nullable String anchor(NodeEvent e) {
      return e.getAnchor().map(a -> a.getValue()).orElse(null);
    }

    private void checkTag(Event e, Optional<String> tag, Set<String> allowed) throws YamlException {
      if (tag.isEmpty()) {
        return;
      }
      String t = tag.get();
      if (o.tags() == Tags.NONE) {
        throw fail(e, "YAML tags are not allowed in a " + o.kind() + " (" + clip(t) + ")");
      }
      if (!t.startsWith(YAML_TAG) || !allowed.contains(t.substring(YAML_TAG.length()))) {
        throw fail(e, "the YAML tag " + clip(t) + " is not supported");
      }
    }

    private void checkText(String value, Event e) throws YamlException {
      if (value.length() > o.maxScalarChars()) {
        throw fail(e, "a string longer than " + o.maxScalarChars() + " characters");
      }
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        boolean pair =
            Character.isHighSurrogate(c)
                && i + 1 < value.length()
                && Character.isLowSurrogate(value.charAt(i + 1));
        if (o.printable()
            && (c < 0x20
                || (c >= 0x7F && c <= 0x9F)
                || c == '\u2028'
                || c == '\u2029'
                || c == '\uFEFF'
                || (Character.isSurrogate(c) && !pair))) {
          // A policy names claims, keys and patterns, none of which needs a control or invisible
          // character; refusing them keeps messages and logs one line.
          throw fail(
              e,
              String.format(
                  Locale.ROOT,
                  "character U+%04X is not allowed in a %s string",
                  (int) c,
                  o.kind()));
        }
        if (pair) {
          i++;
        } else if (Character.isSurrogate(c)) {
          // Only an escape ("\udc00") can produce one: the text itself is valid UTF-8. yaml.v3
          // refuses such an escape, and no writer could spell the value back.
          throw fail(e, "an escape names a lone UTF-16 surrogate, which is not a character");
        }
      }
    }

    private YamlException fail(Event e, String problem) {
      return new YamlException(source, position(e), problem);
    }
  }
}
