package dev.signet.pipeline;

import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.yaml.YamlException;
import dev.signet.yaml.YamlNode;
import dev.signet.yaml.YamlReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads untrusted pipeline YAML into {@link YamlTree}s, one per document, with the shared {@link
 * YamlReader} (which bounds it) plus what Go's yaml.v3 adds: merge keys, plain scalars typed by
 * {@link GoScalars}, explicit core tags that must fit their value, and keys made canonical strings
 * as go-pipeline does (spec §2.1), so that {@code 1} and {@code "1"} are the same key.
 */
final class YamlDocuments {
  private YamlDocuments() {}

  private static final String YAML_TAG = "tag:yaml.org,2002:";

  /** Reads every document, or only the first one (Go {@code Parse}) when {@code firstOnly}. */
  static List<YamlTree> read(String text, String source, InputLimits limits, boolean firstOnly)
      throws InputException {
    YamlReader.Options options =
        YamlReader.Options.of("input", limits).withMergeKeys().withKeys(k -> key(k, source));
    List<YamlNode> documents;
    try {
      if (firstOnly) {
        YamlNode first = YamlReader.readFirst(text, source, options);
        documents = first == null ? List.of() : List.of(first);
      } else {
        documents = YamlReader.readAll(text, source, options);
      }
    } catch (YamlException e) {
      throw e.toInputException();
    }
    if (documents.isEmpty()) {
      throw new InputException(source, null, "no YAML document found");
    }
    List<YamlTree> trees = new ArrayList<>(documents.size());
    for (YamlNode d : documents) {
      trees.add(tree(d, source));
    }
    return trees;
  }

  private static YamlTree tree(YamlNode node, String source) throws InputException {
    return switch (node) {
      case YamlNode.Scalar s -> {
        YamlTree t = scalar(s);
        if (t == null) {
          throw new InputException(source, s.where(), "the value cannot be read as !!" + tag(s));
        }
        yield t;
      }
      case YamlNode.Sequence s -> {
        List<YamlTree> items = new ArrayList<>(s.items().size());
        for (YamlNode item : s.items()) {
          items.add(tree(item, source));
        }
        yield new YamlTree.Sequence(items, s.where());
      }
      case YamlNode.Mapping m -> {
        LinkedHashMap<String, YamlTree> entries =
            LinkedHashMap.newLinkedHashMap(m.entries().size());
        for (Map.Entry<String, YamlNode.Entry> e : m.entries().entrySet()) {
          entries.put(e.getKey(), tree(e.getValue().value(), source));
        }
        yield new YamlTree.Mapping(entries, m.where());
      }
    };
  }

  /** Keys are made canonical strings as go-pipeline does (spec §2.1). */
  private static String key(YamlNode.Scalar k, String source) throws YamlException {
    YamlTree typed = scalar(k);
    if (typed == null) {
      throw new YamlException(source, k.position(), "the value cannot be read as !!" + tag(k));
    }
    return switch (typed) {
      case YamlTree.Str str -> str.value();
      case YamlTree.Int i -> i.value().toString();
      case YamlTree.Bool b -> b.value() ? "true" : "false";
      case YamlTree.Float f -> GoScalars.formatFloatE(f.value());
      case YamlTree.Null n ->
          throw new YamlException(source, k.position(), "a mapping key cannot be null");
      default ->
          throw new YamlException(
              source, k.position(), "a mapping key must be a string, number or bool");
    };
  }

  private static String tag(YamlNode.Scalar s) {
    String tag = s.tag();
    return tag == null ? "str" : tag.substring(YAML_TAG.length());
  }

  /** The scalar typed as yaml.v3 types it, or null when its explicit tag does not fit it. */
  private static @Nullable YamlTree scalar(YamlNode.Scalar s) {
    String where = s.where();
    String value = s.value();
    if (s.plain()) {
      return GoScalars.resolvePlain(value, where);
    }
    if (s.tag() == null) {
      return new YamlTree.Str(value, where);
    }
    // An explicit core tag (the reader refuses others): the value must read as that type.
    return switch (tag(s)) {
      case "str" -> new YamlTree.Str(value, where);
      case "int" -> GoScalars.resolvePlain(value, where) instanceof YamlTree.Int i ? i : null;
      case "float" ->
          switch (GoScalars.resolvePlain(value, where)) {
            case YamlTree.Float f -> f;
            case YamlTree.Int i -> new YamlTree.Float(i.value().doubleValue(), where);
            default -> null;
          };
      case "bool" -> GoScalars.resolvePlain(value, where) instanceof YamlTree.Bool b ? b : null;
      case "null" -> GoScalars.resolvePlain(value, where) instanceof YamlTree.Null n ? n : null;
      case "timestamp" -> {
        String time = GoScalars.timestamp(value);
        yield time == null ? null : new YamlTree.Timestamp(time, where);
      }
      default -> null;
    };
  }

  static String quote(@Nullable String s) {
    return YamlReader.quote(s);
  }
}
