package dev.signet.server.policy;

import dev.signet.input.InputException;
import dev.signet.yaml.YamlException;
import dev.signet.yaml.YamlNode;
import dev.signet.yaml.YamlReader;
import java.util.List;

/**
 * Reads a policy document with core's {@link YamlReader}, at the policy's limits: one document, no
 * tags at all (every scalar is a string, so nothing in a policy is typed by YAML's guessing: {@code
 * no} stays "no", {@code 010} stays "010"), printable strings of bounded length, bounded lists and
 * mappings, and a bound on the nodes aliases may expand the document to.
 */
final class PolicyYaml {
  private PolicyYaml() {}

  private static final YamlReader.Options OPTIONS =
      YamlReader.Options.of("policy", PolicyLimits.YAML)
          .withMaxNodes(PolicyLimits.MAX_NODES)
          .withMaxAliasNodes(PolicyLimits.MAX_NODES)
          .withMaxEntries(PolicyLimits.MAX_LIST_ITEMS)
          .withMaxScalarChars(PolicyLimits.MAX_STRING_CHARS)
          .withTags(YamlReader.Tags.NONE)
          .withPrintableScalars()
          .withScalarAliasesCounted();

  /** Reads exactly one document. */
  static YamlNode read(String text, String source) throws InputException {
    List<YamlNode> documents;
    try {
      documents = YamlReader.readAll(text, source, OPTIONS);
    } catch (YamlException e) {
      throw e.toInputException();
    }
    if (documents.isEmpty()) {
      throw new InputException(source, null, "empty policy document");
    }
    return documents.getFirst();
  }
}
