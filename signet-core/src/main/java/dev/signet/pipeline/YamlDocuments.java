package dev.signet.pipeline;

import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.json.JsonWriter;
import java.io.Serial;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.ConstructNode;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.scanner.StreamReader;
import org.snakeyaml.engine.v2.schema.Schema;

/**
 * Reads untrusted YAML into {@link YamlTree}s, one per document.
 *
 * <p>snakeyaml-engine is used only up to its node graph (never its object constructor), with a
 * schema that leaves plain scalars untyped so that {@link GoScalars} can type them as Go's yaml.v3
 * does. Everything yaml.v3 adds on top of YAML 1.2 core (merge keys) or that snakeyaml leaves to
 * its constructor (duplicate keys, recursive aliases) is done here while walking the graph. Limits:
 * document size, nesting depth (checked on the event stream, before snakeyaml's recursive composer
 * can overflow the stack), alias count and the number of nodes aliases may expand to (billion
 * laughs), and the number of documents.
 */
final class YamlDocuments {
  private YamlDocuments() {}

  /** The tag the schema gives untagged plain scalars, so they can be told from {@code !!str}. */
  static final Tag PLAIN = new Tag("tag:signet.dev,2025:plain");

  private static final String YAML_TAG = "tag:yaml.org,2002:";
  private static final Set<String> SCALAR_TAGS =
      Set.of("str", "int", "float", "bool", "null", "timestamp");
  private static final Set<String> COLLECTION_TAGS = Set.of("seq", "map");

