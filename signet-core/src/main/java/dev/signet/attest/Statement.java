package dev.signet.attest;

import dev.signet.input.InputException;
import dev.signet.input.InputFiles;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.json.JsonWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An in-toto Statement v1 (in-toto/attestation {@code spec/v1/statement.md}): what was built
 * (subjects, by digest), and a typed predicate saying something about it.
 *
 * @param predicate the predicate object, or null when the statement has none
 */
public record Statement(
    List<Subject> subjects, String predicateType, @Nullable JsonObject predicate) {
  public static final String TYPE = "https://in-toto.io/Statement/v1";

  /** Most subjects accepted in one statement. */
  static final int MAX_SUBJECTS = 100_000;

  private static final Pattern LOWER_HEX = Pattern.compile("[0-9a-f]+");
  private static final Pattern DIGEST_NAME = Pattern.compile("[a-z0-9][a-zA-Z0-9_-]{0,63}");

  /**
   * A subject: a name (optional in the spec; "_" when meaningless) and a digest set.
   *
   * @param digest algorithm name → lowercase hex, e.g. {@code sha256}
   */
  public record Subject(String name, Map<String, String> digest) {
    public Subject {
      Objects.requireNonNull(name, "name");
      digest = java.util.Collections.unmodifiableMap(new TreeMap<>(digest));
    }

    public static Subject sha256(String name, String hex) {
      return new Subject(name, Map.of("sha256", hex));
    }

    public @Nullable String sha256() {
      return digest.get("sha256");
    }
  }

  public Statement {
    subjects = List.copyOf(subjects);
    Objects.requireNonNull(predicateType, "predicateType");
    if (subjects.isEmpty()) {
      throw new IllegalArgumentException("a statement needs at least one subject");
    }
  }

  /** The statement JSON, members in the spec's order, compact. */
  public byte[] toJson() {
    List<JsonValue> subs = new ArrayList<>();
    for (Subject s : subjects) {
      JsonObject.Builder d = JsonObject.builder();
      s.digest().forEach(d::put);
      subs.add(JsonObject.builder().put("name", s.name()).put("digest", d.build()).build());
    }
    JsonObject.Builder b =
        JsonObject.builder()
            .put("_type", TYPE)
            .put("subject", new JsonArray(subs))
            .put("predicateType", predicateType);
    if (predicate != null) {
      b.put("predicate", predicate);
    }
    return JsonWriter.compact(b.build()).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Parses a statement from a verified payload.
   *
   * @throws AttestationException {@link AttestationException.Reason#STATEMENT_TYPE} for a {@code
   *     _type} other than v1, {@link AttestationException.Reason#MALFORMED} for anything else
   */
  public static Statement parse(byte[] payload, String source) throws AttestationException {
    String text;
    try {
      text = InputFiles.decodeUtf8(payload, source + " (statement)");
    } catch (InputException e) {
      throw new AttestationException(AttestationException.Reason.MALFORMED, e.getMessage());
    }
    if (!(DsseEnvelope.parseJson(text, source + " (statement)") instanceof JsonObject o)) {
      throw DsseEnvelope.malformed(source, "the statement is not a JSON object");
    }
    if (!(o.get("_type") instanceof JsonString type)) {
      throw DsseEnvelope.malformed(source, "the statement has no _type");
    }
    if (!type.value().equals(TYPE)) {
      throw new AttestationException(
          AttestationException.Reason.STATEMENT_TYPE,
          source + ": statement _type is not " + TYPE + " (in-toto Statement v1)");
    }
    if (!(o.get("subject") instanceof JsonArray subs) || subs.isEmpty()) {
      throw DsseEnvelope.malformed(source, "the statement's subject is missing or empty");
    }
    if (subs.size() > MAX_SUBJECTS) {
      throw DsseEnvelope.malformed(
          source, "the statement has more than " + MAX_SUBJECTS + " subjects");
    }
    List<Subject> subjects = new ArrayList<>();
    for (int i = 0; i < subs.size(); i++) {
      subjects.add(subject(subs.get(i), source, "subject[" + i + "]"));
    }
    if (!(o.get("predicateType") instanceof JsonString pt) || pt.value().isEmpty()) {
      throw DsseEnvelope.malformed(source, "the statement has no predicateType");
    }
    JsonValue p = o.get("predicate");
    if (p != null && !(p instanceof JsonObject)) {
      throw DsseEnvelope.malformed(source, "the statement's predicate must be an object");
    }
    return new Statement(subjects, pt.value(), (JsonObject) p);
  }

  private static Subject subject(JsonValue v, String source, String where)
      throws AttestationException {
    if (!(v instanceof JsonObject s)) {
      throw DsseEnvelope.malformed(source, where + " must be an object");
    }
    String name = "_";
    if (s.has("name")) {
      if (!(s.get("name") instanceof JsonString n)) {
        throw DsseEnvelope.malformed(source, where + ".name must be a string");
      }
      name = n.value();
    }
    if (!(s.get("digest") instanceof JsonObject d) || d.isEmpty()) {
      throw DsseEnvelope.malformed(source, where + ".digest is missing or empty");
    }
    Map<String, String> digest = new TreeMap<>();
    for (var e : d.members().entrySet()) {
      if (!DIGEST_NAME.matcher(e.getKey()).matches()
          || !(e.getValue() instanceof JsonString h)
          || !LOWER_HEX.matcher(h.value()).matches()) {
        throw DsseEnvelope.malformed(
            source, where + ".digest must map algorithm names to lowercase hex");
      }
      digest.put(e.getKey(), h.value());
    }
    String sha256 = digest.get("sha256");
    if (sha256 != null && sha256.length() != 64) {
      throw DsseEnvelope.malformed(source, where + ".digest.sha256 must be 64 hex digits");
    }
    return new Subject(name, digest);
  }
}
