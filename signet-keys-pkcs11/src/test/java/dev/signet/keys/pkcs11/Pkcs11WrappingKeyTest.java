package dev.signet.keys.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.keys.AesGcm;
import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyException;
import dev.signet.keys.VerifyingKey;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The AES-256 wrapping key a signing service keeps in a token (CKM_AES_KEY_GEN, CKM_AES_GCM with
 * CK_GCM_PARAMS), and the protection attributes of keys generated for custody, against a real
 * SoftHSM2 token.
 */
class Pkcs11WrappingKeyTest {
  static final String TOKEN = "custody";
  static final String PIN = "user-pin-5678";
  static final byte[] SECRET = "a sealed private key".getBytes(StandardCharsets.UTF_8);
  static final byte[] AAD = "signet-custody/v1 acme release 1".getBytes(StandardCharsets.UTF_8);

  static SoftHsm hsm;

  @BeforeAll
  static void token() throws Throwable {
    hsm = SoftHsm.start();
    hsm.initToken(TOKEN, PIN);
  }

  @AfterAll
  static void close() throws Exception {
    assertThat(Token.modulesInUse()).isZero();
    hsm.close();
  }

  @Test
  void sealsAndOpensAcrossACloseAndReopenOfTheToken() throws Exception {
    byte[] iv = AesGcm.newNonce(new SecureRandom());
    byte[] sealed;
    try (Pkcs11WrappingKey key =
        Pkcs11WrappingKey.openOrGenerate(SoftHsm.ref(TOKEN, "master", PIN), SoftHsm.noEnv())) {
      Pkcs11Keys.Protection p = key.protection();
      assertThat(p.sensitive()).isTrue();
      assertThat(p.extractable()).isFalse();
      assertThat(p.neverExtractable()).isTrue();
      assertThat(p.confined()).isTrue();
      sealed = key.encrypt(iv, AAD, SECRET);
      assertThat(sealed).hasSize(SECRET.length + 16);
      assertThat(key.decrypt(iv, AAD, sealed)).isEqualTo(SECRET);
    }
    assertThat(Token.modulesInUse()).isZero(); // the module was finalised in between
    try (Pkcs11WrappingKey again =
        Pkcs11WrappingKey.open(SoftHsm.ref(TOKEN, "master", PIN), SoftHsm.noEnv())) {
      assertThat(again.decrypt(iv, AAD, sealed)).isEqualTo(SECRET);
      // Refusals: other AAD, a flipped bit, a truncated tag, another IV.
      assertThat(again.decrypt(iv, "other".getBytes(StandardCharsets.UTF_8), sealed)).isNull();
      byte[] flipped = sealed.clone();
      flipped[0] ^= 1;
      assertThat(again.decrypt(iv, AAD, flipped)).isNull();
      assertThat(again.decrypt(iv, AAD, java.util.Arrays.copyOf(sealed, sealed.length - 1)))
          .isNull();
      byte[] otherIv = iv.clone();
      otherIv[11] ^= 1;
      assertThat(again.decrypt(otherIv, AAD, sealed)).isNull();
      // Still usable after refusals (failed sessions are discarded, not reused).
      assertThat(again.decrypt(iv, AAD, sealed)).isEqualTo(SECRET);
    }
  }

  @Test
  void theTokenComputesStandardAesGcm() throws Exception {
    // Not provable without the key's value, which cannot leave the token; instead: the token's
    // ciphertext has GCM's shape and IVs matter (same input, different IV, different output).
    try (Pkcs11WrappingKey key =
        Pkcs11WrappingKey.openOrGenerate(SoftHsm.ref(TOKEN, "shape", PIN), SoftHsm.noEnv())) {
      byte[] iv1 = AesGcm.newNonce(new SecureRandom());
      byte[] iv2 = AesGcm.newNonce(new SecureRandom());
      assertThat(key.encrypt(iv1, AAD, SECRET)).isNotEqualTo(key.encrypt(iv2, AAD, SECRET));
      assertThat(key.encrypt(iv1, AAD, SECRET)).isEqualTo(key.encrypt(iv1, AAD, SECRET));
    }
  }

  @Test
  void openWithoutGenerateRefusesAMissingKey() {
    assertThatThrownBy(
            () -> Pkcs11WrappingKey.open(SoftHsm.ref(TOKEN, "absent", PIN), SoftHsm.noEnv()))
        .isInstanceOfSatisfying(
            KeyException.class,
            e -> assertThat(e.reason()).isEqualTo(KeyException.Reason.NOT_FOUND))
        .hasMessageContaining("no secret key labelled \"absent\" on token \"custody\"")
        .hasMessageNotContaining(PIN);
  }

  @Test
  void wrongPinAndMissingTokenAreClearErrors() {
    assertThatThrownBy(() ->
            Pkcs11WrappingKey.openOrGenerate(
                SoftHsm.ref(TOKEN, "master", "wrong-pin-0000"), SoftHsm.noEnv()))
        .isInstanceOfSatisfying(
            KeyException.class, e -> assertThat(e.reason()).isEqualTo(KeyException.Reason.DENIED))
        .hasMessageContaining("wrong PIN (CKR_PIN_INCORRECT")
        .hasMessageNotContaining("wrong-pin-0000");
    assertThatThrownBy(() ->
            Pkcs11WrappingKey.openOrGenerate(SoftHsm.ref("nosuch", "master", PIN), SoftHsm.noEnv()))
        .isInstanceOfSatisfying(
            KeyException.class,
            e -> assertThat(e.reason()).isEqualTo(KeyException.Reason.UNAVAILABLE))
        .hasMessageContaining("no token matches token=nosuch");
  }

  @Test
  void generatedSigningKeysAreConfinedAndSign() throws Exception {
    for (Algorithm alg : new Algorithm[] {Algorithm.EdDSA, Algorithm.ES256}) {
      try (Pkcs11Key key =
          Pkcs11Keys.generate(SoftHsm.ref(TOKEN, "sign-" + alg.jwa(), PIN), alg, SoftHsm.noEnv())) {
        Pkcs11Keys.Protection p = key.protection();
        assertThat(p.sensitive()).as("%s CKA_SENSITIVE", alg).isTrue();
        assertThat(p.extractable()).as("%s CKA_EXTRACTABLE", alg).isFalse();
        assertThat(p.confined()).isTrue();
        byte[] sig = key.signMessage(SECRET);
        assertThat(VerifyingKey.of(key).verifyMessage(SECRET, sig)).isTrue();
      }
    }
  }
}
