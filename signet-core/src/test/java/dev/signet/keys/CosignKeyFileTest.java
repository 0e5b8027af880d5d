package dev.signet.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code cosign.key} decryption and encryption: the committed fixtures (made by {@code
 * interop/cosign_key.py} with PyNaCl, password {@code hello}, one per label and scrypt N cosign has
 * used), round trips for every key type, and every way a key file can be wrong.
 */
class CosignKeyFileTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] HELLO = "hello".toCharArray();
  private static final byte[] MESSAGE = "an artifact".getBytes(StandardCharsets.UTF_8);

  static String resource(String name) throws Exception {
    return Files.readString(Path.of("src/test/resources/cosign", name));
  }

  @ParameterizedTest
  @ValueSource(strings = {"sigstore-n32768", "cosign-n65536"})
  void fixtureKeysDecryptToTheirPublicKeyAndSign(String name) throws Exception {
    SigningKey key = CosignKeyFile.decrypt(resource(name + ".key"), HELLO, name + ".key", null);
    var pub = PemKeys.readPublicKey(resource(name + ".pub"), name + ".pub");
    assertThat(key.algorithm()).isEqualTo(Algorithm.ES256);
    assertThat(key.publicKey().getEncoded()).isEqualTo(pub.getEncoded());
    assertThat(key.keyId()).isNull();
    assertThat(key.reference()).isEqualTo("file:" + name + ".key");
    assertThat(
            VerifyingKey.of(pub, null, "cosign.pub")
                .verifyMessage(MESSAGE, key.signMessage(MESSAGE)))
        .isTrue();
  }

  @Test
  void fixtureLabelsAndParametersAreTheOnesCosignUsed() throws Exception {
    assertThat(resource("sigstore-n32768.key"))
        .startsWith("-----BEGIN " + CosignKeyFile.SIGSTORE_LABEL);
    assertThat(body(resource("sigstore-n32768.key"))).contains("\"N\":32768");
    assertThat(resource("cosign-n65536.key"))
        .startsWith("-----BEGIN " + CosignKeyFile.COSIGN_LABEL);
    assertThat(body(resource("cosign-n65536.key"))).contains("\"N\":65536");
  }

  @ParameterizedTest
  @ValueSource(strings = {"EdDSA", "ES256", "ES384", "ES512", "PS256", "PS512"})
  void encryptThenDecryptGivesTheSameKey(String alg) throws Exception {
    Algorithm a = Algorithm.valueOf(alg);
    SigningKey key = PemKeys.readPrivateKey(pkcs8Pem(a), "k.pem", rsaAlg(a));
    assertThat(key.algorithm()).isEqualTo(a);
    String file = CosignKeyFile.encrypt(key, HELLO, RANDOM);
    assertThat(file).startsWith("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n");
    assertThat(body(file)).contains("\"N\":65536,\"r\":8,\"p\":1").contains("nacl/secretbox");
    SigningKey back = CosignKeyFile.decrypt(file, HELLO, "cosign.key", rsaAlg(a));
    assertThat(back.algorithm()).isEqualTo(a);
    assertThat(back.publicKey().getEncoded()).isEqualTo(key.publicKey().getEncoded());
    assertThat(VerifyingKey.of(key).verifyMessage(MESSAGE, back.signMessage(MESSAGE))).isTrue();
  }

  @Test
  void everyEncryptionHasAFreshSaltAndNonce() throws Exception {
    SigningKey key = PemKeys.readPrivateKey(pkcs8Pem(Algorithm.ES256), "k.pem", null);
    JsonObject a = bodyJson(CosignKeyFile.encrypt(key, HELLO, RANDOM));
    JsonObject b = bodyJson(CosignKeyFile.encrypt(key, HELLO, RANDOM));
    assertThat(str(a, "kdf", "salt")).isNotEqualTo(str(b, "kdf", "salt"));
    assertThat(str(a, "cipher", "nonce")).isNotEqualTo(str(b, "cipher", "nonce"));
    assertThat(Base64.getDecoder().decode(str(a, "kdf", "salt"))).hasSize(32);
    assertThat(Base64.getDecoder().decode(str(a, "cipher", "nonce"))).hasSize(24);
  }

  @Test
  void anEmptyPasswordWorksAsCosignAllows() throws Exception {
    SigningKey key = PemKeys.readPrivateKey(pkcs8Pem(Algorithm.ES256), "k.pem", null);
    String file = CosignKeyFile.encrypt(key, new char[0], RANDOM);
    assertThat(CosignKeyFile.decrypt(file, new char[0], "k", null).publicKey())
        .isEqualTo(key.publicKey());
    refused(() -> CosignKeyFile.decrypt(file, HELLO, "k", null), KeyException.Reason.DENIED);
  }

  @Test
  void jwksKeysExportAndComeBack() throws Exception {
    for (Algorithm a :
        List.of(Algorithm.EdDSA, Algorithm.ES256, Algorithm.ES512, Algorithm.PS512)) {
      var gen = KeyGenerator.generate(a, "k-" + a, RANDOM);
      KeySet set = KeySet.parse(gen.privateJwks(), "priv.json");
      SigningKey exportable = CosignKeyFile.fromJwks(set, null);
      SigningKey back =
          CosignKeyFile.decrypt(
              CosignKeyFile.encrypt(exportable, HELLO, RANDOM), HELLO, "k", rsaAlg(a));
      assertThat(back.publicKey().getEncoded())
          .isEqualTo(set.signingKey(null).publicKey().getEncoded());
      // and back to a JWKS that pipeline signing loads, with the thumbprint as kid
      String jwks = PemKeys.privateJwks(back, null);
      SigningKey again = KeySet.parse(jwks, "again.json").signingKey(null);
      assertThat(again.keyId()).isEqualTo(PemKeys.thumbprint(back.publicKey()));
      assertThat(again.publicKey().getEncoded()).isEqualTo(back.publicKey().getEncoded());
    }
  }

  @Test
  void aPublicJwksCannotBeExported() throws Exception {
    var gen = KeyGenerator.generate(Algorithm.ES256, "k", RANDOM);
    refused(
        () -> CosignKeyFile.fromJwks(KeySet.parse(gen.publicJwks(), "pub.json"), null),
        KeyException.Reason.NOT_ALLOWED,
        "pub.json");
  }

  // ---- refusals ----

  @Test
  void wrongPasswordIsDeniedWithoutEchoingIt() throws Exception {
    KeyException e =
        refused(
            () ->
                CosignKeyFile.decrypt(
                    resource("cosign-n65536.key"), "hunter2".toCharArray(), "cosign.key", null),
            KeyException.Reason.DENIED,
            "cosign.key");
    assertThat(e.getMessage()).contains("wrong password").doesNotContain("hunter2");
  }

  @Test
  void truncatedFileIsMalformedNamingTheFile() throws Exception {
    String full = resource("sigstore-n32768.key");
    refused(
        () -> CosignKeyFile.decrypt(full.substring(0, full.length() / 2), HELLO, "half.key", null),
        KeyException.Reason.MALFORMED,
        "half.key");
    // Lines dropped from the middle: the END line is there, the JSON is not whole.
    List<String> lines = full.lines().toList();
    String cut = String.join("\n", lines.subList(0, 3)) + "\n" + lines.getLast() + "\n";
    refused(
        () -> CosignKeyFile.decrypt(cut, HELLO, "cut.key", null),
        KeyException.Reason.MALFORMED,
        "cut.key");
    refused(
        () -> CosignKeyFile.decrypt("", HELLO, "empty.key", null),
        KeyException.Reason.MALFORMED,
        "empty.key");
  }

  @Test
  void otherPemLabelsAreRefused() throws Exception {
    String key = resource("sigstore-n32768.key").replace("SIGSTORE", "OTHER");
    refused(
        () -> CosignKeyFile.decrypt(key, HELLO, "other.key", null),
        KeyException.Reason.MALFORMED,
        "OTHER");
    refused(
        () -> CosignKeyFile.decrypt(resource("sigstore-n32768.pub"), HELLO, "cosign.pub", null),
        KeyException.Reason.MALFORMED,
        "PUBLIC KEY");
  }

  @Test
  void oversizeScryptParametersAreRefusedBeforeScryptRuns() throws Exception {
    for (String params :
        List.of(
            "{\"N\":1073741824,\"r\":8,\"p\":1}",
            "{\"N\":65536,\"r\":1024,\"p\":1}",
            "{\"N\":65536,\"r\":8,\"p\":64}",
            "{\"N\":16384,\"r\":8,\"p\":1}",
            "{\"N\":99999999999999,\"r\":8,\"p\":1}")) {
      String hostile =
          rewrite(resource("cosign-n65536.key"), b -> b.replaceFirst("\\{\"N\":[^}]*}", params));
      long start = System.nanoTime();
      refused(
          () -> CosignKeyFile.decrypt(hostile, HELLO, "hostile.key", null),
          KeyException.Reason.NOT_ALLOWED,
          "unsupported scrypt parameters");
      assertThat((System.nanoTime() - start) / 1_000_000)
          .as(params)
          .isLessThan(2000); // scrypt at N=2^30 would need 1 TiB
    }
  }

  @Test
  void aFlippedCiphertextBitIsDenied() throws Exception {
    String file = resource("cosign-n65536.key");
    JsonObject doc = bodyJson(file);
    byte[] ct = Base64.getDecoder().decode(str(doc, "ciphertext"));
    for (int i : new int[] {0, 15, 16, ct.length - 1}) {
      byte[] flipped = ct.clone();
      flipped[i] ^= 0x01;
      String hostile =
          rewrite(
              file,
              b -> b.replace(str(doc, "ciphertext"), Base64.getEncoder().encodeToString(flipped)));
      refused(
          () -> CosignKeyFile.decrypt(hostile, HELLO, "flipped.key", null),
          KeyException.Reason.DENIED);
    }
  }

  @Test
  void garbledBodiesAreMalformed() throws Exception {
    String file = resource("cosign-n65536.key");
    JsonObject doc = bodyJson(file);
    List<UnaryOperator<String>> garbles =
        List.of(
            b -> b.substring(0, b.length() - 2),
            b -> b.replace("\"scrypt\"", "\"argon2\""),
            b -> b.replace("nacl/secretbox", "aes-gcm"),
            b -> b.replace(str(doc, "kdf", "salt"), "c2hvcnQ="),
            b -> b.replace(str(doc, "cipher", "nonce"), "AAAA"),
            b -> b.replace(str(doc, "ciphertext"), "AAAA"),
            b -> b.replace(str(doc, "ciphertext"), "!!notbase64!!"),
            b -> b.replace("\"ciphertext\"", "\"ciphertext\":\"\",\"ciphertext\""),
            b -> "[]",
            b -> b.replace("\"N\":65536", "\"N\":\"65536\""));
    for (UnaryOperator<String> g : garbles) {
      String hostile = rewrite(file, g);
      KeyException e = catchKey(() -> CosignKeyFile.decrypt(hostile, HELLO, "garbled.key", null));
      assertThat(e.reason())
          .as(e.getMessage())
          .isIn(KeyException.Reason.MALFORMED, KeyException.Reason.NOT_ALLOWED);
      assertThat(e.getMessage()).startsWith("garbled.key: ").doesNotContain("\n");
    }
  }

  @Test
  void aBoxThatDecryptsToSomethingOtherThanPkcs8IsMalformed() throws Exception {
    String file =
        CosignKeyFile.encryptPkcs8(
            "not a key".getBytes(StandardCharsets.UTF_8),
            "hello".getBytes(StandardCharsets.UTF_8),
            32768,
            RANDOM);
    refused(
        () -> CosignKeyFile.decrypt(file, HELLO, "junk.key", null),
        KeyException.Reason.MALFORMED,
        "not a PKCS#8 private key");
  }

  @Test
  void weakOrUnsupportedKeysInsideAreRefused() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    byte[] weak = rsa.generateKeyPair().getPrivate().getEncoded();
    String weakFile =
        CosignKeyFile.encryptPkcs8(weak, "hello".getBytes(StandardCharsets.UTF_8), 32768, RANDOM);
    refused(
        () -> CosignKeyFile.decrypt(weakFile, HELLO, "weak.key", null),
        KeyException.Reason.NOT_ALLOWED,
        "1024 bits");

    // The JDK no longer generates secp256k1 keys; the PKCS#8 structure is all that matters here.
    byte[] koblitz =
        new org.bouncycastle.asn1.pkcs.PrivateKeyInfo(
                new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                    org.bouncycastle.asn1.x9.X9ObjectIdentifiers.id_ecPublicKey,
                    org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp256k1),
                new org.bouncycastle.asn1.sec.ECPrivateKey(
                    256, java.math.BigInteger.valueOf(12345)))
            .getEncoded();
    String k1File =
        CosignKeyFile.encryptPkcs8(
            koblitz, "hello".getBytes(StandardCharsets.UTF_8), 32768, RANDOM);
    refused(
        () -> CosignKeyFile.decrypt(k1File, HELLO, "k1.key", null),
        KeyException.Reason.NOT_ALLOWED,
        "curve");
  }

  // ---- helpers ----

  static Algorithm rsaAlg(Algorithm a) {
    return a.keyType() == Algorithm.KeyType.RSA ? a : null;
  }

  static String pkcs8Pem(Algorithm a) throws Exception {
    KeyPairGenerator g;
    switch (a) {
      case EdDSA -> g = KeyPairGenerator.getInstance("Ed25519");
      case PS256, PS512 -> {
        g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
      }
      default -> {
        g = KeyPairGenerator.getInstance("EC");
        g.initialize(
            new ECGenParameterSpec(
                a == Algorithm.ES256
                    ? "secp256r1"
                    : a == Algorithm.ES384 ? "secp384r1" : "secp521r1"));
      }
    }
    return Pem.encode("PRIVATE KEY", g.generateKeyPair().getPrivate().getEncoded());
  }

  static String body(String pemText) throws Exception {
    return new String(Pem.decode(pemText, "t").getFirst().der(), StandardCharsets.UTF_8);
  }

  static JsonObject bodyJson(String pemText) throws Exception {
    return (JsonObject) JsonReader.withDefaultLimits().parse(body(pemText), "t");
  }

  static String str(JsonObject o, String... path) {
    Object v = o;
    for (String p : path) {
      v = ((JsonObject) v).get(p);
    }
    return ((dev.signet.json.JsonString) v).value();
  }

  /** The same PEM with its JSON body rewritten. */
  static String rewrite(String pemText, UnaryOperator<String> change) throws Exception {
    Pem.Block b = Pem.decode(pemText, "t").getFirst();
    return Pem.encode(b.label(), change.apply(body(pemText)).getBytes(StandardCharsets.UTF_8));
  }

  static KeyException catchKey(ThrowingCallable call) {
    try {
      call.call();
    } catch (KeyException e) {
      return e;
    } catch (Throwable t) {
      throw new AssertionError("expected a KeyException, got " + t, t);
    }
    throw new AssertionError("expected a KeyException, got none");
  }

  static KeyException refused(
      ThrowingCallable call, KeyException.Reason reason, String... contains) {
    KeyException e = catchKey(call);
    assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
    assertThat(e.getMessage()).doesNotContain("\n");
    if (contains.length > 0) {
      assertThat(e.getMessage()).contains(contains);
    }
    return e;
  }
}
