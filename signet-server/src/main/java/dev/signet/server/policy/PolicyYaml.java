package dev.signet.server.policy;

import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Reads a policy document into a small tree of strings, from snakeyaml-engine's event stream (never
 * its composer or constructor). Building the tree here, iteratively, is what bounds it: depth is
 * checked as collections open, aliases are counted and the size they expand to is capped, explicit
 * tags are refused (a policy has no use for them) and every scalar is a string, so nothing in a
 * policy is typed by YAML's guessing ({@code no} stays "no", {@code 010} stays "010").
 */
final class PolicyYaml {
  private PolicyYaml() {}

  /** A node of the tree; {@code where} is "line L, column C" of its start. */
  sealed interface Node permits Scalar, Mapping, Sequence {
    String where();

    long size();
  }

  record Scalar(String value, String where) implements Node {
    @Override
    public long size() {
      return 1;
    }
  }

  record Entry(String key, String keyWhere, Node value) {}

  record Mapping(SequencedMap<String, Entry> entries, String where, long size) implements Node {}

  record Sequence(List<Node> items, String where, long size) implements Node {}

  /** Reads exactly one document. */
  static Node read(String text, String source) throws InputException {
    InputLimits limits = PolicyLimits.YAML;
    if (text.length() > limits.maxBytes()
        || text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > limits.maxBytes()) {
      throw new InputException(
          source, null, "larger than the policy limit of " + (limits.maxBytes() >> 10) + " KiB");
    }
    if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
      text = text.substring(1);
    }
    LoadSettings settings =
        LoadSettings.builder()
            .setLabel(source)
            .setUseMarks(true)
            .setCodePointLimit(limits.maxBytes())
            .setBufferSize(text.length() + 1)
            .build();
    ParserImpl parser = new ParserImpl(settings, new StreamReader(settings, text));
    try {
      return new Builder(source, limits).build(parser);
    } catch (MarkedYamlEngineException e) {
      Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
      String problem = e.getProblem() != null ? e.getProblem() : "malformed YAML";
      throw new InputException(source, where(mark), clip(problem));
    } catch (YamlEngineException e) {
      String m = e.getMessage();
      throw new InputException(source, null, clip(m == null || m.isBlank() ? "malformed YAML" : m));
    } catch (RuntimeException e) {
      throw new InputException(
          source, null, "cannot read YAML (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  static String where(Optional<Mark> mark) {
    return mark.map(m -> "line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1))
        .orElse("");
  }

  private static String clip(String s) {
    String line = s.replaceAll("\\s*\\R\\s*", " ").strip();
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }

  /** An open collection: its items so far and, for a mapping, a key waiting for its value. */
  private static final class Open {
    final boolean mapping;
    final String where;
    final @Nullable String anchor;
    final SequencedMap<String, Entry> entries = new LinkedHashMap<>();
    final List<Node> items = new ArrayList<>();
    @Nullable Scalar pendingKey;
    long size = 1;

    Open(boolean mapping, String where, @Nullable String anchor) {
      this.mapping = mapping;
      this.where = where;
      this.anchor = anchor;
    }
  }

  private static final class Builder {
    private final String source;
    private final InputLimits limits;
    private final Deque<Open> stack = new ArrayDeque<>();
    private final Map<String, Node> anchors = new HashMap<>();
    private int aliases;
    private @Nullable Node root;
    private int documents;

    Builder(String source, InputLimits limits) {
      this.source = source;
      this.limits = limits;
    }

    Node build(ParserImpl parser) throws InputException {
      while (parser.hasNext()) {
        Event event = parser.next();
        switch (event.getEventId()) {
          case DocumentStart -> {
            if (++documents > 1) {
              throw fail(event, "a policy file holds one YAML document");
            }
          }
          case Scalar -> {
            ScalarEvent s = (ScalarEvent) event;
            noTag(s.getTag(), event);
            checkText(s.getValue(), event);
            add(new Scalar(s.getValue(), where(event.getStartMark())), anchor(s), event);
          }
          case MappingStart, SequenceStart -> {
            CollectionStartEvent c = (CollectionStartEvent) event;
            noTag(c.getTag(), event);
            if (stack.size() + 1 > limits.maxDepth()) {
              throw fail(event, "nested deeper than " + limits.maxDepth() + " levels");
            }
            if (!stack.isEmpty() && stack.peek().mapping && stack.peek().pendingKey == null) {
              throw fail(event, "a mapping key must be a plain string");
            }
            stack.push(
                new Open(
                    event.getEventId() == Event.ID.MappingStart,
                    where(event.getStartMark()),
                    anchor(c)));
          }
          case MappingEnd, SequenceEnd -> {
            Open open = stack.pop();
            Node node =
                open.mapping
                    ? new Mapping(open.entries, open.where, open.size)
                    : new Sequence(List.copyOf(open.items), open.where, open.size);
            add(node, open.anchor, event);
          }
          case Alias -> {
            if (++aliases > limits.maxAliases()) {
              throw fail(event, "more than " + limits.maxAliases() + " aliases");
            }
            String name = ((AliasEvent) event).getAlias().getValue();
            Node target = anchors.get(name);
            if (target == null) {
              // An alias to an enclosing collection lands here too: it is not complete yet.
              throw fail(event, "unknown or recursive alias *" + clip(name));
            }
            add(target, null, event);
          }
          default -> {}
        }
      }
      if (root == null) {
        throw new InputException(source, null, "empty policy document");
      }
      return root;
    }

    private @Nullable String anchor(NodeEvent e) {
      return e.getAnchor().map(a -> a.getValue()).orElse(null);
    }

    private void add(Node node, @Nullable String anchor, Event event) throws InputException {
      if (anchor != null) {
        anchors.put(anchor, node);
      }
      if (stack.isEmpty()) {
        root = node;
        return;
      }
      Open open = stack.peek();
      open.size += node.size();
      if (open.size > PolicyLimits.MAX_NODES) {
        throw fail(event, "expands to more than " + PolicyLimits.MAX_NODES + " nodes");
      }
      if (!open.mapping) {
        if (open.items.size() >= PolicyLimits.MAX_LIST_ITEMS) {
          throw fail(event, "more than " + PolicyLimits.MAX_LIST_ITEMS + " items in one list");
        }
        open.items.add(node);
        return;
      }
      Scalar key = open.pendingKey;
      if (key == null) {
        if (!(node instanceof Scalar s)) {
          throw fail(event, "a mapping key must be a plain string");
        }
        if (open.entries.containsKey(s.value())) {
          throw new InputException(source, s.where(), "duplicate key \"" + clip(s.value()) + "\"");
        }
        if (open.entries.size() >= PolicyLimits.MAX_LIST_ITEMS) {
          throw fail(event, "more than " + PolicyLimits.MAX_LIST_ITEMS + " keys in one mapping");
        }
        open.pendingKey = s;
      } else {
        open.entries.put(key.value(), new Entry(key.value(), key.where(), node));
        open.pendingKey = null;
      }
    }

    private void noTag(Optional<String> tag, Event event) throws InputException {
      if (tag.isPresent()) {
        throw fail(event, "YAML tags are not allowed in a policy (" + clip(tag.get()) + ")");
      }
    }

    private void checkText(String value, Event event) throws InputException {
      if (value.length() > PolicyLimits.MAX_STRING_CHARS) {
        throw fail(event, "a string longer than " + PolicyLimits.MAX_STRING_CHARS + " characters");
      }
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        // Printable text only: a policy names claims, keys and patterns, none of which needs a
        // control or invisible character, and refusing them keeps messages and logs one line.
        if (c < 0x20
            || (c >= 0x7F && c <= 0x9F)
            || c == '\u2028'
            || c == '\u2029'
            || c == '\uFEFF'
            || (Character.isSurrogate(c) && !validPair(value, i))) {
          throw fail(
              event,
              String.format(
                  java.util.Locale.ROOT,
                  "character U+%04X is not allowed in a policy string",
                  (int) c));
        }
        if (Character.isHighSurrogate(c)) {
          i++;
        }
      }
    }

    private static boolean validPair(String s, int i) {
      return Character.isHighSurrogate(s.charAt(i))
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1));
    }

    private InputException fail(Event event, String problem) {
      return new InputException(source, where(event.getStartMark()), problem);
    }
  }
}