  /** Reads every document, or only the first one (Go {@code Parse}) when {@code firstOnly}. */
  static List<YamlTree> read(String text, String source, InputLimits limits, boolean firstOnly)
      throws InputException {
    checkSize(text, source, limits);
    if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
      text = text.substring(1);
    }
    LoadSettings settings =
        LoadSettings.builder()
            .setLabel(source)
            .setAllowDuplicateKeys(false)
            .setMaxAliasesForCollections(limits.maxAliases())
            .setAllowRecursiveKeys(false)
            .setCodePointLimit(limits.maxBytes())
            .setUseMarks(true)
            .setSchema(UntypedSchema.INSTANCE)
            // snakeyaml-engine's StreamReader copies its window each time it refills by
            // bufferSize (default 1 KiB), which is quadratic in the length of one long scalar:
            // an 8 MiB command took 60 s. The text is already in memory and bounded, so the
            // whole of it is one window.
            .setBufferSize(text.length() + 1)
            .build();
    Parser events =
        new GuardedParser(
            new ParserImpl(settings, new StreamReader(settings, text)), source, limits);
    Composer composer = new Composer(settings, events);
    List<YamlTree> documents = new ArrayList<>();
    try {
      while (composer.hasNext()) {
        Node root = composer.next();
        documents.add(new Walker(source, limits).walk(root, 1));
        if (firstOnly) {
          break;
        }
      }
    } catch (Abort a) {
      throw a.error;
    } catch (MarkedYamlEngineException e) {
      Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
      String problem = e.getProblem() != null ? e.getProblem() : "malformed YAML";
      if (e.getContext() != null && !e.getContext().isBlank()) {
        problem = e.getContext() + ": " + problem;
      }
      throw new InputException(source, where(mark), clip(problem));
    } catch (org.snakeyaml.engine.v2.exceptions.ReaderException e) {
      // A character YAML does not allow (a NUL, most C0 controls): point at it.
      throw new InputException(
          source,
          where(text, e.getPosition()),
          String.format(
              java.util.Locale.ROOT, "special character U+%04X is not allowed", e.getCodePoint()));
    } catch (YamlEngineException e) {
      throw new InputException(source, null, clip(engineProblem(e, limits)));
    } catch (StackOverflowError e) {
      // Unreachable with the depth guard in place; kept so that no Error reaches a user. The
      // cause is kept so that tests (the fuzz tests above all) can tell this from a refusal.
      throw new InputException(source, null, "nested too deeply", e);
    } catch (RuntimeException e) {
      throw new InputException(
          source, null, "cannot read YAML (" + e.getClass().getSimpleName() + ")", e);
    }
    if (documents.isEmpty()) {
      throw new InputException(source, null, "no YAML document found");
    }
    return documents;
  }

  private static void checkSize(String text, String source, InputLimits limits)
      throws InputException {
    // snakeyaml's code point limit counts per document; this bounds the whole stream, in the
    // same UTF-8 bytes InputFiles counts.
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
      if (bytes > limits.maxBytes()) {
        throw new InputException(
            source, null, "larger than the input limit of " + (limits.maxBytes() >> 10) + " KiB");
      }
    }
  }

  private static String engineProblem(YamlEngineException e, InputLimits limits) {
    String msg = e.getMessage() == null ? "" : e.getMessage();
    if (msg.contains("aliases")) {
      return "too many aliases (the limit is " + limits.maxAliases() + ")";
    }
    if (msg.contains("code points")) {
      return "larger than the input limit of " + (limits.maxBytes() >> 10) + " KiB";
    }
    return msg.isBlank() ? "malformed YAML" : msg;
  }

  /** Line and column of the {@code codePoint}-th code point of {@code text}. */
  private static String where(String text, int codePoint) {
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
    return "line " + line + ", column " + column;
  }

  static String where(Optional<Mark> mark) {
    return mark.map(m -> "line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1))
        .orElse("");
  }

  private static String clip(String s) {
    String line = s.replaceAll("\\s*\\R\\s*", " ").strip();
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }

  /** Carries an {@link InputException} out of snakeyaml's callbacks, which cannot throw it. */
  private static final class Abort extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;
    final transient InputException error;

    Abort(InputException error) {
      super(null, null, false, false);
      this.error = error;
    }
  }

  /** YAML 1.2 failsafe typing for tagged nodes, and a marker tag for plain untagged scalars. */
  private enum UntypedSchema implements Schema {
    INSTANCE;

    private static final ScalarResolver RESOLVER =
        (value, implicit) -> Boolean.TRUE.equals(implicit) ? PLAIN : Tag.STR;

    @Override
    public ScalarResolver getScalarResolver() {
      return RESOLVER;
    }

    @Override
    public Map<Tag, ConstructNode> getSchemaTagConstructors() {
      return Map.of();
    }
  }

  /**
   * Watches the event stream on its way to the composer: depth is checked when a collection starts,
   * before the composer recurses into it; tags are checked before they can mean anything (an
   * unknown tag is refused, fail closed); documents are counted.
   */
  private static final class GuardedParser implements Parser {
    private final Parser delegate;
    private final String source;
    private final InputLimits limits;
    private int depth;
    private int documents;

    GuardedParser(Parser delegate, String source, InputLimits limits) {
      this.delegate = delegate;
      this.source = source;
      this.limits = limits;
    }

    @Override
    public boolean checkEvent(Event.ID id) {
      return delegate.checkEvent(id);
    }

    @Override
    public Event peekEvent() {
      return delegate.peekEvent();
    }

    @Override
    public boolean hasNext() {
      return delegate.hasNext();
    }

    @Override
    public Event next() {
      Event event = delegate.next();
      switch (event.getEventId()) {
        case DocumentStart -> {
          if (++documents > limits.maxDocuments()) {
            throw fail(event, "more than " + limits.maxDocuments() + " YAML documents");
          }
        }
        case MappingStart, SequenceStart -> {
          checkTag(event, ((CollectionStartEvent) event).getTag(), COLLECTION_TAGS);
          if (++depth > limits.maxDepth()) {
            throw fail(event, "nested deeper than " + limits.maxDepth() + " levels");
          }
        }
        case MappingEnd, SequenceEnd -> depth--;
        case Scalar -> checkTag(event, ((ScalarEvent) event).getTag(), SCALAR_TAGS);
        default -> {}
      }
      return event;
    }

    private void checkTag(Event event, Optional<String> tag, Set<String> allowed) {
      if (tag.isEmpty()) {
        return;
      }
      String t = tag.get();
      if (!t.startsWith(YAML_TAG) || !allowed.contains(t.substring(YAML_TAG.length()))) {
        throw fail(event, "the YAML tag " + clip(t) + " is not supported");
      }
    }

    private Abort fail(Event event, String problem) {
      return new Abort(new InputException(source, where(event.getStartMark()), problem));
    }
  }

  /**
   * Turns the node graph into a tree: types scalars, makes keys canonical strings, expands aliases
   * into independent copies and applies merge keys, within depth and expansion limits.
   */
  private static final class Walker {
    private final String source;
    private final InputLimits limits;
    private final long aliasBudget;
    private final Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Node> active = Collections.newSetFromMap(new IdentityHashMap<>());
    private int aliasDepth;
    private long aliasNodes;

    Walker(String source, InputLimits limits) {
      this.source = source;
      this.limits = limits;
      // Aliases may multiply a document (billion laughs). Legitimate reuse, such as a defaults
      // anchor merged into every step, stays far below one node per 64 bytes of allowed input.
      this.aliasBudget = Math.max(10_000L, limits.maxBytes() / 64L);
    }

    YamlTree walk(Node node, int depth) {
      String where = where(node.getStartMark());
      if (depth > limits.maxDepth()) {
        throw fail(where, "nested deeper than " + limits.maxDepth() + " levels");
      }
      if (!active.add(node)) {
        throw fail(where, "an alias refers to a node that contains it");
      }
      boolean alias = !seen.add(node);
      if (alias) {
        aliasDepth++;
      }
      try {
        if (aliasDepth > 0 && ++aliasNodes > aliasBudget) {
          throw fail(where, "aliases expand to more than " + aliasBudget + " nodes");
        }
        return switch (node) {
          case ScalarNode s -> scalar(s, where);
          case SequenceNode s -> {
            List<YamlTree> items = new ArrayList<>(s.getValue().size());
            for (Node item : s.getValue()) {
              items.add(walk(item, depth + 1));
            }
            yield new YamlTree.Sequence(items, where);
          }
          case MappingNode m -> mapping(m, where, depth);
          default -> throw fail(where, "unsupported YAML node");
        };
      } finally {
        active.remove(node);
        if (alias) {
          aliasDepth--;
        }
      }
    }

    private YamlTree.Mapping mapping(MappingNode node, String where, int depth) {
      LinkedHashMap<String, YamlTree> entries = new LinkedHashMap<>();
      Set<String> written = new HashSet<>();
      for (NodeTuple t : node.getValue()) {
        Node keyNode = t.getKeyNode();
        if (keyNode instanceof ScalarNode s
            && s.getTag().equals(PLAIN)
            && s.getValue().equals("<<")) {
          merge(entries, t.getValueNode(), depth);
          continue;
        }
        String key = key(keyNode);
        if (!written.add(key)) {
          throw fail(where(keyNode.getStartMark()), "duplicate mapping key " + quote(key));
        }
        // Keys written in this mapping win over merged ones, keeping the merged key's position.
        entries.put(key, walk(t.getValueNode(), depth + 1));
      }
      return new YamlTree.Mapping(entries, where);
    }

    /**
     * {@code <<: *a} or {@code <<: [*a, *b]}: keys not yet present are added; with a list, an
     * earlier mapping wins over a later one (the YAML merge-key rule yaml.v3 follows).
     */
    private void merge(Map<String, YamlTree> entries, Node value, int depth) {
      List<Node> sources = value instanceof SequenceNode s ? s.getValue() : List.of(value);
      for (Node src : sources) {
        YamlTree merged = walk(src, depth + 1);
        if (!(merged instanceof YamlTree.Mapping m)) {
          throw fail(merged.where(), "a merge key << needs a mapping or a list of mappings");
        }
        for (Map.Entry<String, YamlTree> e : m.entries().entrySet()) {
          entries.putIfAbsent(e.getKey(), e.getValue());
        }
      }
    }

    /** Keys are made canonical strings as go-pipeline does (spec §2.1). */
    private String key(Node keyNode) {
      String where = where(keyNode.getStartMark());
      if (!(keyNode instanceof ScalarNode s)) {
        throw fail(where, "a mapping key must be a scalar");
      }
      return switch (scalar(s, where)) {
        case YamlTree.Str str -> str.value();
        case YamlTree.Int i -> i.value().toString();
        case YamlTree.Bool b -> b.value() ? "true" : "false";
        case YamlTree.Float f -> GoScalars.formatFloatE(f.value());
        case YamlTree.Null n -> throw fail(where, "a mapping key cannot be null");
        default -> throw fail(where, "a mapping key must be a string, number or bool");
      };
    }

    private YamlTree scalar(ScalarNode s, String where) {
      Tag tag = s.getTag();
      String value = s.getValue();
      if (hasLoneSurrogate(value)) {
        // Only an escape ("\udc00") can produce one: the text itself is valid UTF-8. yaml.v3
        // refuses such an escape, and no writer could spell the value back.
        throw fail(where, "an escape names a lone UTF-16 surrogate, which is not a character");
      }
      if (tag.equals(PLAIN)) {
        return GoScalars.resolvePlain(value, where);
      }
      if (tag.equals(Tag.STR)) {
        return new YamlTree.Str(value, where);
      }
      // An explicit tag: the value must read as that type, as yaml.v3 requires.
      YamlTree typed = GoScalars.resolvePlain(value, where);
      String name = tag.getValue().substring(YAML_TAG.length());
      YamlTree result =
          switch (name) {
            case "int" -> typed instanceof YamlTree.Int ? typed : null;
            case "float" ->
                switch (typed) {
                  case YamlTree.Float f -> f;
                  case YamlTree.Int i -> new YamlTree.Float(i.value().doubleValue(), where);
                  default -> null;
                };
            case "bool" -> typed instanceof YamlTree.Bool ? typed : null;
            case "null" -> typed instanceof YamlTree.Null ? typed : null;
            case "timestamp" -> {
              String time = GoScalars.timestamp(value);
              yield time == null ? null : new YamlTree.Timestamp(time, where);
            }
            default -> null;
          };
      if (result == null) {
        throw fail(where, "the value cannot be read as !!" + name);
      }
      return result;
    }

    private Abort fail(String where, String problem) {
      return new Abort(new InputException(source, where.isEmpty() ? null : where, problem));
    }
  }

  private static boolean hasLoneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  static String quote(@Nullable String s) {
    if (s == null) {
      return "null";
    }
    String q = JsonWriter.quote(s);
    return q.length() > 80 ? q.substring(0, 80) + "…\"" : q;
  }
}
