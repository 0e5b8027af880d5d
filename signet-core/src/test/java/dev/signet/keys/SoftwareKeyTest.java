package dev.signet.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Custody's core pieces: AES-256-GCM through Primitives, and PKCS#8 software keys. */
class SoftwareKeyTest {
  static final byte[] MESSAGE = "message".getBytes(StandardCharsets.UTF_8);

  @Test
  void aesGcmMatchesTheNistVectorAndRefusesAlteredInput() {
    byte[] key = new byte[32];
    byte[] nonce = new byte[12];
    byte[] sealed = AesGcm.seal(key, nonce, new byte[0], new byte[16]);
    // McGrew–Viega GCM spec, test case 14 (AES-256, K = 0, IV = 0, P = 0^128).
    assertThat(HexFormat.of().formatHex(sealed))
        .isEqualTo("cea7403d4d606b6e074ec5d3baf39d18" + "d0d1c8a799996bf0265b98b5d48ab919");
    assertThat(AesGcm.open(key, nonce, new byte[0], sealed)).isEqualTo(new byte[16]);
    byte[] aad = {1};
    assertThat(AesGcm.open(key, nonce, aad, sealed)).isNull();
    byte[] flipped = sealed.clone();
    flipped[31] ^= 1;
    assertThat(AesGcm.open(key, nonce, new byte[0], flipped)).isNull();
    assertThat(AesGcm.open(key, nonce, new byte[0], new byte[15])).isNull();
    assertThat(AesGcm.newNonce(new SecureRandom())).hasSize(12);
  }

  @ParameterizedTest
  @EnumSource(
      value = Algorithm.class,
      names = {"EdDSA", "ES256", "ES384", "ES512", "PS256", "PS512"})
  void everyPipelineAlgorithmRoundTripsThroughPkcs8(Algorithm alg) throws Exception {
    byte[] pkcs8 = SoftwareKey.generatePkcs8(alg, new SecureRandom());
    try (SoftwareKey key = SoftwareKey.fromPkcs8(pkcs8, alg, "k-v1", "custody:p/k/v1")) {
      assertThat(key.algorithm()).isEqualTo(alg);
      assertThat(key.keyId()).isEqualTo("k-v1");
      byte[] sig = key.signMessage(MESSAGE);
      assertThat(VerifyingKey.of(key).verifyMessage(MESSAGE, sig)).isTrue();
      key.close();
      assertThatThrownBy(() -> key.signMessage(MESSAGE))
          .isInstanceOf(KeyException.class)
          .hasMessage("custody:p/k/v1: the key has been closed");
    }
  }

  @Test
  void theRecordedAlgorithmMustMatchTheKey() throws Exception {
    byte[] p384 = SoftwareKey.generatePkcs8(Algorithm.ES384, new SecureRandom());
    assertThatThrownBy(() -> SoftwareKey.fromPkcs8(p384, Algorithm.ES256, "k", "custody:p/k/v1"))
        .isInstanceOf(KeyException.class)
        .hasMessage("custody:p/k/v1: the key is a ES384 key, not ES256");
    assertThatThrownBy(() -> SoftwareKey.generatePkcs8(Algorithm.HS256, new SecureRandom()))
        .hasMessageContaining("cannot generate HS256 keys");
  }
}
