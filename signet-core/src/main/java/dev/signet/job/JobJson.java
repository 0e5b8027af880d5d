package dev.signet.job;

import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.json.JsonNull;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.json.JsonWriter;
import dev.signet.pipeline.CommandStep;
import dev.signet.pipeline.PipelineParser;
import dev.signet.pipeline.PipelineWriter;
import java.util.LinkedHashMap;
import java.util.SequencedMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The JSON form of a job, {@code {"id", "env", "step", "matrix_permutation"}}: the fields of
 * Buildkite's Accept Job response that verification reads. Other members (a real response has many)
 * are ignored; the ones read are strictly typed, because they come from the untrusted control
 * plane.
 */
public final class JobJson {
  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_-]+");

  private JobJson() {}

  public static JsonObject toJson(Job job) {
    return JsonObject.builder()
        .put("id", job.id())
        .put("env", strings(job.env()))
        .put("step", PipelineWriter.stepToJson(job.step()))
        .put("matrix_permutation", strings(job.matrixPermutation()))
        .build();
  }

  /** Parses one job; {@code source} names the file in errors. */
  public static Job parse(String text, String source, InputLimits limits) throws InputException {
    JsonValue tree = new JsonReader(limits).parse(text, source);
    if (!(tree instanceof JsonObject o)) {
      throw new InputException(source, null, "a job must be a JSON object");
    }
    String id = o.get("id") instanceof JsonString s ? s.value() : "";
    if (!(o.get("step") instanceof JsonObject)) {
      throw new InputException(source, "step", "missing or not an object");
    }
    CommandStep step = PipelineParser.parseCommandStep(o.get("step"), source, "step");
    return new Job(
        id,
        stringMap(o.get("env"), source, "env"),
        step,
        stringMap(o.get("matrix_permutation"), source, "matrix_permutation"));
  }

  private static SequencedMap<String, String> stringMap(
      @Nullable JsonValue v, String source, String field) throws InputException {
    SequencedMap<String, String> out = new LinkedHashMap<>();
    if (v == null || v instanceof JsonNull) {
      return out;
    }
    if (!(v instanceof JsonObject o)) {
      throw new InputException(source, field, "must be an object of strings");
    }
    for (var e : o.members().entrySet()) {
      if (!(e.getValue() instanceof JsonString s)) {
        // Name the key, never the value: env values can be secrets.
        throw new InputException(source, field + "." + memberName(e.getKey()), "must be a string");
      }
      out.put(e.getKey(), s.value());
    }
    return out;
  }

  /** A member name as a path part: quoted (escapes and all) unless it is a plain word. */
  private static String memberName(String name) {
    return PLAIN_NAME.matcher(name).matches() ? name : JsonWriter.quote(name);
  }

  private static JsonObject strings(SequencedMap<String, String> map) {
    JsonObject.Builder b = JsonObject.builder();
    map.forEach(b::put);
    return b.build();
  }
}
