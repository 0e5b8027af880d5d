package dev.signet.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.input.InputException;
import dev.signet.keys.PemKeys;
import dev.signet.keys.SigningKey;
import dev.signet.keys.VerifyingKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bundles are untrusted input: every malformed one is a one-line InputException naming field. */
class BundleBadInputTest {
  private static SigningKey key;
  private static String good;

  @BeforeAll
  static void sign() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    key =
        PemKeys.readPrivateKey(
            pem("PRIVATE KEY", g.generateKeyPair().getPrivate().getEncoded()), "k.pem", null);
    good =
        ArtifactSigner.signMessage(key, "hello".getBytes(StandardCharsets.UTF_8))
            .toBundle()
            .toJson();
  }

  private static String error(String bundle) {
    try {
      SigstoreBundle.parse(bundle.getBytes(StandardCharsets.UTF_8), "art.sigstore.json");
    } catch (InputException e) {
      assertThat(e.getMessage()).doesNotContain("\n").startsWith("art.sigstore.json: ");
      return e.getMessage();
    }
    throw new AssertionError("accepted: " + bundle);
  }

  @Test
  void theGoodBundleHasTheSigstoreShape() throws Exception {
    assertThat(good)
        .startsWith(
            "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\","
                + "\"verificationMaterial\":{\"publicKey\":{\"hint\":\""
                + VerifyingKey.of(key).sigstoreHint()
                + "\"}},"
                + "\"messageSignature\":{\"messageDigest\":{\"algorithm\":\"SHA2_256\",\"digest\":\"LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=\"},\"signature\":\"ME")
        .doesNotContain("tlogEntries");
  }

  @Test
  void truncatedGarbageAndOversized() {
    for (int cut : new int[] {1, 10, good.length() / 2, good.length() - 1}) {
      assertThat(error(good.substring(0, cut))).contains("art.sigstore.json: ");
    }
    assertThat(error("")).isEqualTo("art.sigstore.json: empty document, expected JSON");
    assertThat(error("\u0000\u0001garbage")).startsWith("art.sigstore.json: line 1");
    assertThat(error("[1,2]")).isEqualTo("art.sigstore.json: a bundle is a JSON object");
    assertThat(error("{}")).contains("neither a Sigstore bundle");
    String huge =
        good.replace(
            "\"mediaType\"",
            "\"x\":\"" + "a".repeat(SigstoreBundle.MAX_BYTES) + "\",\"mediaType\"");
    assertThat(error(huge))
        .isEqualTo(
            "art.sigstore.json: larger than the bundle limit of "
                + (SigstoreBundle.MAX_BYTES >> 10)
                + " KiB");
    byte[] latin1 =
        good.replace("SHA2_256", "SHA2_256\u00e9").getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> SigstoreBundle.parse(latin1, "b"))
        .hasMessageContaining("invalid UTF-8");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "application/vnd.dev.sigstore.bundle.v0.3+json|application/vnd.dev.sigstore.bundle.v0.4+json|mediaType: unsupported bundle media type \"application/vnd.dev.sigstore.bundle.v0.4+json\"",
        "application/vnd.dev.sigstore.bundle.v0.3+json|application/json|mediaType: unsupported bundle media type",
        "SHA2_256|SHA3_256|messageSignature.messageDigest.algorithm: unsupported digest algorithm \"SHA3_256\"",
        "SHA2_256|SHA2_512|messageSignature.messageDigest.digest: a SHA2_512 digest has 64 bytes, not 32",
        "\"hint\"|\"hunt\"|verificationMaterial.publicKey.hunt: unknown field",
        "\"messageDigest\"|\"messageDijest\"|messageSignature.messageDijest: unknown field",
        "{\"publicKey\"|{\"certificate\":{\"rawBytes\":\"AA==\"},\"publicKey\"|verificationMaterial: a certificate (keyless) bundle",
        "\"messageSignature\"|\"dsseEnvelope\"|dsseEnvelope: a DSSE bundle holds an attestation",
        "\"verificationMaterial\"|\"extra\":1,\"verificationMaterial\"|extra: unknown field",
        "=\"},\"signature\"|\"},\"signature\"|messageSignature.messageDigest.digest: is not canonical padded base64",
      })
  void malformedFieldsAreNamed(String from, String to, String expected) {
    String bad =
        good.replaceFirst(
            java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to));
    assertThat(bad).isNotEqualTo(good);
    assertThat(error(bad)).startsWith("art.sigstore.json: " + expected);
  }

  @Test
  void duplicateMembersAndWrongTypes() {
    assertThat(error(good.replace("{\"mediaType\"", "{\"mediaType\":\"x\",\"mediaType\"")))
        .contains("Duplicate");
    assertThat(error(good.replaceFirst("\"signature\":\"[^\"]*\"", "\"signature\":5")))
        .endsWith("messageSignature.signature: must be a string");
    assertThat(error(good.replaceFirst(",\"signature\":\"[^\"]*\"", "")))
        .endsWith("messageSignature.signature: is missing");
    assertThat(error(good.replaceFirst("\\{\"messageDigest\":\\{[^}]*\\},", "{")))
        .endsWith("messageSignature: has no messageDigest");
    assertThat(error(good.replaceFirst("\"signature\":\"[^\"]*\"", "\"signature\":\"\"")))
        .endsWith("messageSignature.signature: is empty");
  }

  @Test
  void otherMediaTypeSpellingsAndTlogEntriesAreRead() throws Exception {
    String cosignSpelling =
        good.replace(
                SigstoreBundle.MEDIA_TYPE_V03,
                "application/vnd.dev.sigstore.bundle+json;version=0.3")
            .replace("{\"publicKey\"", "{\"tlogEntries\":[{\"logIndex\":\"1\"}],\"publicKey\"");
    var b =
        (SigstoreBundle.MessageSignature)
            SigstoreBundle.parse(cosignSpelling.getBytes(StandardCharsets.UTF_8), "b");
    assertThat(b.tlogEntries()).isEqualTo(1);
  }

  @Test
  void legacyCosignBundles(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("a"), "hello");
    BlobSignature sig = ArtifactSigner.signMessage(key, "hello".getBytes(StandardCharsets.UTF_8));
    VerifyingKey pub = VerifyingKey.of(key);
    String certB64 =
        Base64.getEncoder().encodeToString(pub.toPem().getBytes(StandardCharsets.UTF_8));
    for (String legacy :
        List.of(
            "{\"base64Signature\":\"" + sig.base64() + "\"}",
            "{\"base64Signature\":\""
                + sig.base64()
                + "\",\"cert\":\""
                + certB64
                + "\",\"rekorBundle\":{\"SignedEntryTimestamp\":\"AA==\"}}",
            "{\"base64Signature\":\""
                + sig.base64()
                + "\",\"cert\":"
                + dev.signet.json.JsonWriter.quote(pub.toPem())
                + "}")) {
      SigstoreBundle b =
          SigstoreBundle.parse(legacy.getBytes(StandardCharsets.UTF_8), "legacy.bundle");
      assertThat(b).isInstanceOf(SigstoreBundle.LegacyCosign.class);
      assertThat(
              ArtifactVerifier.verify(b, "legacy.bundle", Artifact.file(file), List.of(pub)).key())
          .isEqualTo(pub);
    }
    // A cert naming another key is refused before the signature is even tried.
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    VerifyingKey other = VerifyingKey.of(g.generateKeyPair().getPublic(), null, "other.pub");
    String wrongCert =
        "{\"base64Signature\":\""
            + sig.base64()
            + "\",\"cert\":\""
            + Base64.getEncoder().encodeToString(other.toPem().getBytes(StandardCharsets.UTF_8))
            + "\"}";
    assertThatThrownBy(() ->
            ArtifactVerifier.verify(
                SigstoreBundle.parse(wrongCert.getBytes(StandardCharsets.UTF_8), "legacy.bundle"),
                "legacy.bundle",
                Artifact.file(file),
                List.of(pub)))
        .isInstanceOf(ArtifactException.class)
        .hasMessage(
            "legacy.bundle: signed by another key: the key in its \"cert\" is not the key in file:k.pem");
    assertThat(error("{\"base64Signature\":\"" + sig.base64() + "\",\"cert\":\"bm90IHBlbQ==\"}"))
        .isEqualTo("art.sigstore.json: cert: is not a PEM key or certificate");
    assertThat(error("{\"base64Signature\":\"" + sig.base64() + "\",\"rekorBundle\":[]}"))
        .endsWith("rekorBundle: must be an object");
  }

  @Test
  void digestAndHintMismatchesAreRefusals(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("a"), "hellO");
    SigstoreBundle b =
        SigstoreBundle.parse(good.getBytes(StandardCharsets.UTF_8), "a.sigstore.json");
    VerifyingKey pub = VerifyingKey.of(key);
    assertThatThrownBy(
            () -> ArtifactVerifier.verify(b, "a.sigstore.json", Artifact.file(file), List.of(pub)))
        .isInstanceOf(ArtifactException.class)
        .hasMessage(
            file
                + ": its sha256 digest differs from the one in a.sigstore.json (the file was changed, or the bundle is for another file)");
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
