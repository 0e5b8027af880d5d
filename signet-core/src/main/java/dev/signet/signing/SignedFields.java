package dev.signet.signing;

import dev.signet.json.JsonNull;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.json.JsonWriter;
import dev.signet.pipeline.CommandStep;
import dev.signet.pipeline.StepJson;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The signed-field map of a command step (spec §3): field name to the JSON value that goes into the
 * canonical payload. Built once per step, from the step and an "outer env" — the pipeline env when
 * signing, the whole job env when verifying.
 *
 * <p>Names are kept in byte-wise (UTF-8) order, which is the order of {@code signed_fields} (Go
 * {@code sort.Strings}); the canonical payload re-sorts by UTF-16 code units as RFC 8785 requires
 * (spec §10, pitfalls). The two orders differ only for characters above U+FFFF.
 */
public final class SignedFields {
  static final String COMMAND = "command";
  static final String ENV = "env";
  static final String PLUGINS = "plugins";
  static final String MATRIX = "matrix";
  static final String REPOSITORY_URL = "repository_url";
  static final String SECRETS = "secrets";
  static final String CHECKOUT = "checkout";
  static final String ENV_PREFIX = "env::";

  /**
   * Longest field or variable name shown in full. The names come from signed_fields, which the
   * control plane hands over, so messages quote them on one line.
   */
  private static final int MAX_SHOWN = 128;

  /** Code-point order, which equals the byte order of the UTF-8 encodings (Go's sort.Strings). */
  static final Comparator<String> BYTE_ORDER = StepJson.GO_ORDER;

  private final SortedMap<String, JsonValue> values;
  private final List<String> names;

  private SignedFields(SortedMap<String, JsonValue> values) {
    this.values = Collections.unmodifiableSortedMap(values);
    this.names = List.copyOf(values.keySet());
  }

  /**
   * The values a signer covers (spec §3, Go {@code SignedFields}): the five fixed fields, {@code
   * secrets} and {@code checkout} only when non-empty, and {@code env::NAME} for every pipeline
   * variable the step env does not override (spec §10.3: the job carries the step value for those,
   * so signing the pipeline value would break every override).
   */
  public static SignedFields forSigning(
      CommandStep step, SequencedMap<String, String> pipelineEnv, String repositoryUrl) {
    TreeMap<String, JsonValue> out = new TreeMap<>(BYTE_ORDER);
    out.put(COMMAND, new JsonString(step.command()));
    out.put(ENV, StepJson.env(step.env()));
    out.put(PLUGINS, StepJson.plugins(step.plugins()));
    out.put(MATRIX, StepJson.matrix(step.matrix()));
    out.put(REPOSITORY_URL, new JsonString(repositoryUrl));
    if (!step.secrets().isEmpty()) {
      out.put(SECRETS, StepJson.secrets(step.secrets()));
    }
    if (step.checkout() != null && !step.checkout().isEmpty()) {
      out.put(CHECKOUT, StepJson.checkout(step.checkout()));
    }
    for (Map.Entry<String, String> e : pipelineEnv.entrySet()) {
      if (!step.env().containsKey(e.getKey())) {
        out.put(ENV_PREFIX + e.getKey(), new JsonString(e.getValue()));
      }
    }
    return new SignedFields(out);
  }

  /**
   * The values a verifier recomputes for the names in a signature (spec §3, Go {@code
   * ValuesForFields}). {@code env::NAME} takes its value from {@code jobEnv}, never from the step
   * env. Errors come in Buildkite's order: an empty list first, then the first unknown field or
   * missing variable in list order, then the required-field check.
   *
   * @throws SignedFieldsException when the list is empty, names an unknown field or a variable
   *     missing from {@code jobEnv}, or lacks a required field ({@code command}, {@code env},
   *     {@code plugins}, {@code matrix}, {@code repository_url}; {@code secrets} when the step has
   *     secrets; {@code checkout} when the step has non-empty checkout settings)
   */
  public static SignedFields forVerification(
      CommandStep step, List<String> signedFields, Map<String, String> jobEnv, String repositoryUrl)
      throws SignedFieldsException {
    if (signedFields.isEmpty()) {
      throw new SignedFieldsException(
          SignedFieldsException.Reason.NO_FIELDS, List.of(), "signature covers no fields");
    }
    TreeSet<String> required = new TreeSet<>(BYTE_ORDER);
    Collections.addAll(required, COMMAND, ENV, PLUGINS, MATRIX, REPOSITORY_URL);
    if (!step.secrets().isEmpty()) {
      required.add(SECRETS);
    }
    if (step.checkout() != null && !step.checkout().isEmpty()) {
      required.add(CHECKOUT);
    }
    TreeMap<String, JsonValue> out = new TreeMap<>(BYTE_ORDER);
    for (String field : signedFields) {
      required.remove(field);
      if (out.containsKey(field)) {
        continue; // duplicates are harmless (spec §3)
      }
      JsonValue value =
          switch (field) {
            case COMMAND -> new JsonString(step.command());
            case ENV -> StepJson.env(step.env());
            case PLUGINS -> StepJson.plugins(step.plugins());
            case MATRIX -> StepJson.matrix(step.matrix());
            case REPOSITORY_URL -> new JsonString(repositoryUrl);
            // Go writes a nil slice here; a step without secrets could only match a signature
            // that covered "secrets": null, which no signer produces.
            case SECRETS ->
                step.secrets().isEmpty() ? JsonNull.NULL : StepJson.secrets(step.secrets());
            case CHECKOUT ->
                step.checkout() == null ? JsonNull.NULL : StepJson.checkout(step.checkout());
            default -> envValue(field, jobEnv);
          };
      out.put(field, value);
    }
    if (!required.isEmpty()) {
      List<String> missing = new ArrayList<>(required);
      throw new SignedFieldsException(
          SignedFieldsException.Reason.REQUIRED_FIELDS_MISSING,
          missing,
          "one or more required fields are not present: [" + String.join(" ", missing) + "]");
    }
    return new SignedFields(out);
  }

  private static JsonValue envValue(String field, Map<String, String> jobEnv)
      throws SignedFieldsException {
    if (!field.startsWith(ENV_PREFIX)) {
      throw new SignedFieldsException(
          SignedFieldsException.Reason.UNKNOWN_FIELD,
          List.of(field),
          "unknown or unsupported field for signing " + JsonWriter.quoteOneLine(field, MAX_SHOWN));
    }
    String name = field.substring(ENV_PREFIX.length());
    String value = jobEnv.get(name);
    if (value == null) {
      throw new SignedFieldsException(
          SignedFieldsException.Reason.MISSING_VARIABLE,
          List.of(field),
          "variable " + JsonWriter.quoteOneLine(name, MAX_SHOWN) + " missing from environment");
    }
    return new JsonString(value);
  }

  /** Field names in byte-wise order: the {@code signed_fields} of the signature. */
  public List<String> names() {
    return names;
  }

  /** Field name to value, in byte-wise name order. */
  public SortedMap<String, JsonValue> values() {
    return values;
  }
}
