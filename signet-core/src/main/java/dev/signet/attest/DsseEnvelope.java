package dev.signet.attest;

import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.json.JsonWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * A DSSE envelope (secure-systems-lab/dsse {@code envelope.md} v1.0.2): a payload, its type, and
 * signatures over {@link Dsse#pae PAE(type, payload)}.
 *
 * <p>Parsing is strict because an envelope is untrusted input: one JSON value within {@link
 * #MAX_BYTES}, duplicate member names refused, {@code payload}, {@code payloadType} and {@code
 * signatures} of the right types, between one and {@link #MAX_SIGNATURES} signatures, base64 in the
 * standard or URL-safe alphabet (the spec requires accepting both) but not a mix. Unknown members
 * are ignored, as the spec requires.
 *
 * @param payload the serialized body, exactly as signed
 */
@SuppressWarnings("ArrayRecordComponent") // the constructor and accessor copy the array
public record DsseEnvelope(String payloadType, byte[] payload, List<Signature> signatures) {
  /** Largest envelope (and bundle) accepted: 8 MiB, the limit for every JSON input. */
  public static final int MAX_BYTES = InputLimits.DEFAULT.maxBytes();

  /** Most signatures in one envelope; each costs a verification. */
  public static final int MAX_SIGNATURES = 16;

  /**
   * One signature.
   *
   * @param keyId the unauthenticated key ID hint of the envelope; empty when absent
   * @param sig the signature in its algorithm's native encoding (ECDSA as DER)
   */
  @SuppressWarnings("ArrayRecordComponent") // the constructor and accessor copy the array
  public record Signature(String keyId, byte[] sig) {
    public Signature {
      Objects.requireNonNull(keyId, "keyId");
      sig = sig.clone();
    }

    @Override
    public byte[] sig() {
      return sig.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Signature s
          && s.keyId.equals(keyId)
          && java.security.MessageDigest.isEqual(s.sig, sig);
    }

    @Override
    public int hashCode() {
      return keyId.hashCode() * 31 + Arrays.hashCode(sig);
    }

    @Override
    public String toString() {
      return "Signature[keyid=" + keyId + ", " + sig.length + " bytes]";
    }
  }

  public DsseEnvelope {
    Objects.requireNonNull(payloadType, "payloadType");
    payload = payload.clone();
    signatures = List.copyOf(signatures);
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DsseEnvelope e
        && e.payloadType.equals(payloadType)
        && java.security.MessageDigest.isEqual(e.payload, payload)
        && e.signatures.equals(signatures);
  }

  @Override
  public int hashCode() {
    return Objects.hash(payloadType, Arrays.hashCode(payload), signatures);
  }

  @Override
  public String toString() {
    return "DsseEnvelope[" + payloadType + ", " + payload.length + " bytes, " + signatures + "]";
  }

  /**
   * The envelope as JSON, members in cosign's order ({@code payloadType}, {@code payload}, {@code
   * signatures}), base64 standard with padding. {@code keyid} is always written, empty when there
   * is none, as cosign does.
   */
  public String toJson() {
    List<JsonValue> sigs = new ArrayList<>();
    for (Signature s : signatures) {
      sigs.add(
          JsonObject.builder()
              .put("keyid", s.keyId())
              .put("sig", Base64.getEncoder().encodeToString(s.sig))
              .build());
    }
    return JsonWriter.compact(
        JsonObject.builder()
            .put("payloadType", payloadType)
            .put("payload", Base64.getEncoder().encodeToString(payload))
            .put("signatures", new JsonArray(sigs))
            .build());
  }

  /** Parses envelope JSON; {@code source} names it in errors. */
  public static DsseEnvelope parse(String json, String source) throws AttestationException {
    return fromJson(parseJson(json, source), source, "envelope");
  }

  static JsonValue parseJson(String json, String source) throws AttestationException {
    if (json.length() > MAX_BYTES) {
      throw malformed(source, "larger than the limit of " + (MAX_BYTES >> 20) + " MiB");
    }
    try {
      return JsonReader.withDefaultLimits().parse(json, source);
    } catch (InputException e) {
      throw new AttestationException(AttestationException.Reason.MALFORMED, e.getMessage());
    }
  }

  /** Reads an envelope from a parsed tree; {@code where} names it inside a larger document. */
  static DsseEnvelope fromJson(JsonValue tree, String source, String where)
      throws AttestationException {
    if (!(tree instanceof JsonObject o)) {
      throw malformed(source, where + " must be a JSON object");
    }
    String payloadType = string(o, "payloadType", source, where);
    byte[] payload = base64(string(o, "payload", source, where), source, where + ".payload");
    if (!(o.get("signatures") instanceof JsonArray arr)) {
      throw malformed(source, where + ".signatures is missing or not an array");
    }
    if (arr.isEmpty()) {
      throw malformed(source, where + ".signatures is empty: the envelope is not signed");
    }
    if (arr.size() > MAX_SIGNATURES) {
      throw malformed(
          source, where + ".signatures has more than " + MAX_SIGNATURES + " signatures");
    }
    List<Signature> sigs = new ArrayList<>();
    for (int i = 0; i < arr.size(); i++) {
      String at = where + ".signatures[" + i + "]";
      if (!(arr.get(i) instanceof JsonObject s)) {
        throw malformed(source, at + " must be an object");
      }
      String keyId = "";
      if (s.has("keyid")) {
        if (!(s.get("keyid") instanceof JsonString k)) {
          throw malformed(source, at + ".keyid must be a string");
        }
        keyId = k.value();
      }
      byte[] sig = base64(string(s, "sig", source, at), source, at + ".sig");
      if (sig.length == 0) {
        throw malformed(source, at + ".sig is empty");
      }
      sigs.add(new Signature(keyId, sig));
    }
    return new DsseEnvelope(payloadType, payload, sigs);
  }

  private static String string(JsonObject o, String name, String source, String where)
      throws AttestationException {
    if (!(o.get(name) instanceof JsonString s)) {
      throw malformed(source, where + "." + name + " is missing or not a string");
    }
    return s.value();
  }

  /** Standard or URL-safe base64, padded or not; a mix of both alphabets is refused. */
  static byte[] base64(String text, String source, String where) throws AttestationException {
    boolean url = text.indexOf('-') >= 0 || text.indexOf('_') >= 0;
    boolean std = text.indexOf('+') >= 0 || text.indexOf('/') >= 0;
    if (url && std) {
      throw malformed(source, where + " mixes the standard and URL-safe base64 alphabets");
    }
    try {
      return (url ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(text);
    } catch (IllegalArgumentException e) {
      throw malformed(source, where + " is not valid base64");
    }
  }

  static AttestationException malformed(String source, String why) {
    return new AttestationException(AttestationException.Reason.MALFORMED, source + ": " + why);
  }
}
