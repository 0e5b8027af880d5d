package dev.signet.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.jws.DetachedJws;
import dev.signet.jws.SignatureVerificationException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** PEM and PKCS#8 keys: algorithm by key type, hints, native verification, kid-less JWS. */
class VerifyingKeyTest {
  private static final byte[] MESSAGE = "an artifact".getBytes(StandardCharsets.UTF_8);

  static KeyPair generate(String type, String param) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance(type);
    if (type.equals("EC")) {
      g.initialize(new ECGenParameterSpec(param));
    } else if (type.equals("RSA")) {
      g.initialize(Integer.parseInt(param));
    }
    return g.generateKeyPair();
  }

  static String pkcs8Pem(KeyPair kp) {
    return pem("PRIVATE KEY", kp.getPrivate().getEncoded());
  }

  @ParameterizedTest
  @CsvSource({
    "EC, secp256r1, ES256",
    "EC, secp384r1, ES384",
    "EC, secp521r1, ES512",
    "RSA, 2048, PS256",
    "Ed25519, -, EdDSA"
  })
  void pkcs8KeysSignWhatTheirPemPublicHalfVerifies(String type, String param, Algorithm alg)
      throws Exception {
    KeyPair kp = generate(type, param);
    SigningKey key = PemKeys.readPrivateKey(pkcs8Pem(kp), "file:k.pem", null);
    assertThat(key.algorithm()).isEqualTo(alg);
    assertThat(key.keyId()).isNull();
    assertThat(key.publicKey().getEncoded()).isEqualTo(kp.getPublic().getEncoded());

    VerifyingKey pub =
        VerifyingKey.fromPem(pem("PUBLIC KEY", kp.getPublic().getEncoded()), "k.pub");
    assertThat(pub.algorithm()).isEqualTo(alg);
    assertThat(pub).isEqualTo(VerifyingKey.of(key));
    assertThat(pub.sigstoreHint())
        .isEqualTo(
            Base64.getEncoder()
                .encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(kp.getPublic().getEncoded())));
    assertThat(VerifyingKey.fromPem(pub.toPem(), "again")).isEqualTo(pub);

    byte[] sig = key.signMessage(MESSAGE);
    assertThat(pub.verifyMessage(MESSAGE, sig)).isTrue();
    if (alg.prehashable()) {
      byte[] digest = MessageDigest.getInstance(alg.digest()).digest(MESSAGE);
      byte[] dsig = key.signDigest(digest);
      assertThat(pub.verifyDigest(digest, dsig)).isTrue();
      assertThat(pub.verifyMessage(MESSAGE, dsig)).isTrue();
      assertThat(pub.verifyDigest(digest, sig)).isTrue();
      digest[3] ^= 1;
      assertThat(pub.verifyDigest(digest, dsig)).isFalse();
    } else {
      assertThat(pub.verifyDigest(new byte[64], sig)).isFalse();
    }
    byte[] bad = sig.clone();
    bad[bad.length / 2] ^= 0x10;
    assertThat(pub.verifyMessage(MESSAGE, bad)).isFalse();

    // The kid-less JWS path (KMS-style): no kid in the header, the single key verifies it.
    String jws = DetachedJws.sign(Signer.of(key), MESSAGE);
    assertThat(DetachedJws.verify(jws, MESSAGE, pub.asVerificationKeys()).keyId()).isNull();
  }

  @Test
  void singleKeyRefusesAnotherKidAndAnotherAlgorithm() throws Exception {
    SigningKey key = PemKeys.readPrivateKey(pkcs8Pem(generate("EC", "secp256r1")), "k.pem", null);
    VerificationKeys keys = VerifyingKey.of(key).asVerificationKeys();
    assertThatThrownBy(() -> keys.select(Algorithm.ES256, "other"))
        .isInstanceOf(KeyException.class)
        .hasMessageContaining("has no key ID");
    assertThatThrownBy(() -> keys.select(Algorithm.ES512, null))
        .isInstanceOf(KeyException.class)
        .hasMessageContaining("is a ES256 key but the signature claims ES512");
    String other =
        DetachedJws.sign(
            Signer.of(PemKeys.readPrivateKey(pkcs8Pem(generate("EC", "secp256r1")), "o.pem", null)),
            MESSAGE);
    assertThatThrownBy(() -> DetachedJws.verify(other, MESSAGE, keys))
        .isInstanceOf(SignatureVerificationException.class)
        .hasMessageContaining("key without kid");
  }

  @Test
  void jwksPublicExportCarriesAlgAndThumbprintKid() throws Exception {
    VerifyingKey pub = VerifyingKey.of(generate("EC", "secp256r1").getPublic(), null, "k");
    String jwks = pub.toJwks();
    assertThat(jwks).contains("\"alg\":\"ES256\"").contains("\"kid\":\"" + pub.thumbprint() + "\"");
    VerifyingKey back = KeySet.parse(jwks, "jwks").verifyingKeys().getFirst();
    assertThat(back.spki()).isEqualTo(pub.spki());
    assertThat(back.keyId()).isEqualTo(pub.thumbprint());
  }

  @Test
  void refusesCurvesAndEncodingsSignetDoesNotUse() throws Exception {
    KeyPair k1 = generate("EC", "secp256r1");
    byte[] spki = k1.getPublic().getEncoded();
    byte[] trailing = java.util.Arrays.copyOf(spki, spki.length + 1);
    assertThatThrownBy(() -> VerifyingKey.fromSpki(trailing, "x.pub"))
        .isInstanceOf(KeyException.class)
        .hasMessageStartingWith("x.pub: ");
    assertThatThrownBy(() -> VerifyingKey.fromSpki(new byte[] {1, 2, 3}, "x.pub"))
        .isInstanceOf(KeyException.class)
        .hasMessageStartingWith("x.pub: not a valid DER SubjectPublicKeyInfo");
    KeyPair small = generate("RSA", "1024");
    assertThatThrownBy(() -> VerifyingKey.of(small.getPublic(), null, "r.pub"))
        .hasMessageContaining("fewer than 2048 bits");
    assertThatThrownBy(() -> VerifyingKey.of(k1.getPublic(), Algorithm.ES512, null, "k.pub"))
        .hasMessageContaining("cannot verify ES512");
  }

  static String pem(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
  }
}
