package dev.signet.jws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.signet.input.InputException;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.json.JsonWriter;
import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyException;
import dev.signet.keys.KeySet;
import dev.signet.keys.VerificationKeys;
import dev.signet.testing.Vectors;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Project Wycheproof's JOSE vectors ({@code json_web_signature_test.json}, {@code
 * json_web_key_test.json}) through {@link KeySet#parse}, {@link KeySet#verificationKeys} and {@link
 * DetachedJws#verify}.
 *
 * <h3>Adapting attached JWS to Signet's detached JWS</h3>
 *
 * Wycheproof's tokens are compact JWS with an attached payload ({@code h.p.s}); Signet only reads
 * {@code h..s} plus the payload bytes from elsewhere. A token with exactly three parts becomes the
 * value {@code h..s} and the payload {@code decode(p)}; anything else (two parts, four parts, the
 * JSON serialization) is handed to Signet unchanged and must be refused as malformed. {@code p} is
 * decoded <em>leniently</em> (characters outside the base64url alphabet dropped, padding and stray
 * low bits ignored): a detached payload never reaches Signet in encoded form, Signet re-encodes the
 * bytes itself, so the cases about a mangled payload encoding (tcIds 368-375) test that a signature
 * over a non-canonical encoding does not verify over the canonical one. The key set is the group's
 * {@code public} member, or {@code private} for HMAC groups that have no public half.
 *
 * <h3>Valid cases Signet refuses on purpose</h3>
 *
 * <ul>
 *   <li><b>Algorithm outside Signet's closed set</b>: RS256/RS384/RS512 (RSASSA-PKCS1-v1_5, which
 *       Buildkite refuses for signing too), PS384, and RFC 7520's misspelt key {@code alg} {@code
 *       "ES521"}. A key with such an {@code alg} makes the whole key set refused when it is loaded
 *       ("unsupported algorithm"), before any signature is looked at; a header with one (RFC 7520
 *       Figure 20: PS384, whose key says PS256) is refused as UNSUPPORTED_ALGORITHM.
 *   <li><b>tcId 372</b>: a {@code ?} inside the header segment. RFC 7515 §2 defines base64url
 *       without "any line breaks, whitespace, or other additional characters"; Signet's decoder is
 *       strict so that each value has a single spelling.
 * </ul>
 *
 * <h3>Invalid cases Signet accepts on purpose</h3>
 *
 * <ul>
 *   <li><b>json_web_signature tcId 374</b> ("ModifiedUnusedBitsInPayload"): the payload segment is
 *       {@code AB}, a non-canonical spelling of byte 0x00, and the MAC covers the canonical {@code
 *       AA}. Only the transport spelling is wrong, and a detached JWS has no payload segment: what
 *       Signet is given is byte 0x00 and a genuine MAC over its canonical encoding, the very value
 *       Signet itself would produce. (Signet's own segments, header and signature, must be
 *       canonical: see DetachedJwsAttackTest.)
 *   <li><b>json_web_key tcIds 10-12</b> ("key_too_short": HMAC keys one byte shorter than the
 *       hash). RFC 7518 §3.2 asks for keys at least as long as the hash, but Signet loads HS* keys
 *       only so that Buildkite verification sets work, and Buildkite's own agent integration tests
 *       sign with 6- and 7-byte secrets ({@code llamas}, {@code alpacas}; see {@code
 *       buildkite/keys.json}) that buildkite-agent accepts. Refusing them would refuse every HS256
 *       vector Buildkite publishes. Signet never signs with HMAC, so it never creates such a key.
 * </ul>
 *
 * <h3>Defects in the vector file</h3>
 *
 * tcIds 367 ("invalidBase64Padding") and 370 ("invalidBase64PaddingInPayload") carry exactly tcId
 * 357's valid token: the padding they describe is missing from the file. They are run as what they
 * are (expected to verify, like 357), and the padding they meant is tested in {@link
 * #paddedSignatureIsRefused}.
 */
class JwsWycheproofTest {
  /** Cases whose expectation differs from the file's {@code result}, with the reason. */
  private static final Map<String, Expect> DEVIATIONS =
      Map.of(
          "json_web_signature_test.json#372", Expect.MALFORMED,
          "json_web_signature_test.json#367", Expect.ACCEPT,
          "json_web_signature_test.json#370", Expect.ACCEPT,
          "json_web_signature_test.json#374", Expect.ACCEPT,
          "json_web_key_test.json#10", Expect.ACCEPT,
          "json_web_key_test.json#11", Expect.ACCEPT,
          "json_web_key_test.json#12", Expect.ACCEPT);

  enum Expect {
    ACCEPT,
    /** Any refusal: at key loading, at parsing, at key selection or at the signature check. */
    REJECT,
    /** The key's or the header's algorithm is not one Signet supports, and is refused as such. */
    ALGORITHM_REFUSED,
    MALFORMED
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jwsCases")
  void jsonWebSignature(Case c) {
    check(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jwkCases")
  void jsonWebKey(Case c) {
    check(c);
  }

  static Stream<Named<Case>> jwsCases() {
    return cases("json_web_signature_test.json");
  }

  static Stream<Named<Case>> jwkCases() {
    return cases("json_web_key_test.json");
  }

  @Test
  void everyFileContributesAllItsCases() {
    assertThat(jwsCases().count()).isEqualTo(401);
    assertThat(jwkCases().count()).isEqualTo(26);
  }

  /** What tcIds 367 and 370 were meant to test, since the file lost their padding. */
  @Test
  void paddedSignatureIsRefused() throws Exception {
    Case valid = find("json_web_signature_test.json", 357);
    assertThat(find("json_web_signature_test.json", 367).token()).isEqualTo(valid.token());
    assertThat(find("json_web_signature_test.json", 370).token()).isEqualTo(valid.token());
    String[] p = valid.token().split("\\.");
    VerificationKeys keys = KeySet.parse(valid.keyJson(), "wycheproof").verificationKeys();
    byte[] payload = Base64.getUrlDecoder().decode(p[1]);
    DetachedJws.verify(p[0] + ".." + p[2], payload, keys); // the baseline verifies
    assertThatThrownBy(() -> DetachedJws.verify(p[0] + ".." + p[2] + "=", payload, keys))
        .isInstanceOf(SignatureVerificationException.class)
        .extracting(e -> ((SignatureVerificationException) e).reason())
        .isEqualTo(SignatureVerificationException.Reason.MALFORMED);
    assertThatThrownBy(() -> DetachedJws.verify(p[0] + "=.." + p[2], payload, keys))
        .isInstanceOf(SignatureVerificationException.class)
        .extracting(e -> ((SignatureVerificationException) e).reason())
        .isEqualTo(SignatureVerificationException.Reason.MALFORMED);
  }

  /**
   * tcIds 353-356 give encryption keys ({@code use: enc}, {@code key_ops: [encrypt]}) without an
   * {@code alg}, which Signet refuses for that reason alone. Adding the {@code alg} the header
   * claims checks that {@code use} and {@code key_ops} are honoured on their own. Only the ES256
   * cases (354, 356) can show it; the RSA ones (353, 355) claim RS256, refused for its algorithm.
   */
  @ParameterizedTest(name = "tcId {0}")
  @ValueSource(ints = {354, 356})
  void encryptionKeysNeverVerifyEvenWithAnAlg(int tcId) {
    Case c = find("json_web_signature_test.json", tcId);
    JsonObject key = (JsonObject) c.group().get("public");
    String alg = headerAlgorithm(c);
    assertThat(alg).isEqualTo("ES256");
    String withAlg = JsonWriter.compact(JsonObject.builder().putAll(key).put("alg", alg).build());
    assertThatThrownBy(() -> KeySet.parse(withAlg, "wycheproof").verificationKeys())
        .isInstanceOf(KeyException.class)
        .hasMessageContaining("no key in the set may be used for signatures");
  }

  // ---- harness ----

  record Case(String file, JsonObject group, JsonObject test) {
    int tcId() {
      return Integer.parseInt(JsonWriter.compact(test.get("tcId")));
    }

    String result() {
      return Vectors.str(test, "result");
    }

    String token() {
      JsonValue jws = test.get("jws");
      return jws instanceof JsonString s ? s.value() : JsonWriter.compact(jws);
    }

    /** The verification key set: the public half, or the secret for HMAC-only groups. */
    String keyJson() {
      JsonValue k = group.get("public");
      if (k == null || k.isNull()) {
        k = group.get("private");
      }
      return JsonWriter.compact(k);
    }

    @Override
    public String toString() {
      return file.replace("_test.json", "")
          + " tcId "
          + tcId()
          + " "
          + result()
          + " "
          + Vectors.str(group, "comment")
          + ": "
          + Vectors.str(test, "comment");
    }
  }

  private static Stream<Named<Case>> cases(String file) {
    JsonObject root = Vectors.load("wycheproof/" + file);
    List<Named<Case>> out = new ArrayList<>();
    for (JsonValue g : ((JsonArray) root.get("testGroups")).items()) {
      for (JsonValue t : ((JsonArray) ((JsonObject) g).get("tests")).items()) {
        Case c = new Case(file, (JsonObject) g, (JsonObject) t);
        out.add(Named.of(c.toString(), c));
      }
    }
    return out.stream();
  }

  private static Case find(String file, int tcId) {
    return cases(file)
        .map(Named::getPayload)
        .filter(c -> c.tcId() == tcId)
        .findFirst()
        .orElseThrow();
  }

  private static Expect expectation(Case c) {
    Expect deviation = DEVIATIONS.get(c.file() + "#" + c.tcId());
    if (deviation != null) {
      return deviation;
    }
    return switch (c.result()) {
      case "valid" ->
          Stream.concat(keyAlgorithms(c).stream(), Stream.ofNullable(headerAlgorithm(c)))
                  .anyMatch(alg -> Algorithm.fromJwa(alg).isEmpty())
              ? Expect.ALGORITHM_REFUSED
              : Expect.ACCEPT;
      case "invalid" -> Expect.REJECT;
      // None in these files; Signet's policy for "may go either way" is to refuse (see
      // SignatureWycheproofTest), but a new case must be looked at, not absorbed.
      case "acceptable" -> fail("new acceptable case %s: decide and document it", c);
      default -> fail("unknown result " + c.result());
    };
  }

  /** The {@code alg} of every key in the case's key set (a JWKS or a single JWK). */
  private static List<String> keyAlgorithms(Case c) {
    JsonValue k = c.group().get("public");
    if (k == null || k.isNull()) {
      k = c.group().get("private");
    }
    List<JsonValue> keys =
        ((JsonObject) k).get("keys") instanceof JsonArray a ? a.items() : List.of(k);
    List<String> algs = new ArrayList<>();
    for (JsonValue key : keys) {
      if (((JsonObject) key).get("alg") instanceof JsonString alg) {
        algs.add(alg.value());
      }
    }
    return algs;
  }

  /** The header's {@code alg}, read leniently: this only classifies the case. */
  private static @Nullable String headerAlgorithm(Case c) {
    try {
      String header =
          new String(lenientBase64Url(c.token().split("\\.", -1)[0]), StandardCharsets.UTF_8);
      return JsonReader.withDefaultLimits().parse(header, "header") instanceof JsonObject h
              && h.get("alg") instanceof JsonString alg
          ? alg.value()
          : null;
    } catch (InputException | RuntimeException e) {
      return null;
    }
  }

  /** The outcome of running one case through Signet: null when it verified. */
  private record Refusal(String stage, String reason, String message) {}

  private static Refusal run(Case c) {
    VerificationKeys keys;
    try {
      keys =
          KeySet.parse(c.keyJson(), "wycheproof group " + Vectors.str(c.group(), "comment"))
              .verificationKeys();
    } catch (KeyException e) {
      return new Refusal("key", e.reason().name(), e.getMessage());
    }
    String token = c.token();
    String[] parts = token.split("\\.", -1);
    String value = token;
    byte[] payload = new byte[0];
    if (parts.length == 3) {
      value = parts[0] + ".." + parts[2];
      payload = lenientBase64Url(parts[1]);
    }
    try {
      DetachedJws.verify(value, payload, keys);
      return null;
    } catch (SignatureVerificationException e) {
      return new Refusal("jws", e.reason().name(), e.getMessage());
    }
  }

  private static void check(Case c) {
    Expect expect = expectation(c);
    Refusal refusal = run(c);
    String got = refusal == null ? "accepted" : refusal.toString();
    switch (expect) {
      case ACCEPT -> assertThat(refusal).as("%s -> %s", c, got).isNull();
      case REJECT -> assertThat(refusal).as("%s -> %s", c, got).isNotNull();
      case ALGORITHM_REFUSED -> {
        assertThat(refusal).as("%s -> %s", c, got).isNotNull();
        assertThat(
                refusal.stage().equals("key")
                    ? refusal.message().contains("unsupported algorithm")
                    : refusal.reason().equals("UNSUPPORTED_ALGORITHM"))
            .as("%s -> %s", c, got)
            .isTrue();
      }
      case MALFORMED -> {
        assertThat(refusal).as("%s -> %s", c, got).isNotNull();
        assertThat(refusal.reason()).as("%s -> %s", c, got).isEqualTo("MALFORMED");
      }
    }
  }

  /** Drops everything outside the base64url alphabet, then decodes ignoring stray low bits. */
  private static byte[] lenientBase64Url(String s) {
    StringBuilder clean = new StringBuilder();
    for (char ch : s.toCharArray()) {
      if (Character.isLetterOrDigit(ch) && ch < 128 || ch == '-' || ch == '_') {
        clean.append(ch);
      }
    }
    if (clean.length() % 4 == 1) {
      clean.setLength(clean.length() - 1); // a lone 6-bit group encodes no byte
    }
    return Base64.getUrlDecoder().decode(clean.toString());
  }
}
