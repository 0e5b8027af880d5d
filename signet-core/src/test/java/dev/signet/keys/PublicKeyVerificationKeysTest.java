package dev.signet.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.jws.DetachedJws;
import dev.signet.jws.SignatureVerificationException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link VerificationKeys#of}: kid-less signatures (as KMS keys make them) verify with the one
 * public key; the algorithm is still pinned, and keys that do not fit the algorithm are refused.
 */
class PublicKeyVerificationKeysTest {
  private static final byte[] PAYLOAD = "{\"command\":\"make\"}".getBytes(StandardCharsets.UTF_8);

  @ParameterizedTest
  @EnumSource(
      value = Algorithm.class,
      names = {"EdDSA", "ES256", "ES384", "ES512", "PS256", "PS512"})
  void kidLessSignaturesVerifyAndTamperedOnesDoNot(Algorithm alg) throws Exception {
    KeyPair pair = pair(alg);
    Signer signer = signer(alg, pair);
    VerificationKeys keys = VerificationKeys.of(pair.getPublic(), alg, "kms key");

    String jws = DetachedJws.sign(signer, PAYLOAD);
    String header = new String(Base64.getUrlDecoder().decode(jws.substring(0, jws.indexOf('.'))));
    assertThat(header).isEqualTo("{\"alg\":\"" + alg.jwa() + "\"}");
    assertThat(DetachedJws.verify(jws, PAYLOAD, keys).algorithm()).isEqualTo(alg);

    byte[] other = "{\"command\":\"rm -rf /\"}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> DetachedJws.verify(jws, other, keys))
        .isInstanceOfSatisfying(
            SignatureVerificationException.class,
            e ->
                assertThat(e.reason())
                    .isEqualTo(SignatureVerificationException.Reason.BAD_SIGNATURE));
  }

  @Test
  void anotherKeysSignatureDoesNotVerify() throws Exception {
    KeyPair mine = pair(Algorithm.ES256);
    KeyPair theirs = pair(Algorithm.ES256);
    VerificationKeys keys = VerificationKeys.of(mine.getPublic(), Algorithm.ES256, "kms key");
    String jws = DetachedJws.sign(signer(Algorithm.ES256, theirs), PAYLOAD);
    assertThatThrownBy(() -> DetachedJws.verify(jws, PAYLOAD, keys))
        .isInstanceOf(SignatureVerificationException.class);
  }

  @Test
  void aKidInTheHeaderIsIgnoredButTheAlgorithmIsPinned() throws Exception {
    KeyPair pair = pair(Algorithm.ES256);
    VerificationKeys keys = VerificationKeys.of(pair.getPublic(), Algorithm.ES256, "kms key");
    assertThat(keys.select(Algorithm.ES256, "any-kid").algorithm()).isEqualTo(Algorithm.ES256);
    assertThat(keys.source()).isEqualTo("kms key");
    assertThatThrownBy(() -> keys.select(Algorithm.ES512, null))
        .isInstanceOfSatisfying(
            KeyException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(KeyException.Reason.NOT_ALLOWED);
              assertThat(e.getMessage())
                  .isEqualTo("kms key: the key is a ES256 key but the signature claims ES512");
            });
  }

  @Test
  void keysThatDoNotFitTheAlgorithmAreRefused() throws Exception {
    KeyPair p256 = pair(Algorithm.ES256);
    assertRefused(() -> VerificationKeys.of(p256.getPublic(), Algorithm.ES384, "k"), "P-384");
    assertRefused(() -> VerificationKeys.of(p256.getPublic(), Algorithm.PS256, "k"), "RSA");
    assertRefused(() -> VerificationKeys.of(p256.getPublic(), Algorithm.EdDSA, "k"), "Ed25519");
    assertRefused(() -> VerificationKeys.of(p256.getPublic(), Algorithm.HS256, "k"), "HMAC");
    KeyPairGenerator small = KeyPairGenerator.getInstance("RSA");
    small.initialize(1024);
    assertRefused(
        () -> VerificationKeys.of(small.generateKeyPair().getPublic(), Algorithm.PS256, "k"),
        "at least 2048 bits");
  }

  private static void assertRefused(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String fragment) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            KeyException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(KeyException.Reason.NOT_ALLOWED);
              assertThat(e.getMessage()).startsWith("k: ").contains(fragment);
            });
  }

  static KeyPair pair(Algorithm alg) throws Exception {
    KeyPairGenerator g;
    switch (alg.keyType()) {
      case OKP -> g = KeyPairGenerator.getInstance("Ed25519");
      case EC -> {
        g = KeyPairGenerator.getInstance("EC");
        g.initialize(
            new ECGenParameterSpec(
                switch (alg) {
                  case ES256 -> "secp256r1";
                  case ES384 -> "secp384r1";
                  default -> "secp521r1";
                }));
      }
      default -> {
        g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048, new SecureRandom());
      }
    }
    return g.generateKeyPair();
  }

  /** A kid-less JWS signer over a JDK key pair, the shape KMS signers have. */
  static Signer signer(Algorithm alg, KeyPair pair) {
    return new Signer() {
      @Override
      public Algorithm algorithm() {
        return alg;
      }

      @Override
      public @Nullable String keyId() {
        return null;
      }

      @Override
      public byte[] sign(byte[] signingInput) throws KeyException {
        try {
          if (alg == Algorithm.EdDSA) {
            java.security.Signature s = java.security.Signature.getInstance("Ed25519");
            s.initSign(pair.getPrivate());
            s.update(signingInput);
            return s.sign();
          }
          return Primitives.jcaSign(alg, pair.getPrivate(), signingInput);
        } catch (java.security.GeneralSecurityException e) {
          throw new IllegalStateException(e);
        }
      }
    };
  }
}
