package dev.signet.artifact;

import dev.signet.input.InputException;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonWriter;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A signature bundle for a blob, in one of the two forms cosign reads: the Sigstore bundle
 * (protobuf-specs {@code Bundle}, JSON, v0.1–v0.3) with a {@code messageSignature}, or the legacy
 * cosign bundle {@code {"base64Signature","cert","rekorBundle"}}.
 *
 * <p>{@link #parse} treats a bundle as untrusted input: size-capped, strict JSON (duplicate members
 * refused), unknown members refused as protojson does, canonical padded base64, exact digest
 * lengths. Every failure is an {@link InputException} naming the bundle and the field.
 */
public sealed interface SigstoreBundle {
  /** What sigstore-go (and so cosign v3) writes. */
  String MEDIA_TYPE_V03 = "application/vnd.dev.sigstore.bundle.v0.3+json";

  /** The bundle size limit ({@link dev.signet.input.InputLimits#MAX_BUNDLE_BYTES}). */
  int MAX_BYTES = dev.signet.input.InputLimits.MAX_BUNDLE_BYTES;

  /** Media types read: both spellings of v0.3 (cosign writes the second) and v0.1, v0.2. */
  Set<String> MEDIA_TYPES =
      Set.of(
          MEDIA_TYPE_V03,
          "application/vnd.dev.sigstore.bundle+json;version=0.3",
          "application/vnd.dev.sigstore.bundle+json;version=0.2",
          "application/vnd.dev.sigstore.bundle+json;version=0.1");

  /** The signature bytes, in the key's native encoding. */
  byte[] signature();

  /**
   * A Sigstore bundle with a message signature.
   *
   * @param hint the {@code verificationMaterial.publicKey.hint}, or null when absent
   * @param tlogEntries how many transparency-log entries the bundle carries (not checked offline)
   */
  @SuppressWarnings("ArrayRecordComponent") // copied in and out: immutable
  record MessageSignature(
      String mediaType,
      @Nullable String hint,
      Digest messageDigest,
      byte[] signature,
      int tlogEntries)
      implements SigstoreBundle {
    public MessageSignature {
      signature = signature.clone();
    }

    @Override
    public byte[] signature() {
      return signature.clone();
    }

    /** The bundle as protobuf JSON: lowerCamelCase, enum names, padded base64, empties omitted. */
    public String toJson() {
      JsonObject.Builder publicKey = JsonObject.builder();
      if (hint != null) {
        publicKey.put("hint", hint);
      }
      return JsonWriter.compact(
          JsonObject.builder()
              .put("mediaType", mediaType)
              .put(
                  "verificationMaterial",
                  JsonObject.builder().put("publicKey", publicKey.build()).build())
              .put(
                  "messageSignature",
                  JsonObject.builder()
                      .put(
                          "messageDigest",
                          JsonObject.builder()
                              .put("algorithm", new JsonString(messageDigest.algorithm().name()))
                              .put("digest", messageDigest.base64())
                              .build())
                      .put("signature", Base64.getEncoder().encodeToString(signature))
                      .build())
              .build());
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof MessageSignature m
          && mediaType.equals(m.mediaType)
          && java.util.Objects.equals(hint, m.hint)
          && messageDigest.equals(m.messageDigest)
          && java.security.MessageDigest.isEqual(signature, m.signature)
          && tlogEntries == m.tlogEntries;
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
      return "MessageSignature[" + mediaType + ", " + messageDigest + ", hint=" + hint + "]";
    }
  }

  /**
   * A legacy cosign bundle.
   *
   * @param claimedKey the DER SubjectPublicKeyInfo of the key in {@code cert} (a PEM public key or
   *     the certificate's key), or null when there is none
   * @param hasRekorBundle whether a {@code rekorBundle} is present (not checked offline)
   */
  @SuppressWarnings("ArrayRecordComponent") // copied in and out: immutable
  record LegacyCosign(byte[] signature, byte @Nullable [] claimedKey, boolean hasRekorBundle)
      implements SigstoreBundle {
    public LegacyCosign {
      signature = signature.clone();
      claimedKey = claimedKey == null ? null : claimedKey.clone();
    }

    @Override
    public byte[] signature() {
      return signature.clone();
    }

    @Override
    public byte @Nullable [] claimedKey() {
      return claimedKey == null ? null : claimedKey.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof LegacyCosign l
          && java.security.MessageDigest.isEqual(signature, l.signature)
          && java.security.MessageDigest.isEqual(claimedKey, l.claimedKey)
          && hasRekorBundle == l.hasRekorBundle;
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
      return "LegacyCosign[key=" + (claimedKey != null) + ", rekor=" + hasRekorBundle + "]";
    }
  }

  /** Parses a bundle file's bytes; {@code source} names it in errors. */
  static SigstoreBundle parse(byte[] bytes, String source) throws InputException {
    return BundleReader.parse(bytes, source);
  }
}
