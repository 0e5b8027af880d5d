package dev.signet.attest;

import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.json.JsonWriter;
import dev.signet.keys.PemKeys;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A Sigstore bundle v0.3 whose content is a DSSE envelope (sigstore/protobuf-specs {@code
 * sigstore_bundle.proto}, protobuf-JSON form): what cosign v3 writes for an attestation signed with
 * a key and no transparency log. The verification material is the public-key hint,
 * base64(SHA-256(DER SubjectPublicKeyInfo)); the verifier is given the key itself.
 */
public final class DsseBundle {
  public static final String MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";

  // sigstore-go writes the first; the proto says clients also accept the parameter spelling.
  private static final Set<String> MEDIA_TYPES =
      Set.of(
          MEDIA_TYPE,
          "application/vnd.dev.sigstore.bundle+json;version=0.3",
          "application/vnd.dev.sigstore.bundle.v0.2+json",
          "application/vnd.dev.sigstore.bundle+json;version=0.2",
          "application/vnd.dev.sigstore.bundle+json;version=0.1");

  private DsseBundle() {}

  /**
   * A bundle read from JSON.
   *
   * @param hint the public-key hint, or null when the bundle has none
   */
  public record Parsed(DsseEnvelope envelope, @Nullable String hint) {}

  /** The bundle JSON for an envelope with exactly one signature, made with {@code key}. */
  public static String toJson(DsseEnvelope envelope, PublicKey key) {
    if (envelope.signatures().size() != 1) {
      throw new IllegalArgumentException("a Sigstore bundle holds exactly one DSSE signature");
    }
    DsseEnvelope.Signature s = envelope.signatures().getFirst();
    JsonObject.Builder sig = JsonObject.builder().put("sig", b64(s.sig()));
    if (!s.keyId().isEmpty()) {
      sig.put("keyid", s.keyId()); // protobuf-JSON omits empty fields
    }
    return JsonWriter.compact(
        JsonObject.builder()
            .put("mediaType", MEDIA_TYPE)
            .put(
                "verificationMaterial",
                JsonObject.builder()
                    .put(
                        "publicKey",
                        JsonObject.builder().put("hint", PemKeys.sigstoreHint(key)).build())
                    .build())
            .put(
                "dsseEnvelope",
                JsonObject.builder()
                    .put("payload", b64(envelope.payload()))
                    .put("payloadType", envelope.payloadType())
                    .put("signatures", JsonArray.of(sig.build()))
                    .build())
            .build());
  }

  /** Reads a bundle; it must hold a DSSE envelope with exactly one signature. */
  public static Parsed parse(String json, String source) throws AttestationException {
    if (!(DsseEnvelope.parseJson(json, source) instanceof JsonObject o)) {
      throw DsseEnvelope.malformed(source, "a Sigstore bundle must be a JSON object");
    }
    if (!(o.get("mediaType") instanceof JsonString mt) || !MEDIA_TYPES.contains(mt.value())) {
      throw DsseEnvelope.malformed(
          source, "not a Sigstore bundle v0.1–v0.3 (mediaType missing or unsupported)");
    }
    if (!(o.get("verificationMaterial") instanceof JsonObject vm)) {
      throw DsseEnvelope.malformed(source, "verificationMaterial is missing");
    }
    String hint = null;
    if (vm.get("publicKey") instanceof JsonObject pk) {
      if (pk.get("hint") instanceof JsonString h && !h.value().isEmpty()) {
        hint = h.value();
      }
    } else if (vm.has("certificate") || vm.has("x509CertificateChain")) {
      throw DsseEnvelope.malformed(
          source,
          "the bundle is certificate-based (keyless); Signet verifies bundles signed with a key");
    } else {
      throw DsseEnvelope.malformed(source, "verificationMaterial has no publicKey");
    }
    if (o.has("messageSignature")) {
      throw DsseEnvelope.malformed(
          source,
          "holds a blob signature (messageSignature), not an attestation; verify it as an"
              + " artifact");
    }
    JsonValue env = o.get("dsseEnvelope");
    if (env == null) {
      throw DsseEnvelope.malformed(source, "dsseEnvelope is missing");
    }
    DsseEnvelope envelope = DsseEnvelope.fromJson(env, source, "dsseEnvelope");
    if (envelope.signatures().size() != 1) {
      throw DsseEnvelope.malformed(
          source, "a bundle's DSSE envelope must have exactly one signature");
    }
    return new Parsed(envelope, hint);
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }
}
