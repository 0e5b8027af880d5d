package dev.signet.keys;

import static dev.signet.keys.CosignKeyFileTest.pkcs8Pem;
import static dev.signet.keys.CosignKeyFileTest.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.testing.Interop;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PEM key files: the forms cosign import-key-pair accepts, public keys, and refusals. */
class PemKeysTest {
  private static final byte[] MESSAGE = "an artifact".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  /** OpenSSL writes the traditional forms (SEC1, PKCS#1) the JDK cannot. */
  private String openssl(String pkcs8Pem, String... args) throws Exception {
    Path in = Files.writeString(dir.resolve("in.pem"), pkcs8Pem);
    Path out = dir.resolve("out.pem");
    List<String> cmd = new java.util.ArrayList<>(List.of(args));
    cmd.addAll(List.of("-in", in.toString(), "-out", out.toString()));
    Interop.Result r = Interop.run(dir, cmd);
    assertThat(r.exit()).as(r.stderr()).isZero();
    return Files.readString(out);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ES256", "ES384", "ES512"})
  void sec1EcPrivateKeysImport(String alg) throws Exception {
    Algorithm a = Algorithm.valueOf(alg);
    String pkcs8 = pkcs8Pem(a);
    String sec1 = openssl(pkcs8, "openssl", "ec");
    assertThat(sec1).contains("-----BEGIN EC PRIVATE KEY-----");
    SigningKey fromSec1 = PemKeys.readPrivateKey(sec1, "ec.pem", null);
    SigningKey fromPkcs8 = PemKeys.readPrivateKey(pkcs8, "k.pem", null);
    assertThat(fromSec1.algorithm()).isEqualTo(a);
    assertThat(fromSec1.publicKey().getEncoded()).isEqualTo(fromPkcs8.publicKey().getEncoded());
    assertThat(jdkVerify(a, fromSec1, fromSec1.signMessage(MESSAGE))).isTrue();
  }

  @Test
  void aSec1PublicKeyBitStringWithUnusedBitsIsMalformed() {
    // Found by PemKeysFuzzTest: Bouncy Castle threw IllegalStateException from getOctets().
    byte[] der =
        Base64.getDecoder()
            .decode(
                "MHcCAQEEIGKUm5IHXVYhW0PIQSM+YyeghfrbsOddszBc3Q7HZeb8oAoGCCqGSM49AwEHoUQDQgEAAABMRKjScbBmp2HaeWYKIBJr1depOXzafzZeJOuL0Vh94LvisT8X1PfPXlpWhinohwnEZPpluYsN7zQIJklAZQ==");
    assertThatThrownBy(
            () -> PemKeys.readPrivateKey(Pem.encode("EC PRIVATE KEY", der), "k.pem", null))
        .isInstanceOf(KeyException.class)
        .hasMessageContaining("k.pem")
        .hasMessageContaining("malformed");
  }

  @Test
  void ecParametersBlockBeforeTheKeyIsSkipped() throws Exception {
    Path key = dir.resolve("ecparam.pem");
    Interop.Result r =
        Interop.run(
            dir,
            List.of(
                "openssl", "ecparam", "-name", "prime256v1", "-genkey", "-out", key.toString()));
    assertThat(r.exit()).as(r.stderr()).isZero();
    String text = Files.readString(key);
    assertThat(text).contains("EC PARAMETERS").contains("EC PRIVATE KEY");
    assertThat(PemKeys.readPrivateKey(text, "ecparam.pem", null).algorithm())
        .isEqualTo(Algorithm.ES256);
  }

  @Test
  void pkcs1RsaPrivateKeysImportAsPs256OrPs512() throws Exception {
    String pkcs8 = pkcs8Pem(Algorithm.PS256);
    String pkcs1 = openssl(pkcs8, "openssl", "rsa", "-traditional");
    assertThat(pkcs1).contains("-----BEGIN RSA PRIVATE KEY-----");
    SigningKey ps256 = PemKeys.readPrivateKey(pkcs1, "rsa.pem", null);
    assertThat(ps256.algorithm()).isEqualTo(Algorithm.PS256);
    assertThat(jdkVerify(Algorithm.PS256, ps256, ps256.signMessage(MESSAGE))).isTrue();
    SigningKey ps512 = PemKeys.readPrivateKey(pkcs1, "rsa.pem", Algorithm.PS512);
    assertThat(ps512.algorithm()).isEqualTo(Algorithm.PS512);
    assertThat(jdkVerify(Algorithm.PS512, ps512, ps512.signMessage(MESSAGE))).isTrue();
    refused(
        () -> PemKeys.readPrivateKey(pkcs1, "rsa.pem", Algorithm.ES256),
        KeyException.Reason.NOT_ALLOWED,
        "PS256 or PS512");
  }

  @Test
  void ed25519Pkcs8FromOpenSslImports() throws Exception {
    Path key = dir.resolve("ed.pem");
    Interop.Result r =
        Interop.run(
            dir, List.of("openssl", "genpkey", "-algorithm", "ed25519", "-out", key.toString()));
    assertThat(r.exit()).as(r.stderr()).isZero();
    SigningKey k = PemKeys.readPrivateKey(Files.readString(key), "ed.pem", null);
    assertThat(k.algorithm()).isEqualTo(Algorithm.EdDSA);
    assertThat(jdkVerify(Algorithm.EdDSA, k, k.signMessage(MESSAGE))).isTrue();
    // the public key openssl derives is ours
    Path pub = dir.resolve("ed.pub");
    Interop.run(
        dir, List.of("openssl", "pkey", "-in", key.toString(), "-pubout", "-out", pub.toString()));
    assertThat(PemKeys.readPublicKey(Files.readString(pub), "ed.pub").getEncoded())
        .isEqualTo(k.publicKey().getEncoded());
  }

  @Test
  void publicKeyPemRoundTripsAndHintIsSha256OfSpki() throws Exception {
    SigningKey k = PemKeys.readPrivateKey(pkcs8Pem(Algorithm.ES256), "k.pem", null);
    String pem = PemKeys.publicKeyPem(k.publicKey());
    assertThat(pem)
        .startsWith("-----BEGIN PUBLIC KEY-----\n")
        .endsWith("-----END PUBLIC KEY-----\n");
    assertThat(PemKeys.readPublicKey(pem, "cosign.pub")).isEqualTo(k.publicKey());
    assertThat(java.util.Base64.getDecoder().decode(PemKeys.sigstoreHint(k.publicKey())))
        .isEqualTo(
            java.security.MessageDigest.getInstance("SHA-256").digest(k.publicKey().getEncoded()));
  }

  @Test
  void refusals() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    var weak = rsa.generateKeyPair();
    refused(
        () ->
            PemKeys.readPrivateKey(
                Pem.encode("PRIVATE KEY", weak.getPrivate().getEncoded()), "weak.pem", null),
        KeyException.Reason.NOT_ALLOWED,
        "weak.pem",
        "too weak");
    refused(
        () ->
            PemKeys.readPublicKey(
                Pem.encode("PUBLIC KEY", weak.getPublic().getEncoded()), "weak.pub"),
        KeyException.Reason.NOT_ALLOWED,
        "weak.pub");
    String priv = pkcs8Pem(Algorithm.ES256);
    refused(
        () -> PemKeys.readPublicKey(priv, "k.pem"), KeyException.Reason.NOT_ALLOWED, "private key");
    refused(
        () -> PemKeys.readPrivateKey(priv.replace("PRIVATE KEY", "CERTIFICATE"), "c.pem", null),
        KeyException.Reason.MALFORMED,
        "c.pem",
        "CERTIFICATE");
    refused(
        () -> PemKeys.readPrivateKey(priv + priv, "two.pem", null),
        KeyException.Reason.MALFORMED,
        "found 2");
    refused(
        () -> PemKeys.readPrivateKey("junk\n" + priv, "junk.pem", null),
        KeyException.Reason.MALFORMED,
        "not a PEM file");
    refused(
        () -> PemKeys.readPrivateKey(priv.replace("-----END PRIVATE KEY-----", ""), "t.pem", null),
        KeyException.Reason.MALFORMED,
        "no END line");
    String lines = priv.lines().toList().get(1);
    refused(
        () -> PemKeys.readPrivateKey(priv.replace(lines, lines.substring(0, 10)), "cut.pem", null),
        KeyException.Reason.MALFORMED,
        "cut.pem");
    refused(
        () ->
            PemKeys.readPrivateKey(
                "-----BEGIN PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nAAAA\n-----END PRIVATE KEY-----\n",
                "legacy.pem",
                null),
        KeyException.Reason.MALFORMED,
        "encapsulated headers");
    refused(
        () ->
            PemKeys.readPrivateKey(CosignKeyFileTest.resource("cosign-n65536.key"), "c.key", null),
        KeyException.Reason.MALFORMED,
        "needs its password");
  }

