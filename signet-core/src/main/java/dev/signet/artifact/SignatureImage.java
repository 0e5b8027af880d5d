package dev.signet.artifact;

import dev.signet.input.InputException;
import dev.signet.input.InputFiles;
import dev.signet.input.InputLimits;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonNumber;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.json.JsonWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The OCI image cosign stores an image's signatures in, under the tag {@code sha256-<hex>.sig}
 * (cosign {@code pkg/oci/static}, spec §2.2): an image manifest whose layers are the signed
 * payloads, one per signature, each carrying its signature in the descriptor annotation {@code
 * dev.cosignproject.cosign/signature}. The config blob is go-containerregistry's empty image config
 * listing the layers; cosign does not read it.
 */
public final class SignatureImage {
  public static final String MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";
  public static final String CONFIG_MEDIA_TYPE = "application/vnd.oci.image.config.v1+json";
  public static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";

  private static final int MAX_MANIFEST_BYTES = InputLimits.MAX_OCI_MANIFEST_BYTES;
  private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  private SignatureImage() {}

  /** A layer descriptor. */
  public record Layer(String mediaType, Digest digest, long size, Map<String, String> annotations) {
    public Layer {
      annotations = Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
    }

    /** The layer for a simple-signing payload and its base64 signature. */
    public static Layer signature(byte[] payload, String signatureBase64) {
      return new Layer(
          SimpleSigning.MEDIA_TYPE,
          Digest.of(HashAlgorithm.SHA2_256, payload, 0, payload.length),
          payload.length,
          Map.of(SIGNATURE_ANNOTATION, signatureBase64));
    }

    /** The base64 signature annotation, or null. */
    public @Nullable String signature() {
      return annotations.get(SIGNATURE_ANNOTATION);
    }
  }

  /** A blob: its digest and content. */
  @SuppressWarnings("ArrayRecordComponent") // copied in and out: immutable
  public record Blob(Digest digest, byte[] content) {
    public Blob {
      content = content.clone();
    }

    public static Blob of(byte[] content) {
      return new Blob(Digest.of(HashAlgorithm.SHA2_256, content, 0, content.length), content);
    }

    @Override
    public byte[] content() {
      return content.clone();
    }
  }

  /** A built signature image: manifest and config (layer blobs are the payloads themselves). */
  public record Built(Blob manifest, Blob config, List<Layer> layers) {
    public Built {
      layers = List.copyOf(layers);
    }
  }

  /**
   * The manifest for {@code layers}, adding {@code added} unless an identical signature (same
   * payload, same signature) is already there, as cosign de-duplicates.
   */
  public static Built build(List<Layer> existing, Layer added) {
    List<Layer> layers = new ArrayList<>(existing);
    boolean present =
        layers.stream()
            .anyMatch(l ->
                l.digest().equals(added.digest())
                    && java.util.Objects.equals(added.signature(), l.signature()));
    if (!present) {
      layers.add(added);
    }
    List<JsonValue> diffIds = new ArrayList<>();
    List<JsonValue> history = new ArrayList<>();
    for (Layer l : layers) {
      diffIds.add(new JsonString(l.digest().toString()));
      history.add(JsonObject.builder().put("created", ZERO_TIME).build());
    }
    byte[] config =
        JsonWriter.compact(
                JsonObject.builder()
                    .put("architecture", "")
                    .put("created", ZERO_TIME)
                    .put("history", new JsonArray(history))
                    .put("os", "")
                    .put(
                        "rootfs",
                        JsonObject.builder()
                            .put("type", "layers")
                            .put("diff_ids", new JsonArray(diffIds))
                            .build())
                    .put("config", JsonObject.EMPTY)
                    .build())
            .getBytes(StandardCharsets.UTF_8);
    Blob configBlob = Blob.of(config);
    List<JsonValue> descriptors = new ArrayList<>();
    for (Layer l : layers) {
      JsonObject.Builder d =
          JsonObject.builder()
              .put("mediaType", l.mediaType())
              .put("size", JsonNumber.of(l.size()))
              .put("digest", l.digest().toString());
      if (!l.annotations().isEmpty()) {
        JsonObject.Builder a = JsonObject.builder();
        l.annotations().forEach(a::put);
        d.put("annotations", a.build());
      }
      descriptors.add(d.build());
    }
    byte[] manifest =
        JsonWriter.compact(
                JsonObject.builder()
                    .put("schemaVersion", JsonNumber.of(2))
                    .put("mediaType", MANIFEST_MEDIA_TYPE)
                    .put(
                        "config",
                        JsonObject.builder()
                            .put("mediaType", CONFIG_MEDIA_TYPE)
                            .put("size", JsonNumber.of(config.length))
                            .put("digest", configBlob.digest().toString())
                            .build())
                    .put("layers", new JsonArray(descriptors))
                    .build())
            .getBytes(StandardCharsets.UTF_8);
    return new Built(Blob.of(manifest), configBlob, layers);
  }

  /** The layers of a stored signature manifest (OCI or Docker schema 2). */
  public static List<Layer> parseManifest(byte[] manifest, String source) throws InputException {
    if (manifest.length > MAX_MANIFEST_BYTES) {
      throw new InputException(source, null, "the manifest is larger than 4 MiB");
    }
    JsonValue tree =
        new JsonReader(new InputLimits(MAX_MANIFEST_BYTES, 0, 16, 1, 1))
            .parse(InputFiles.decodeUtf8(manifest, source), source);
    if (!(tree instanceof JsonObject top)
        || !(top.get("schemaVersion") instanceof dev.signet.json.JsonInteger v)
        || v.value().intValue() != 2) {
      throw new InputException(source, null, "not an image manifest with schemaVersion 2");
    }
    if (!(top.get("layers") instanceof JsonArray layers)) {
      throw new InputException(source, "layers", "is missing or not an array");
    }
    List<Layer> out = new ArrayList<>();
    int i = 0;
    for (JsonValue item : layers.items()) {
      String where = "layers[" + i++ + "]";
      if (!(item instanceof JsonObject d)
          || !(d.get("mediaType") instanceof JsonString mt)
          || !(d.get("digest") instanceof JsonString dg)
          || !(d.get("size") instanceof dev.signet.json.JsonInteger size)
          || size.value().signum() < 0
          || size.value().bitLength() > 62) {
        throw new InputException(source, where, "is not a descriptor {mediaType, digest, size}");
      }
      Map<String, String> annotations = new LinkedHashMap<>();
      if (d.get("annotations") instanceof JsonObject a) {
        for (var e : a.members().entrySet()) {
          if (e.getValue() instanceof JsonString s) {
            annotations.put(e.getKey(), s.value());
          }
        }
      }
      long n = size.value().longValue();
      out.add(
          new Layer(
              mt.value(),
              Digest.parse(dg.value(), source + ": " + where + ".digest"),
              n,
              annotations));
    }
    return out;
  }
}
