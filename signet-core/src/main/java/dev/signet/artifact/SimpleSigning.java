package dev.signet.artifact;

import dev.signet.input.InputException;
import dev.signet.input.InputFiles;
import dev.signet.input.InputLimits;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.json.JsonWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The "simple signing" payload cosign signs for a container image (sigstore {@code
 * pkg/signature/payload}): which image ({@code docker-manifest-digest}) under which name ({@code
 * docker-reference}). The bytes are exactly Go's {@code json.Marshal} of cosign's struct — fields
 * in declaration order, annotations sorted, {@code "optional":null} without annotations — because
 * the payload is signed and stored as is, never re-serialised.
 */
public final class SimpleSigning {
  public static final String TYPE = "cosign container image signature";

  /** OCI layer media type of a payload. */
  public static final String MEDIA_TYPE = "application/vnd.dev.cosign.simplesigning.v1+json";

  private static final int MAX_BYTES = InputLimits.MAX_IMAGE_PAYLOAD_BYTES;

  private SimpleSigning() {}

  /** What a payload claims. */
  public record Claim(String dockerReference, Digest manifestDigest, Map<String, String> optional) {
    public Claim {
      optional = java.util.Collections.unmodifiableMap(new TreeMap<>(optional));
    }
  }

  /** The payload bytes for {@code image} at {@code digest}, with optional annotations. */
  public static byte[] payload(
      ImageReference image, Digest digest, Map<String, String> annotations) {
    StringBuilder b = new StringBuilder(256);
    b.append("{\"critical\":{\"identity\":{\"docker-reference\":")
        .append(JsonWriter.quoteGo(image.name()))
        .append("},\"image\":{\"docker-manifest-digest\":")
        .append(JsonWriter.quoteGo(digest.toString()))
        .append("},\"type\":")
        .append(JsonWriter.quoteGo(TYPE))
        .append("},\"optional\":");
    if (annotations.isEmpty()) {
      b.append("null");
    } else {
      b.append('{');
      String sep = "";
      for (var e : new TreeMap<>(annotations).entrySet()) {
        b.append(sep)
            .append(JsonWriter.quoteGo(e.getKey()))
            .append(':')
            .append(JsonWriter.quoteGo(e.getValue()));
        sep = ",";
      }
      b.append('}');
    }
    return b.append('}').toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads a payload strictly: {@code critical} holds exactly identity, image and the cosign type
   * (it is the must-understand part); {@code optional} is null or an object of strings.
   */
  public static Claim parse(byte[] payload, String source) throws InputException {
    if (payload.length > MAX_BYTES) {
      throw new InputException(
          source, null, "the payload is larger than " + (MAX_BYTES >> 10) + " KiB");
    }
    JsonValue tree =
        new JsonReader(new InputLimits(MAX_BYTES, 0, 8, 1, 1))
            .parse(InputFiles.decodeUtf8(payload, source), source);
    if (!(tree instanceof JsonObject top)) {
      throw new InputException(source, null, "the payload is not a JSON object");
    }
    only(top, source, "", Set.of("critical", "optional"));
    JsonObject critical = object(top, "critical", source, "");
    only(critical, source, "critical.", Set.of("identity", "image", "type"));
    if (!(critical.get("type") instanceof JsonString type) || !type.value().equals(TYPE)) {
      throw new InputException(source, "critical.type", "is not \"" + TYPE + "\"");
    }
    JsonObject identity = object(critical, "identity", source, "critical.");
    only(identity, source, "critical.identity.", Set.of("docker-reference"));
    JsonObject image = object(critical, "image", source, "critical.");
    only(image, source, "critical.image.", Set.of("docker-manifest-digest"));
    String ref = string(identity, "docker-reference", source, "critical.identity.");
    Digest digest =
        Digest.parse(
            string(image, "docker-manifest-digest", source, "critical.image."),
            source + ": critical.image.docker-manifest-digest");
    Map<String, String> optional = new TreeMap<>();
    JsonValue opt = top.get("optional");
    if (opt instanceof JsonObject o) {
      for (var e : o.members().entrySet()) {
        if (!(e.getValue() instanceof JsonString s)) {
          throw new InputException(source, "optional." + e.getKey(), "must be a string");
        }
        optional.put(e.getKey(), s.value());
      }
    } else if (opt != null && !opt.isNull()) {
      throw new InputException(source, "optional", "must be null or an object");
    }
    return new Claim(ref, digest, optional);
  }

  private static void only(JsonObject o, String source, String path, Set<String> known)
      throws InputException {
    for (String name : o.members().keySet()) {
      if (!known.contains(name)) {
        throw new InputException(source, path + BundleReader.printable(name), "unknown field");
      }
    }
  }

  private static JsonObject object(JsonObject o, String name, String source, String path)
      throws InputException {
    if (!(o.get(name) instanceof JsonObject v)) {
      throw new InputException(
          source, path + name, o.has(name) ? "must be an object" : "is missing");
    }
    return v;
  }

  private static String string(JsonObject o, String name, String source, String path)
      throws InputException {
    if (!(o.get(name) instanceof JsonString v)) {
      throw new InputException(
          source, path + name, o.has(name) ? "must be a string" : "is missing");
    }
    return v.value();
  }
}
