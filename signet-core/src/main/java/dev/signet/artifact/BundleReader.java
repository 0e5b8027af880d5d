package dev.signet.artifact;

import dev.signet.input.InputException;
import dev.signet.input.InputFiles;
import dev.signet.input.InputLimits;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The strict bundle parser behind {@link SigstoreBundle#parse}. */
final class BundleReader {
  private BundleReader() {}

  private static final InputLimits LIMITS = new InputLimits(SigstoreBundle.MAX_BYTES, 0, 32, 1, 1);
  private static final int MAX_SIGNATURE_BYTES = InputLimits.MAX_NATIVE_SIGNATURE_BYTES;

  static SigstoreBundle parse(byte[] bytes, String source) throws InputException {
    if (bytes.length > SigstoreBundle.MAX_BYTES) {
      throw new InputException(
          source,
          null,
          "larger than the bundle limit of " + (SigstoreBundle.MAX_BYTES >> 10) + " KiB");
    }
    JsonValue tree = new JsonReader(LIMITS).parse(InputFiles.decodeUtf8(bytes, source), source);
    if (!(tree instanceof JsonObject top)) {
      throw new InputException(source, null, "a bundle is a JSON object");
    }
    if (top.has("mediaType")) {
      return sigstore(top, source);
    }
    if (top.has("base64Signature")) {
      return legacy(top, source);
    }
    throw new InputException(
        source,
        null,
        "neither a Sigstore bundle (no \"mediaType\") nor a cosign bundle (no"
            + " \"base64Signature\")");
  }

  private static SigstoreBundle sigstore(JsonObject top, String source) throws InputException {
    only(
        top,
        source,
        "",
        Set.of("mediaType", "verificationMaterial", "messageSignature", "dsseEnvelope"));
    String mediaType = string(top, "mediaType", source, "");
    if (!SigstoreBundle.MEDIA_TYPES.contains(mediaType)) {
      throw new InputException(
          source,
          "mediaType",
          "unsupported bundle media type \""
              + printable(mediaType)
              + "\"; Signet reads Sigstore bundles v0.1 to v0.3");
    }
    JsonObject material = object(top, "verificationMaterial", source, "");
    only(
        material,
        source,
        "verificationMaterial.",
        Set.of(
            "publicKey",
            "certificate",
            "x509CertificateChain",
            "tlogEntries",
            "timestampVerificationData"));
    if (material.has("certificate") || material.has("x509CertificateChain")) {
      throw new InputException(
          source,
          "verificationMaterial",
          "a certificate (keyless) bundle needs the Sigstore trust root to verify; Signet"
              + " verifies key-based bundles offline");
    }
    JsonObject publicKey = object(material, "publicKey", source, "verificationMaterial.");
    only(publicKey, source, "verificationMaterial.publicKey.", Set.of("hint"));
    String hint =
        publicKey.has("hint")
            ? string(publicKey, "hint", source, "verificationMaterial.publicKey.")
            : null;
    if (hint != null && hint.length() > 256) {
      throw new InputException(source, "verificationMaterial.publicKey.hint", "is too long");
    }
    int tlog = 0;
    if (material.has("tlogEntries")) {
      if (!(material.get("tlogEntries") instanceof JsonArray entries)) {
        throw new InputException(source, "verificationMaterial.tlogEntries", "must be an array");
      }
      tlog = entries.items().size();
    }
    if (material.has("timestampVerificationData")
        && !(material.get("timestampVerificationData") instanceof JsonObject)) {
      throw new InputException(
          source, "verificationMaterial.timestampVerificationData", "must be an object");
    }
    if (top.has("dsseEnvelope")) {
      if (top.has("messageSignature")) {
        throw new InputException(
            source, null, "a bundle holds either messageSignature or dsseEnvelope, not both");
      }
      throw new InputException(
          source,
          "dsseEnvelope",
          "a DSSE bundle holds an attestation, not a blob signature; this command verifies"
              + " messageSignature bundles");
    }
    JsonObject message = object(top, "messageSignature", source, "");
    only(message, source, "messageSignature.", Set.of("messageDigest", "signature"));
    if (!message.has("messageDigest")) {
      // sigstore-go refuses such bundles too ("message is missing artifact digest").
      throw new InputException(source, "messageSignature", "has no messageDigest");
    }
    JsonObject md = object(message, "messageDigest", source, "messageSignature.");
    only(md, source, "messageSignature.messageDigest.", Set.of("algorithm", "digest"));
    String algName = string(md, "algorithm", source, "messageSignature.messageDigest.");
    HashAlgorithm alg =
        HashAlgorithm.fromSigstoreName(algName)
            .orElseThrow(() ->
                new InputException(
                    source,
                    "messageSignature.messageDigest.algorithm",
                    "unsupported digest algorithm \""
                        + printable(algName)
                        + "\"; expected SHA2_256, SHA2_384 or SHA2_512"));
    byte[] digest = base64(md, "digest", source, "messageSignature.messageDigest.", alg.length());
    if (digest.length != alg.length()) {
      throw new InputException(
          source,
          "messageSignature.messageDigest.digest",
          "a " + alg + " digest has " + alg.length() + " bytes, not " + digest.length);
    }
    byte[] signature =
        base64(message, "signature", source, "messageSignature.", MAX_SIGNATURE_BYTES);
    return new SigstoreBundle.MessageSignature(
        mediaType, hint, Digest.of(alg, digest), signature, tlog);
  }

  private static SigstoreBundle legacy(JsonObject top, String source) throws InputException {
    only(top, source, "", Set.of("base64Signature", "cert", "rekorBundle"));
    byte[] signature = base64(top, "base64Signature", source, "", MAX_SIGNATURE_BYTES);
    byte[] claimed = null;
    if (top.has("cert")) {
      claimed = certKey(string(top, "cert", source, ""), source);
    }
    boolean rekor = top.has("rekorBundle");
    if (rekor && !(top.get("rekorBundle") instanceof JsonObject)) {
      throw new InputException(source, "rekorBundle", "must be an object");
    }
    return new SigstoreBundle.LegacyCosign(signature, claimed, rekor);
  }

  /**
   * The key in a legacy bundle's {@code cert}: a PEM certificate or public key, itself base64
   * encoded (cosign v3) or not (cosign verify-blob reads both). Empty means none.
   */
  private static byte @Nullable [] certKey(String cert, String source) throws InputException {
    if (cert.isEmpty()) {
      return null;
    }
    String pem = cert;
    if (!cert.stripLeading().startsWith("-----BEGIN")) {
      try {
        pem = InputFiles.decodeUtf8(Base64.getMimeDecoder().decode(cert), source + ": cert");
      } catch (IllegalArgumentException e) {
        throw new InputException(source, "cert", "is neither PEM nor base64 of PEM");
      }
    }
    try {
      return dev.signet.keys.VerifyingKey.spkiOfPem(pem, source + ": cert");
    } catch (dev.signet.keys.KeyException e) {
      throw new InputException(source, "cert", "is not a PEM key or certificate");
    }
  }

  private static void only(JsonObject o, String source, String path, Set<String> known)
      throws InputException {
    for (String name : o.members().keySet()) {
      if (!known.contains(name)) {
        throw new InputException(source, path + printable(name), "unknown field");
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

  /** Standard base64 with padding, canonical: one value, one spelling. */
  private static byte[] base64(JsonObject o, String name, String source, String path, int maxBytes)
      throws InputException {
    String s = string(o, name, source, path);
    if (s.length() > 4 * ((maxBytes + 2) / 3)) {
      throw new InputException(source, path + name, "is too long");
    }
    byte[] out;
    try {
      out = Base64.getDecoder().decode(s.getBytes(StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      throw new InputException(source, path + name, "is not valid base64");
    }
    if (out.length == 0) {
      throw new InputException(source, path + name, "is empty");
    }
    if (out.length > maxBytes) {
      throw new InputException(source, path + name, "is too long");
    }
    if (!Base64.getEncoder().encodeToString(out).equals(s)) {
      throw new InputException(source, path + name, "is not canonical padded base64");
    }
    return out;
  }

  /** Bundle text is untrusted: quote at most 64 characters, with control characters replaced. */
  static String printable(String s) {
    String cut = s.length() > 64 ? s.substring(0, 64) + "…" : s;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }
}
