package dev.signet.jws;

import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.json.JsonWriter;
import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyException;
import dev.signet.keys.KeySet;
import dev.signet.keys.Signer;
import dev.signet.keys.VerificationKeys;
import dev.signet.keys.Verifier;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/**
 * Compact JWS with a detached payload (RFC 7515 §7.1 and Appendix F), as Buildkite stores it:
 * {@code B64U(header) ".." B64U(signature)}, signed over {@code B64U(header) "." B64U(payload)}.
 *
 * <p>Written by hand instead of with Nimbus's {@code JWSObject} because the protected header must
 * be exactly {@code {"alg":"…","kid":"…"}} for EdDSA signatures to be byte-identical with
 * buildkite-agent's, and because the hot path should not build and re-parse header objects.
 *
 * <h3>Security guarantees</h3>
 *
 * {@link #verify} accepts only headers whose {@code alg} is one of {@link Algorithm} (never {@code
 * none}), whose key is chosen by {@link VerificationKeys} (by kid, with the key's own algorithm
 * required to match), and which carry no {@code crit}/{@code b64} member. Base64url must be
 * canonical and unpadded, so a signature has one encoding only.
 */
public final class DetachedJws {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  private static final int MAX_HEADER_CHARS = InputLimits.MAX_JWS_HEADER_CHARS;
  private static final int MAX_VALUE_CHARS = InputLimits.MAX_JWS_CHARS;

  private DetachedJws() {}

  /** Signs {@code payload}; returns the compact detached value {@code header..signature}. */
  public static String sign(Signer signer, byte[] payload) throws KeyException {
    String header =
        B64.encodeToString(
            headerJson(signer.algorithm(), signer.keyId()).getBytes(StandardCharsets.UTF_8));
    byte[] signingInput = signingInput(header, payload);
    byte[] signature = signer.sign(signingInput);
    return header + ".." + B64.encodeToString(signature);
  }

  /** The exact protected header bytes Buildkite produces (Go {@code encoding/json} escaping). */
  static String headerJson(Algorithm alg, @Nullable String kid) {
    StringBuilder sb = new StringBuilder(48).append("{\"alg\":\"").append(alg.jwa()).append('"');
    if (kid != null) {
      sb.append(",\"kid\":");
      sb.append(dev.signet.json.JsonWriter.quoteGo(kid));
    }
    return sb.append('}').toString();
  }

  /** Verifies {@code value} over {@code payload} with a key chosen from {@code keys}. */
  public static VerifiedJws verify(String value, byte[] payload, VerificationKeys keys)
      throws SignatureVerificationException {
    Parsed parsed = parse(value);
    Verifier verifier;
    try {
      verifier = keys.select(parsed.alg, parsed.kid);
    } catch (KeyException e) {
      throw new SignatureVerificationException(
          e.reason() == KeyException.Reason.NOT_ALLOWED
              ? SignatureVerificationException.Reason.ALGORITHM_MISMATCH
              : SignatureVerificationException.Reason.KEY_NOT_FOUND,
          e.getMessage(),
          parsed.alg);
    }
    if (!verifier.verify(signingInput(parsed.encodedHeader, payload), parsed.signature)) {
      throw new SignatureVerificationException(
          SignatureVerificationException.Reason.BAD_SIGNATURE,
          "the signature does not match the signed values ("
              + KeySet.describeKeyId(parsed.kid)
              + ", "
              + parsed.alg
              + ")",
          parsed.alg);
    }
    return new VerifiedJws(parsed.alg, parsed.kid);
  }

  /** The algorithm and key ID a value claims, without verifying it. */
  public static VerifiedJws peek(String value) throws SignatureVerificationException {
    Parsed p = parse(value);
    return new VerifiedJws(p.alg, p.kid);
  }

  @SuppressWarnings("ArrayRecordComponent") // private; the array never leaves this class
  private record Parsed(
      String encodedHeader, Algorithm alg, @Nullable String kid, byte[] signature) {}

