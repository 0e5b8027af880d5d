package dev.signet.jws;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.signet.keys.KeyException;
import dev.signet.keys.Signer;
import dev.signet.keys.VerificationKeys;
import dev.signet.testing.FuzzChecks;
import dev.signet.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Fuzzes compact detached JWS values, which arrive in {@code signature.value} of every step a
 * control plane hands to an agent.
 *
 * <p>{@link #verifyValue} feeds arbitrary text ({@code value "\n" payload}) to {@link
 * DetachedJws#peek} and {@link DetachedJws#verify} with the fixture keys: every refusal is a {@link
 * SignatureVerificationException}, and a value that verifies must be one of the signing inputs the
 * seeds were made from (header and payload; an ECDSA or RSA-PSS signature has many spellings, a
 * signing input has one). {@link #mutatedSignature} signs a fuzzed payload with each fixture key,
 * checks that it verifies, changes one thing in the value or the payload, and requires a refusal.
 */
class DetachedJwsFuzzTest {
  /** The payloads of the committed seeds; together with each signer's header, all we signed. */
  private static final List<String> SEED_PAYLOADS =
      List.of("", "hello", "{\"alg\":\"EdDSA\",\"values\":{\"command\":\"echo hi\"}}");

  private static final List<Signer> SIGNERS;

  /** The verification keys of each signer, in the same order (the fixtures share one kid). */
  private static final List<VerificationKeys> KEYS;

  private static final Set<String> SIGNED_INPUTS = new HashSet<>();

  static {
    try {
      SIGNERS =
          List.of(
              TestKeys.signer("EdDSA/TEST_DO_NOT_USE"),
              TestKeys.signer("ES512/TEST_DO_NOT_USE"),
              TestKeys.signer("PS512/TEST_DO_NOT_USE"),
              TestKeys.signer("HS256/llamas#llamas"));
      KEYS =
          List.of(
              TestKeys.verificationKeys("EdDSA/TEST_DO_NOT_USE"),
              TestKeys.verificationKeys("ES512/TEST_DO_NOT_USE"),
              TestKeys.verificationKeys("PS512/TEST_DO_NOT_USE"),
              TestKeys.verificationKeys("HS256/llamas#llamas", "HS256/alpacas#alpacas"));
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    for (Signer s : SIGNERS) {
      String header =
          b64.encodeToString(
              DetachedJws.headerJson(s.algorithm(), s.keyId()).getBytes(StandardCharsets.UTF_8));
      for (String p : SEED_PAYLOADS) {
        SIGNED_INPUTS.add(header + "." + b64.encodeToString(p.getBytes(StandardCharsets.UTF_8)));
      }
    }
  }

  @FuzzTest
  void verifyValue(@NotNull String input) {
    int nl = input.indexOf('\n');
    String value = nl < 0 ? input : input.substring(0, nl);
    byte[] payload =
        nl < 0 ? new byte[0] : input.substring(nl + 1).getBytes(StandardCharsets.UTF_8);
    try {
      VerifiedJws claimed = DetachedJws.peek(value);
      assertThat(claimed.algorithm()).isNotNull();
    } catch (SignatureVerificationException e) {
      FuzzChecks.typed(e);
    }
    for (VerificationKeys keys : KEYS) {
      try {
        DetachedJws.verify(value, payload, keys);
      } catch (SignatureVerificationException e) {
        FuzzChecks.typed(e);
        continue;
      }
      String signingInput =
          value.substring(0, value.indexOf('.'))
              + "."
              + Base64.getUrlEncoder().withoutPadding().encodeToString(payload);
      assertThat(SIGNED_INPUTS)
          .as("a value accepted for a header and payload nobody signed: %s", input)
          .contains(signingInput);
    }
  }

  /**
   * Like {@link #verifyValue}, but the fuzzer writes the header as JSON text ({@code header "\n"
   * base64url signature "\n" payload}), so that its mutations reach the header checks instead of
   * dying in base64url decoding.
   */
  @DictionaryEntries({
    "\"alg\"",
    "\"kid\"",
    "\"crit\"",
    "\"b64\"",
    "\"EdDSA\"",
    "\"ES512\"",
    "\"PS512\"",
    "\"HS256\"",
    "\"none\"",
    "\"TEST_DO_NOT_USE\"",
    "\"llamas\"",
    "\\n",
    "\\u2028"
  })
  @FuzzTest
  void headerJson(@NotNull String input) {
    String[] parts = input.split("\n", 3);
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String value =
        b64.encodeToString(parts[0].getBytes(StandardCharsets.UTF_8))
            + ".."
            + (parts.length > 1 ? parts[1] : "");
    verifyValue(value + "\n" + (parts.length > 2 ? parts[2] : ""));
  }

  @FuzzTest
  void mutatedSignature(FuzzedDataProvider data) throws KeyException {
    int which = data.consumeInt(0, SIGNERS.size() - 1);
    Signer signer = SIGNERS.get(which);
    VerificationKeys keys = KEYS.get(which);
    byte[] payload = data.consumeBytes(data.consumeInt(0, 512));
    String value = DetachedJws.sign(signer, payload);
    try {
      DetachedJws.verify(value, payload, keys);
    } catch (SignatureVerificationException e) {
      throw new AssertionError("a fresh signature does not verify: " + e.getMessage(), e);
    }

    String changedValue = value;
    byte[] changedPayload = payload;
    switch (data.consumeInt(0, 4)) {
      case 0 -> { // replace one character of the value
        int i = data.consumeInt(0, value.length() - 1);
        changedValue = value.substring(0, i) + data.consumeChar() + value.substring(i + 1);
      }
      case 1 -> { // insert text
        int i = data.consumeInt(0, value.length());
        changedValue = value.substring(0, i) + data.consumeString(4) + value.substring(i);
      }
      case 2 -> { // delete a run of characters
        int i = data.consumeInt(0, value.length() - 1);
        int n = data.consumeInt(1, value.length() - i);
        changedValue = value.substring(0, i) + value.substring(i + n);
      }
      case 3 -> { // flip bits in a payload byte, or add one
        changedPayload = payload.length == 0 ? new byte[] {data.consumeByte()} : payload.clone();
        if (payload.length > 0) {
          int i = data.consumeInt(0, payload.length - 1);
          byte mask = data.consumeByte();
          changedPayload[i] ^= mask == 0 ? 1 : mask;
        }
      }
      default -> { // truncate or extend the payload
        int n = data.consumeInt(0, payload.length + 8);
        changedPayload = Arrays.copyOf(payload, n == payload.length ? n + 1 : n);
      }
    }
    if (changedValue.equals(value) && Arrays.equals(changedPayload, payload)) {
      return;
    }
    try {
      DetachedJws.verify(changedValue, changedPayload, keys);
    } catch (SignatureVerificationException e) {
      FuzzChecks.typed(e);
      return;
    }
    throw new AssertionError(
        "a changed value or payload verified: " + value + " -> " + changedValue);
  }
}
