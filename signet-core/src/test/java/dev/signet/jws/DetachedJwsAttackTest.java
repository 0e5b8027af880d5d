package dev.signet.jws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.jws.SignatureVerificationException.Reason;
import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyGenerator;
import dev.signet.keys.KeySet;
import dev.signet.keys.Signer;
import dev.signet.keys.VerificationKeys;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What an attacker who can edit a pipeline's signature value, but holds no private key, might try.
 * Each forgery is built to be otherwise perfect (a real signature by a real key wherever the attack
 * allows), so the refusal is due to the rule under test and not to some other defect; and the
 * reason is asserted, not just "some exception".
 */
class DetachedJwsAttackTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final byte[] PAYLOAD =
      "{\"alg\":\"EdDSA\",\"values\":{\"command\":\"make deploy\",\"env\":null,\"matrix\":null,\"plugins\":null,\"repository_url\":\"r\"}}"
          .getBytes(StandardCharsets.UTF_8);

  /** A rotation set: "old" (EdDSA) and "new" (ES256), plus "other" (EdDSA). */
  private static Signer oldKey;

  private static Signer newKey;
  private static Signer otherKey;
  private static String oldPublicJwks;
  private static VerificationKeys keys;

  @BeforeAll
  static void keys() throws Exception {
    KeyGenerator.GeneratedKey old = KeyGenerator.generate(Algorithm.EdDSA, "old", RANDOM);
    KeyGenerator.GeneratedKey neu = KeyGenerator.generate(Algorithm.ES256, "new", RANDOM);
    KeyGenerator.GeneratedKey other = KeyGenerator.generate(Algorithm.EdDSA, "other", RANDOM);
    oldKey = KeySet.parse(old.privateJwks(), "old").signer(null);
    newKey = KeySet.parse(neu.privateJwks(), "new").signer(null);
    otherKey = KeySet.parse(other.privateJwks(), "other").signer(null);
    oldPublicJwks = old.publicJwks();
    keys =
        KeySet.parse(
                "{\"keys\":["
                    + inner(old.publicJwks())
                    + ","
                    + inner(neu.publicJwks())
                    + ","
                    + inner(other.publicJwks())
                    + "]}",
                "rotation.json")
            .verificationKeys();
  }

  // ---- algorithm attacks ----

  @Test
  void algNoneIsRefusedWithOrWithoutASignature() throws Exception {
    String header = "{\"alg\":\"none\",\"kid\":\"old\"}";
    assertRefused(forge(header, new byte[0]), Reason.MALFORMED);
    assertRefused(forge(header, new byte[64]), Reason.UNSUPPORTED_ALGORITHM);
    // A real EdDSA signature under a "none" header changes nothing.
    assertRefused(signedWith(oldKey, header), Reason.UNSUPPORTED_ALGORITHM);
  }

  @ParameterizedTest
  @ValueSource(strings = {"NONE", "None", "eddsa", "EDDSA", "RS256", "HS1", "ES256K", ""})
  void algorithmNamesAreExactAndClosed(String alg) throws Exception {
    assertRefused(
        signedWith(oldKey, "{\"alg\":\"" + alg + "\",\"kid\":\"old\"}"),
        Reason.UNSUPPORTED_ALGORITHM);
  }

  /**
   * The classic key-confusion forgery: HS256 keyed with the public key, which the attacker has. It
   * must fail because the key named by kid is an EdDSA key, whatever bytes were used as secret.
   */
  @Test
  void hs256KeyedWithTheEd25519PublicKeyIsRefused() throws Exception {
    String x = oldPublicJwks.replaceAll(".*\"x\":\"([^\"]+)\".*", "$1");
    byte[][] secrets = {
      Base64.getUrlDecoder().decode(x), // raw public key bytes
      x.getBytes(StandardCharsets.US_ASCII), // its base64url text
      oldPublicJwks.getBytes(StandardCharsets.UTF_8), // the whole public JWKS file
    };
    for (byte[] secret : secrets) {
      String header = "{\"alg\":\"HS256\",\"kid\":\"old\"}";
      String encodedHeader = b64(header);
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      byte[] tag = mac.doFinal(signingInput(encodedHeader, PAYLOAD));
      assertRefused(encodedHeader + ".." + B64.encodeToString(tag), Reason.ALGORITHM_MISMATCH);
    }
  }

  @Test
  void headerAlgorithmMustEqualTheKeysAlgorithm() throws Exception {
    // "new" is an ES256 key; a header claiming EdDSA for it is refused before any crypto.
    assertRefused(
        signedWith(oldKey, "{\"alg\":\"EdDSA\",\"kid\":\"new\"}"), Reason.ALGORITHM_MISMATCH);
    assertRefused(
        signedWith(newKey, "{\"alg\":\"ES512\",\"kid\":\"new\"}"), Reason.ALGORITHM_MISMATCH);
  }

  @Test
  void duplicateHeaderMembersAreRefused() throws Exception {
    // Parsers that keep the first or the last member would disagree about the algorithm.
    assertRefused(
        signedWith(oldKey, "{\"alg\":\"EdDSA\",\"alg\":\"HS256\",\"kid\":\"old\"}"),
        Reason.MALFORMED);
    assertRefused(
        signedWith(oldKey, "{\"alg\":\"EdDSA\",\"kid\":\"new\",\"kid\":\"old\"}"),
        Reason.MALFORMED);
  }

  // ---- key selection ----

  @Test
  void missingKidIsRefusedWithAKeySet() throws Exception {
    assertRefused(signedWith(oldKey, "{\"alg\":\"EdDSA\"}"), Reason.KEY_NOT_FOUND);
  }

  @Test
  void unknownKidIsRefused() throws Exception {
    assertRefused(signedWith(oldKey, "{\"alg\":\"EdDSA\",\"kid\":\"nope\"}"), Reason.KEY_NOT_FOUND);
    assertRefused(signedWith(oldKey, "{\"alg\":\"EdDSA\",\"kid\":\"OLD\"}"), Reason.KEY_NOT_FOUND);
  }

  @Test
  void nonStringKidIsRefused() throws Exception {
    assertRefused(signedWith(oldKey, "{\"alg\":\"EdDSA\",\"kid\":[\"old\"]}"), Reason.MALFORMED);
    assertRefused(signedWith(oldKey, "{\"alg\":\"EdDSA\",\"kid\":null}"), Reason.MALFORMED);
  }

  @Test
  void kidOfAnotherKeyInTheSetIsRefused() throws Exception {
    // Signed by "other" but naming "old": same algorithm, so only the signature check catches it.
    assertRefused(
        signedWith(otherKey, "{\"alg\":\"EdDSA\",\"kid\":\"old\"}"), Reason.BAD_SIGNATURE);
  }

  @Test
  void keyRotationEachKeyVerifiesItsOwnSignatures() throws Exception {
    for (Signer s : new Signer[] {oldKey, newKey, otherKey}) {
      String value = DetachedJws.sign(s, PAYLOAD);
      VerifiedJws v = DetachedJws.verify(value, PAYLOAD, keys);
      assertThat(v.keyId()).isEqualTo(s.keyId());
      assertThat(v.algorithm()).isEqualTo(s.algorithm());
      byte[] changed = Arrays.copyOf(PAYLOAD, PAYLOAD.length);
      changed[20] ^= 1;
      assertThatThrownBy(() -> DetachedJws.verify(value, changed, keys))
          .isInstanceOf(SignatureVerificationException.class)
          .extracting(e -> ((SignatureVerificationException) e).reason())
          .isEqualTo(Reason.BAD_SIGNATURE);
    }
  }

  // ---- structure ----

  @Test
  void attachedPayloadIsRefused() throws Exception {
    String value = DetachedJws.sign(oldKey, PAYLOAD);
    String attached = value.replace("..", "." + B64.encodeToString(PAYLOAD) + ".");
    assertRefused(attached, Reason.MALFORMED);
  }

  @Test
  void extraDotsAreRefused() throws Exception {
    String value = DetachedJws.sign(oldKey, PAYLOAD);
    for (String v :
        new String[] {
          value + ".",
          "." + value,
          value.replace("..", "..."),
          value + "..",
          value.replace("..", ".")
        }) {
      assertRefused(v, Reason.MALFORMED);
    }
  }

  @Test
  void truncatedValuesAreRefused() throws Exception {
    String value = DetachedJws.sign(oldKey, PAYLOAD);
    for (int cut = 0; cut < value.length(); cut++) {
      String truncated = value.substring(0, cut);
      assertThatThrownBy(() -> DetachedJws.verify(truncated, PAYLOAD, keys))
          .as("cut at %d", cut)
          .isInstanceOf(SignatureVerificationException.class);
    }
  }

  @Test
  void paddedBase64urlIsRefused() throws Exception {
    String value = DetachedJws.sign(oldKey, PAYLOAD);
    String[] parts = value.split("\\.", -1);
    // Ed25519 signatures are 64 bytes, so their base64 has one padding character to add.
    assertRefused(value + "=", Reason.MALFORMED);
    assertRefused(value + "==", Reason.MALFORMED);
    String paddedHeader =
        Base64.getUrlEncoder().encodeToString(Base64.getUrlDecoder().decode(parts[0]));
    if (!paddedHeader.equals(parts[0])) {
      assertRefused(paddedHeader + ".." + parts[2], Reason.MALFORMED);
    }
  }

  @Test
  void nonCanonicalBase64urlIsRefused() throws Exception {
    String value = DetachedJws.sign(oldKey, PAYLOAD);
    String[] parts = value.split("\\.", -1);
    // 64 bytes end in a 4-bit group: flipping an unused low bit decodes to the same bytes.
    String sig = parts[2];
    char last = sig.charAt(sig.length() - 1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char sibling = alphabet.charAt(alphabet.indexOf(last) ^ 1);
    String mutated = sig.substring(0, sig.length() - 1) + sibling;
    assertThat(Base64.getUrlDecoder().decode(mutated))
        .isEqualTo(Base64.getUrlDecoder().decode(sig));
    assertRefused(parts[0] + ".." + mutated, Reason.MALFORMED);
    // Standard-alphabet characters and whitespace are not base64url.
    assertRefused(parts[0] + "..+" + sig.substring(1), Reason.MALFORMED);
    assertRefused(parts[0] + "../" + sig.substring(1), Reason.MALFORMED);
    assertRefused(parts[0] + ".. " + sig, Reason.MALFORMED);
    assertRefused(parts[0] + "\n.." + sig, Reason.MALFORMED);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"alg\":\"EdDSA\",\"kid\":\"old\",\"crit\":[\"exp\"],\"exp\":1}",
        "{\"alg\":\"EdDSA\",\"kid\":\"old\",\"crit\":[]}",
        "{\"alg\":\"EdDSA\",\"kid\":\"old\",\"b64\":false,\"crit\":[\"b64\"]}",
        "{\"alg\":\"EdDSA\",\"kid\":\"old\",\"b64\":true}"
      })
  void critAndB64HeadersAreRefused(String header) throws Exception {
    assertRefused(signedWith(oldKey, header), Reason.UNSUPPORTED_HEADER);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not json",
        "{\"alg\":\"EdDSA\",\"kid\":\"old\"",
        "[\"EdDSA\",\"old\"]",
        "\"EdDSA\"",
        "null",
        "{\"alg\":\"EdDSA\",\"kid\":\"old\"} {}",
        "{\"kid\":\"old\"}",
        "{\"alg\":42,\"kid\":\"old\"}"
      })
  void headerMustBeAJsonObjectWithAnAlg(String header) throws Exception {
    assertRefused(signedWith(oldKey, header), Reason.MALFORMED);
  }

  @Test
  void headerMustBeUtf8() throws Exception {
    byte[] latin1 = "{\"alg\":\"EdDSA\",\"kid\":\"\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
    String encodedHeader = B64.encodeToString(latin1);
    String value =
        encodedHeader
            + ".."
            + B64.encodeToString(oldKey.sign(signingInput(encodedHeader, PAYLOAD)));
    assertRefused(value, Reason.MALFORMED);
  }

  @Test
  void oversizedHeaderAndValueAreRefused() throws Exception {
    String bigHeader = "{\"alg\":\"EdDSA\",\"kid\":\"old\",\"pad\":\"" + "x".repeat(5000) + "\"}";
    assertRefused(signedWith(oldKey, bigHeader), Reason.MALFORMED);
    String value = DetachedJws.sign(oldKey, PAYLOAD);
    assertRefused(value + "A".repeat(20_000), Reason.MALFORMED);
  }

  // ---- signature encodings ----

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 63, 65, 128})
  void wrongLengthEdDsaSignaturesAreRefused(int length) throws Exception {
    byte[] real = oldKey.sign(signingInput(b64("{\"alg\":\"EdDSA\",\"kid\":\"old\"}"), PAYLOAD));
    byte[] sig = Arrays.copyOf(real, length); // a prefix, or the real one with zeros appended
    String value = b64("{\"alg\":\"EdDSA\",\"kid\":\"old\"}") + ".." + B64.encodeToString(sig);
    assertRefused(value, length == 0 ? Reason.MALFORMED : Reason.BAD_SIGNATURE);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 32, 63, 65, 66, 96, 128})
  void wrongLengthEs256SignaturesAreRefused(int length) throws Exception {
    String header = b64("{\"alg\":\"ES256\",\"kid\":\"new\"}");
    byte[] real = newKey.sign(signingInput(header, PAYLOAD));
    // Both "keep R, shorten S" and "pad with zeros" must fail: JWS fixes the length at 64.
    byte[] sig = Arrays.copyOf(real, length);
    assertRefused(header + ".." + B64.encodeToString(sig), Reason.BAD_SIGNATURE);
    byte[] leftPadded = new byte[length];
    System.arraycopy(real, 0, leftPadded, Math.max(0, length - 64), Math.min(64, length));
    assertRefused(header + ".." + B64.encodeToString(leftPadded), Reason.BAD_SIGNATURE);
  }

  @Test
  void derEncodedEcdsaSignatureIsRefused() throws Exception {
    String header = b64("{\"alg\":\"ES256\",\"kid\":\"new\"}");
    byte[] raw = newKey.sign(signingInput(header, PAYLOAD));
    assertThat(DetachedJws.verify(header + ".." + B64.encodeToString(raw), PAYLOAD, keys).keyId())
        .isEqualTo("new");
    // The same (r, s) in ASN.1 DER, which is what KMS and Java's plain SHA256withECDSA produce.
    byte[] der = toDer(raw);
    assertThat(der.length).isBetween(8, 72);
    assertRefused(header + ".." + B64.encodeToString(der), Reason.BAD_SIGNATURE);
  }

  // ---- helpers ----

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"alg\":\"EdDSA\",\"kid\":\"old\\nFAKE LOG LINE\"}",
        "{\"alg\":\"EdDSA\",\"kid\":\"old\\u2028FAKE LOG LINE\"}",
        "{\"alg\":\"ES256\",\"kid\":\"old\\r\\nFAKE LOG LINE\"}",
        "{\"alg\":\"EdDSA\",\"kid\":\"old\"}",
        "{\"alg\":\"EdDSA\\u0085FAKE\",\"kid\":\"old\"}"
      })
  void aKidOrAlgWithLineBreaksCannotForgeLogLines(String header) {
    // Found by DetachedJwsFuzzTest (headerJson/crash-0c9b5c09…): the header's kid went into the
    // message raw, so a control plane could add lines to an agent's log.
    assertThatThrownBy(() -> DetachedJws.verify(forge(header, new byte[64]), PAYLOAD, keys))
        .isInstanceOf(SignatureVerificationException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContainPattern("\\R"));
  }

  private static void assertRefused(String value, Reason reason) {
    assertThatThrownBy(() -> DetachedJws.verify(value, PAYLOAD, keys))
        .as("value %s", value.length() > 200 ? value.substring(0, 200) + "…" : value)
        .isInstanceOf(SignatureVerificationException.class)
        .extracting(e -> ((SignatureVerificationException) e).reason())
        .isEqualTo(reason);
  }

  /** A value with {@code header} (exact bytes) and a real signature by {@code signer}. */
  private static String signedWith(Signer signer, String header) throws Exception {
    String encodedHeader = b64(header);
    return encodedHeader
        + ".."
        + B64.encodeToString(signer.sign(signingInput(encodedHeader, PAYLOAD)));
  }

  private static String forge(String header, byte[] signature) {
    return b64(header) + ".." + B64.encodeToString(signature);
  }

  private static String b64(String s) {
    return B64.encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] signingInput(String encodedHeader, byte[] payload) {
    return (encodedHeader + "." + B64.encodeToString(payload)).getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] toDer(byte[] rs) {
    int half = rs.length / 2;
    byte[] r = new BigInteger(1, Arrays.copyOfRange(rs, 0, half)).toByteArray();
    byte[] s = new BigInteger(1, Arrays.copyOfRange(rs, half, rs.length)).toByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x30);
    out.write(4 + r.length + s.length);
    out.write(0x02);
    out.write(r.length);
    out.writeBytes(r);
    out.write(0x02);
    out.write(s.length);
    out.writeBytes(s);
    return out.toByteArray();
  }

  private static String inner(String jwks) {
    return jwks.substring("{\"keys\":[".length(), jwks.length() - 2);
  }
}
