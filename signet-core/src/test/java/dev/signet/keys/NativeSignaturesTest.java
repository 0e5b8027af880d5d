package dev.signet.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class NativeSignaturesTest {
  static final byte[] MESSAGE = "artifact bytes".getBytes(StandardCharsets.UTF_8);

  @ParameterizedTest
  @EnumSource(
      value = Algorithm.class,
      names = {"EdDSA", "ES256", "ES512", "PS512"})
  void acceptsWhatASigningKeyMakesAndNothingElse(Algorithm alg) throws Exception {
    var generated = KeyGenerator.generate(alg, "k", new SecureRandom());
    SigningKey key = KeySet.parse(generated.privateJwks(), "k").signingKey(null);
    SigningKey other =
        KeySet.parse(KeyGenerator.generate(alg, "o", new SecureRandom()).privateJwks(), "o")
            .signingKey(null);
    byte[] sig = key.signMessage(MESSAGE);

    assertThat(NativeSignatures.verify(alg, key.publicKey(), MESSAGE, sig)).isTrue();
    assertThat(NativeSignatures.verify(alg, other.publicKey(), MESSAGE, sig)).isFalse();
    assertThat(
            NativeSignatures.verify(
                alg, key.publicKey(), "other".getBytes(StandardCharsets.UTF_8), sig))
        .isFalse();
    byte[] flipped = sig.clone();
    flipped[flipped.length / 2] ^= 1;
    assertThat(NativeSignatures.verify(alg, key.publicKey(), MESSAGE, flipped)).isFalse();
    byte[] trailing = Arrays.copyOf(sig, sig.length + 1);
    assertThat(NativeSignatures.verify(alg, key.publicKey(), MESSAGE, trailing)).isFalse();
    assertThat(NativeSignatures.verify(alg, key.publicKey(), MESSAGE, new byte[0])).isFalse();
    if (alg.prehashable()) {
      byte[] digest = java.security.MessageDigest.getInstance(alg.digest()).digest(MESSAGE);
      assertThat(NativeSignatures.verify(alg, key.publicKey(), MESSAGE, key.signDigest(digest)))
          .isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Algorithm.class,
      names = {"ES256", "PS512"})
  void anEd25519SignatureDoesNotVerifyUnderAnotherKeyType(Algorithm alg) throws Exception {
    SigningKey ed =
        KeySet.parse(
                KeyGenerator.generate(Algorithm.EdDSA, "e", new SecureRandom()).privateJwks(), "e")
            .signingKey(null);
    SigningKey other =
        KeySet.parse(KeyGenerator.generate(alg, "o", new SecureRandom()).privateJwks(), "o")
            .signingKey(null);
    byte[] sig = ed.signMessage(MESSAGE);
    assertThat(NativeSignatures.verify(Algorithm.EdDSA, other.publicKey(), MESSAGE, sig)).isFalse();
    assertThat(NativeSignatures.verify(alg, ed.publicKey(), MESSAGE, sig)).isFalse();
  }
}
