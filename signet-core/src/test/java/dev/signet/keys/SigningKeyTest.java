package dev.signet.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** File keys as backend-neutral {@link SigningKey}s: native encodings, digests, JWS adapter. */
class SigningKeyTest {
  private static final byte[] MESSAGE = "an artifact".getBytes(StandardCharsets.UTF_8);

  private static SigningKey key(Algorithm alg) throws Exception {
    var generated = KeyGenerator.generate(alg, "k1", new SecureRandom());
    return KeySet.parse(generated.privateJwks(), "keys.json").signingKey(null);
  }

  @ParameterizedTest
  @EnumSource(
      value = Algorithm.class,
      names = {"EdDSA", "ES256", "ES512", "PS512"})
  void nativeSignaturesVerifyWithTheJdkAndJwsSignaturesWithOurVerifier(Algorithm alg)
      throws Exception {
    SigningKey key = key(alg);
    assertThat(key.algorithm()).isEqualTo(alg);
    assertThat(key.keyId()).isEqualTo("k1");
    assertThat(key.reference()).isEqualTo("file:keys.json#k1");

    byte[] sig = key.signMessage(MESSAGE);
    assertThat(jdkVerify(alg, key, MESSAGE, sig)).isTrue();
    if (alg.prehashable()) {
      byte[] digest = MessageDigest.getInstance(alg.digest()).digest(MESSAGE);
      assertThat(jdkVerify(alg, key, MESSAGE, key.signDigest(digest))).isTrue();
    } else {
      assertThatThrownBy(() -> key.signDigest(new byte[64]))
          .isInstanceOf(KeyException.class)
          .hasMessageContaining("cannot sign a precomputed digest");
    }

    byte[] jws = Signer.of(key).sign(MESSAGE);
    Verifier verifier =
        KeySet.parse(KeySet.parse(generated(key), "k").toPublicJson(), "pub")
            .verificationKeys()
            .select(alg, "k1");
    assertThat(verifier.verify(MESSAGE, jws)).isTrue();
    MESSAGE[0] ^= 1;
    try {
      assertThat(verifier.verify(MESSAGE, jws)).isFalse();
    } finally {
      MESSAGE[0] ^= 1;
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Algorithm.class,
      names = {"ES256", "ES512"})
  void derAndRawConvertBothWays(Algorithm alg) throws Exception {
    SigningKey key = key(alg);
    for (int i = 0; i < 50; i++) {
      byte[] der = key.signMessage(MESSAGE);
      byte[] raw = EcdsaSignatures.derToP1363(der, alg);
      assertThat(raw).hasSize(2 * EcdsaSignatures.scalarBytes(alg));
      assertThat(EcdsaSignatures.p1363ToDer(raw, alg)).isEqualTo(der);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Algorithm.class,
      names = {"ES256"})
  void malformedDerIsRefused(Algorithm alg) throws Exception {
    byte[] der = key(alg).signMessage(MESSAGE);
    byte[] trailing = java.util.Arrays.copyOf(der, der.length + 1);
    assertThatThrownBy(() -> EcdsaSignatures.derToP1363(trailing, alg))
        .isInstanceOf(KeyException.class)
        .hasMessageContaining("malformed ES256 signature");
    byte[] badTag = der.clone();
    badTag[0] = 0x31;
    assertThatThrownBy(() -> EcdsaSignatures.derToP1363(badTag, alg))
        .isInstanceOf(KeyException.class);
    assertThatThrownBy(() -> EcdsaSignatures.derToP1363(new byte[] {0x30}, alg))
        .isInstanceOf(KeyException.class);
    assertThatThrownBy(
            () -> EcdsaSignatures.derToP1363(new byte[] {0x30, 0x06, 2, 1, 0, 2, 1, 1}, alg))
        .isInstanceOf(KeyException.class)
        .hasMessageContaining("zero");
  }

  private static String generated(SigningKey key) throws Exception {
    // Re-export the public half through a JWKS made from the JDK public key.
    var jwk =
        switch (key.publicKey()) {
          case java.security.interfaces.ECPublicKey ec ->
              new com.nimbusds.jose.jwk.ECKey.Builder(
                      com.nimbusds.jose.jwk.Curve.forECParameterSpec(ec.getParams()), ec)
                  .keyID("k1")
                  .algorithm(new com.nimbusds.jose.JWSAlgorithm(key.algorithm().jwa()))
                  .build();
          case java.security.interfaces.RSAPublicKey rsa ->
              new com.nimbusds.jose.jwk.RSAKey.Builder(rsa)
                  .keyID("k1")
                  .algorithm(new com.nimbusds.jose.JWSAlgorithm(key.algorithm().jwa()))
                  .build();
          default -> {
            byte[] spki = key.publicKey().getEncoded();
            byte[] x = java.util.Arrays.copyOfRange(spki, spki.length - 32, spki.length);
            yield new com.nimbusds.jose.jwk.OctetKeyPair.Builder(
                    com.nimbusds.jose.jwk.Curve.Ed25519, com.nimbusds.jose.util.Base64URL.encode(x))
                .keyID("k1")
                .algorithm(com.nimbusds.jose.JWSAlgorithm.EdDSA)
                .build();
          }
        };
    return "{\"keys\":[" + jwk.toJSONString() + "]}";
  }

  private static boolean jdkVerify(Algorithm alg, SigningKey key, byte[] message, byte[] sig)
      throws Exception {
    Signature s =
        switch (alg) {
          case EdDSA -> Signature.getInstance("Ed25519");
          case ES256 -> Signature.getInstance("SHA256withECDSA");
          case ES512 -> Signature.getInstance("SHA512withECDSA");
          default -> {
            Signature pss = Signature.getInstance("RSASSA-PSS");
            pss.setParameter(
                new PSSParameterSpec("SHA-512", "MGF1", MGF1ParameterSpec.SHA512, 64, 1));
            yield pss;
          }
        };
    s.initVerify(key.publicKey());
    s.update(message);
    return s.verify(sig);
  }
}
