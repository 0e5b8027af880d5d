package dev.signet.server.custody;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.keys.Algorithm;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The sealed-key format under a software master key: round trip and every refusal. */
class SealingTest {
  static final byte[] SECRET = "PKCS#8 bytes of a private key".getBytes(StandardCharsets.UTF_8);
  static final SealBinding ROW = new SealBinding("acme", "release", 3, Algorithm.ES256);

  static SoftwareMasterKey master() throws CustodyException {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return SoftwareMasterKey.of(k);
  }

  @Test
  void roundTripWithAFreshNonceEachTime() throws Exception {
    try (SoftwareMasterKey m = master()) {
      byte[] a = m.seal(ROW, SECRET);
      byte[] b = m.seal(ROW, SECRET);
      assertThat(a).hasSize(SealedBlob.HEADER_BYTES + SECRET.length + 16);
      assertThat(Arrays.copyOf(a, 6)).isEqualTo(new byte[] {'S', 'G', 'N', 'C', 1, 1});
      assertThat(a).isNotEqualTo(b); // random nonce
      assertThat(m.open(ROW, a)).isEqualTo(SECRET);
      assertThat(m.open(ROW, b)).isEqualTo(SECRET);
    }
  }

  @Test
  void aBlobMovedToAnotherRowDoesNotOpen() throws Exception {
    try (SoftwareMasterKey m = master()) {
      byte[] blob = m.seal(ROW, SECRET);
      for (SealBinding other :
          new SealBinding[] {
            new SealBinding("acme2", "release", 3, Algorithm.ES256),
            new SealBinding("acme", "release2", 3, Algorithm.ES256),
            new SealBinding("acme", "release", 4, Algorithm.ES256),
            new SealBinding("acme", "release", 3, Algorithm.ES384),
            // Field boundaries are length-prefixed: "acme"+"release" ≠ "acmer"+"elease".
            new SealBinding("acmer", "elease", 3, Algorithm.ES256),
          }) {
        assertUnsealFails(() -> m.open(other, blob), other.display(), "does not authenticate");
      }
    }
  }

  @Test
  void aWrongMasterKeyIsRefused() throws Exception {
    try (SoftwareMasterKey m = master();
        SoftwareMasterKey other = master()) {
      byte[] blob = m.seal(ROW, SECRET);
      assertUnsealFails(
          () -> other.open(ROW, blob), "acme/release v3: cannot unseal", "another master key");
    }
  }

  @Test
  void everyFlippedBitAndEveryTruncationIsRefused() throws Exception {
    try (SoftwareMasterKey m = master()) {
      byte[] blob = m.seal(ROW, SECRET);
      for (int i = 0; i < blob.length; i++) {
        for (int bit = 0; bit < 8; bit++) {
          byte[] t = blob.clone();
          t[i] ^= (byte) (1 << bit);
          assertUnsealFails(() -> m.open(ROW, t), "acme/release v3: cannot unseal", "");
        }
      }
      for (int len = 0; len < blob.length; len++) {
        byte[] t = Arrays.copyOf(blob, len);
        assertUnsealFails(() -> m.open(ROW, t), "acme/release v3: cannot unseal", "");
      }
      byte[] longer = Arrays.copyOf(blob, blob.length + 1);
      assertUnsealFails(() -> m.open(ROW, longer), "cannot unseal", "does not authenticate");
      assertUnsealFails(
          () -> m.open(ROW, new byte[CustodyLimits.MAX_SEALED_BYTES + 1]), "larger than", "");
    }
  }

  @Test
  void headerFieldsAreNamed() throws Exception {
    try (SoftwareMasterKey m = master()) {
      byte[] blob = m.seal(ROW, SECRET);
      byte[] v2 = blob.clone();
      v2[4] = 2;
      assertUnsealFails(() -> m.open(ROW, v2), "format version 2; expected 1", "");
      byte[] hsm = blob.clone();
      hsm[5] = SealedBlob.PKCS11;
      assertUnsealFails(
          () -> m.open(ROW, hsm),
          "sealed under a PKCS#11 master key, but this server's master key is a software",
          "");
      byte[] garbage = "not a blob at all, just some bytes".getBytes(StandardCharsets.UTF_8);
      assertUnsealFails(() -> m.open(ROW, garbage), "not a Signet sealed key", "");
    }
  }

  @Test
  void aClosedMasterKeyIsWipedAndRefuses() throws Exception {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    SoftwareMasterKey m = SoftwareMasterKey.of(k);
    byte[] blob = m.seal(ROW, SECRET);
    m.close();
    assertThatThrownBy(() -> m.open(ROW, blob))
        .isInstanceOfSatisfying(
            CustodyException.class,
            e -> assertThat(e.reason()).isEqualTo(CustodyException.Reason.UNAVAILABLE))
        .hasMessage("acme/release v3: the master key is closed");
    assertThatThrownBy(() -> SoftwareMasterKey.of(new byte[16]))
        .hasMessage("the master key must be 32 bytes, not 16");
    assertThat(m.toString()).doesNotContain(HexFormat.of().formatHex(k));
  }

  static void assertUnsealFails(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String text, String more) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            CustodyException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(CustodyException.Reason.UNSEAL_FAILED);
              assertThat(e.getMessage()).doesNotContain("\n");
            })
        .hasMessageContaining(text)
        .hasMessageContaining(more);
  }
}