  private static Parsed parse(String value) throws SignatureVerificationException {
    if (value.length() > MAX_VALUE_CHARS) {
      throw malformed("the signature value is too long");
    }
    int dot1 = value.indexOf('.');
    int dot2 = dot1 < 0 ? -1 : value.indexOf('.', dot1 + 1);
    if (dot1 < 0 || dot2 < 0 || value.indexOf('.', dot2 + 1) >= 0) {
      throw malformed("not a compact JWS: expected three dot-separated parts");
    }
    if (dot2 != dot1 + 1) {
      throw malformed("the JWS payload is not detached: the middle part must be empty");
    }
    String encodedHeader = value.substring(0, dot1);
    String encodedSignature = value.substring(dot2 + 1);
    if (encodedHeader.isEmpty() || encodedHeader.length() > MAX_HEADER_CHARS) {
      throw malformed("the JWS header is empty or too long");
    }
    if (encodedSignature.isEmpty()) {
      throw malformed("the JWS has no signature");
    }
    byte[] headerBytes = strictDecode(encodedHeader, "header");
    byte[] signature = strictDecode(encodedSignature, "signature");
    JsonValue header;
    try {
      String headerText = dev.signet.input.InputFiles.decodeUtf8(headerBytes, "JWS header");
      header =
          new JsonReader(new InputLimits(MAX_HEADER_CHARS, 0, 4, 1, 1))
              .parse(headerText, "JWS header");
    } catch (InputException e) {
      throw malformed("the JWS header is not valid JSON");
    }
    if (!(header instanceof JsonObject h)) {
      throw malformed("the JWS header is not a JSON object");
    }
    if (!(h.get("alg") instanceof JsonString algValue)) {
      throw malformed("the JWS header has no \"alg\"");
    }
    Algorithm alg =
        Algorithm.fromJwa(algValue.value())
            .orElseThrow(() ->
                new SignatureVerificationException(
                    SignatureVerificationException.Reason.UNSUPPORTED_ALGORITHM,
                    "the JWS algorithm "
                        + JsonWriter.quoteOneLine(algValue.value(), 32)
                        + " is not accepted"));
    if (h.has("crit") || h.has("b64")) {
      throw new SignatureVerificationException(
          SignatureVerificationException.Reason.UNSUPPORTED_HEADER,
          "the JWS header has \"crit\" or \"b64\", which Signet does not accept");
    }
    String kid = null;
    if (h.has("kid")) {
      if (!(h.get("kid") instanceof JsonString k)) {
        throw malformed("the JWS header's \"kid\" is not a string");
      }
      kid = k.value();
    }
    return new Parsed(encodedHeader, alg, kid, signature);
  }

  private static byte[] strictDecode(String s, String part) throws SignatureVerificationException {
    byte[] decoded;
    try {
      if (s.indexOf('=') >= 0) {
        throw new IllegalArgumentException("padding");
      }
      decoded = B64D.decode(s);
    } catch (IllegalArgumentException e) {
      throw malformed("the JWS " + part + " is not valid unpadded base64url");
    }
    // Reject non-canonical encodings (stray trailing bits) so each signature has one spelling.
    if (!B64.encodeToString(decoded).equals(s)) {
      throw malformed("the JWS " + part + " is not canonical base64url");
    }
    return decoded;
  }

  private static byte[] signingInput(String encodedHeader, byte[] payload) {
    String encodedPayload = B64.encodeToString(payload);
    byte[] out = new byte[encodedHeader.length() + 1 + encodedPayload.length()];
    int n = 0;
    for (int i = 0; i < encodedHeader.length(); i++) {
      out[n++] = (byte) encodedHeader.charAt(i);
    }
    out[n++] = '.';
    for (int i = 0; i < encodedPayload.length(); i++) {
      out[n++] = (byte) encodedPayload.charAt(i);
    }
    return out;
  }

  private static SignatureVerificationException malformed(String message) {
    return new SignatureVerificationException(
        SignatureVerificationException.Reason.MALFORMED, message);
  }
}
