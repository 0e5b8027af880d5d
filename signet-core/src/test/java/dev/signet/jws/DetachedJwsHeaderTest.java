package dev.signet.jws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.json.JsonWriter;
import dev.signet.jws.SignatureVerificationException.Reason;
import dev.signet.keys.Algorithm;
import dev.signet.keys.VerificationKeys;
import dev.signet.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The protected header Signet writes (wire format 4.1): exactly {@code {"alg":…,"kid":…}}, the kid
 * quoted as Go's {@code encoding/json} quotes it, so EdDSA signatures are byte-identical with
 * buildkite-agent's; and how a header naming an algorithm Signet refuses is reported.
 */
class DetachedJwsHeaderTest {
  private static final byte[] PAYLOAD = "{}".getBytes(StandardCharsets.UTF_8);

  private static String header(String value) {
    String encoded = value.substring(0, value.indexOf('.'));
    return new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
  }

  private static TestKeys.HmacSigner hmac(String kid) {
    return new TestKeys.HmacSigner(kid, kid.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void headerIsAlgThenKidWithoutWhitespaceOrOtherMembers() throws Exception {
    assertThat(header(DetachedJws.sign(hmac("llamas"), PAYLOAD)))
        .isEqualTo("{\"alg\":\"HS256\",\"kid\":\"llamas\"}");
    assertThat(header(DetachedJws.sign(TestKeys.signer("EdDSA/TEST_DO_NOT_USE"), PAYLOAD)))
        .isEqualTo("{\"alg\":\"EdDSA\",\"kid\":\"TEST_DO_NOT_USE\"}");
    assertThat(header(DetachedJws.sign(new TestKeys.HmacSigner(null, new byte[32]), PAYLOAD)))
        .isEqualTo("{\"alg\":\"HS256\"}");
  }

  static Stream<Arguments> goQuotedKids() {
    return Stream.of(
        // The wire-format example: Go's HTML-safe escapes.
        Arguments.of("a<b&c>", "a\\u003cb\\u0026c\\u003e"),
        Arguments.of("q\"b\\s", "q\\\"b\\\\s"),
        Arguments.of("\n\r\t\b\f", "\\n\\r\\t\\b\\f"),
        Arguments.of("\u0000\u0001\u001b\u001f", "\\u0000\\u0001\\u001b\\u001f"),
        Arguments.of("\u2028\u2029", "\\u2028\\u2029"),
        // Not escaped by Go: slash, DEL, non-ASCII, a surrogate pair.
        Arguments.of("k/1\u007f\u00e9\uD83D\uDE00", "k/1\u007f\u00e9\uD83D\uDE00"));
  }

  @ParameterizedTest
  @MethodSource("goQuotedKids")
  void kidIsQuotedAsGoEncodingJsonQuotesIt(String kid, String quoted) throws Exception {
    String value = DetachedJws.sign(hmac(kid), PAYLOAD);
    assertThat(header(value)).isEqualTo("{\"alg\":\"HS256\",\"kid\":\"" + quoted + "\"}");
    // Signet reads back the kid it wrote, and finds the key by it.
    VerificationKeys keys = TestKeys.hmacKeysNamed(kid);
    VerifiedJws verified = DetachedJws.verify(value, PAYLOAD, keys);
    assertThat(verified.keyId()).isEqualTo(kid);
    assertThat(verified.algorithm()).isEqualTo(Algorithm.HS256);
    assertThat(DetachedJws.peek(value)).isEqualTo(verified);
  }

  static Stream<Arguments> loneSurrogateKids() {
    return Stream.of(
        Arguments.of("\uD800", "\\ufffd"),
        Arguments.of("x\uDC00", "x\\ufffd"),
        Arguments.of("\uDC00\uD800", "\\ufffd\\ufffd"),
        Arguments.of("\uD83D\uD83D\uDE00", "\\ufffd\uD83D\uDE00"),
        Arguments.of("\uD83D\uDE00\uDE00", "\uD83D\uDE00\\ufffd"));
  }

  /** A lone surrogate is what Go makes of an invalid UTF-8 byte: the escape {@code \ufffd}. */
  @ParameterizedTest
  @MethodSource("loneSurrogateKids")
  void loneSurrogatesInTheKidAreWrittenAsTheReplacementEscape(String kid, String quoted)
      throws Exception {
    assertThat(header(DetachedJws.sign(hmac(kid), PAYLOAD)))
        .isEqualTo("{\"alg\":\"HS256\",\"kid\":\"" + quoted + "\"}");
  }

  private static String withAlg(String alg) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = "{\"alg\":" + JsonWriter.quote(alg) + ",\"kid\":\"k\"}";
    return b64.encodeToString(header.getBytes(StandardCharsets.UTF_8))
        + ".."
        + b64.encodeToString(new byte[64]);
  }

  private static String refusal(String alg) {
    try {
      DetachedJws.peek(withAlg(alg));
    } catch (SignatureVerificationException e) {
      assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_ALGORITHM);
      return e.getMessage();
    }
    throw new AssertionError("accepted alg " + alg);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"RS256", "none", "HS256\n[info] signature verified", "\u001b[2J\u001b[H", ""})
  void aRefusedAlgorithmIsNamedOnOneLineWithoutControlCharacters(String alg) {
    assertThat(refusal(alg))
        .startsWith("the JWS algorithm \"")
        .endsWith("\" is not accepted")
        .doesNotContainPattern("\\p{Cntrl}");
  }

  @Test
  void aRefusedAlgorithmIsQuoted() {
    assertThat(refusal("RS256")).isEqualTo("the JWS algorithm \"RS256\" is not accepted");
  }

  @Test
  void aLongRefusedAlgorithmIsCutAfter32Characters() {
    String alg = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".repeat(2);
    assertThat(refusal(alg))
        .contains(alg.substring(0, 32) + "…")
        .doesNotContain(alg.substring(0, 33))
        .hasSizeLessThan(80);
  }
}