  @Test
  void aSec1KeyWhoseEmbeddedPublicKeyDoesNotMatchIsRefused() throws Exception {
    String a = openssl(pkcs8Pem(Algorithm.ES256), "openssl", "ec");
    String b = openssl(pkcs8Pem(Algorithm.ES256), "openssl", "ec");
    var sa =
        org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(Pem.decode(a, "a").getFirst().der());
    var sb =
        org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(Pem.decode(b, "b").getFirst().der());
    var spliced =
        new org.bouncycastle.asn1.sec.ECPrivateKey(
            256, sa.getKey(), sb.getPublicKey(), sa.getParametersObject());
    refused(
        () ->
            PemKeys.readPrivateKey(
                Pem.encode("EC PRIVATE KEY", spliced.getEncoded()), "spliced.pem", null),
        KeyException.Reason.NOT_ALLOWED,
        "does not match");
  }

  private static boolean jdkVerify(Algorithm alg, SigningKey key, byte[] sig) throws Exception {
    return VerifyingKey.of(key.publicKey(), alg, null, "test").verifyMessage(MESSAGE, sig)
        && (alg.keyType() != Algorithm.KeyType.EC || jcaDer(alg, key, sig));
  }

  /** The JDK's own DER ECDSA verifier agrees (independent of our DER parsing). */
  private static boolean jcaDer(Algorithm alg, SigningKey key, byte[] sig) throws Exception {
    Signature s = Signature.getInstance(alg.digest().replace("-", "") + "withECDSA");
    s.initVerify(key.publicKey());
    s.update(MESSAGE);
    return s.verify(sig);
  }
}
