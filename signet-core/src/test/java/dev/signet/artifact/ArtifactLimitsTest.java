package dev.signet.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The artifact and image limits of {@link InputLimits}, each at the limit (accepted) and one byte
 * past it (refused with a one-line error naming the input). The bundle limit is in {@link
 * BundleBadInputTest}.
 */
class ArtifactLimitsTest {
  private static final String DIGEST = "sha256:" + "ab".repeat(32);

  /** {@code json} padded with spaces before its closing brace to exactly {@code size} bytes. */
  private static byte[] padded(String json, int size) {
    int pad = size - json.getBytes(StandardCharsets.UTF_8).length;
    assertThat(pad).isNotNegative();
    return (json.substring(0, json.length() - 1) + " ".repeat(pad) + "}")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void imagePayload() throws Exception {
    String payload =
        new String(
            SimpleSigning.payload(
                ImageReference.parse("ghcr.io/acme/app", "r"), Digest.parse(DIGEST, "d"), Map.of()),
            StandardCharsets.UTF_8);
    int max = InputLimits.MAX_IMAGE_PAYLOAD_BYTES;
    assertThat(SimpleSigning.parse(padded(payload, max), "payload").dockerReference())
        .isEqualTo("ghcr.io/acme/app");
    assertThatThrownBy(() -> SimpleSigning.parse(padded(payload, max + 1), "payload"))
        .isInstanceOf(InputException.class)
        .hasMessage("payload: the payload is larger than 64 KiB");
  }

  @Test
  void ociManifest() throws Exception {
    byte[] p = "x".getBytes(StandardCharsets.UTF_8);
    String manifest =
        new String(
            SignatureImage.build(java.util.List.of(), SignatureImage.Layer.signature(p, "c2ln"))
                .manifest()
                .content(),
            StandardCharsets.UTF_8);
    int max = InputLimits.MAX_OCI_MANIFEST_BYTES;
    assertThat(SignatureImage.parseManifest(padded(manifest, max), "m")).hasSize(1);
    assertThatThrownBy(() -> SignatureImage.parseManifest(padded(manifest, max + 1), "m"))
        .isInstanceOf(InputException.class)
        .hasMessage("m: the manifest is larger than 4 MiB");
  }

  @Test
  void nativeSignatureInABundle() throws Exception {
    String template = "{\"base64Signature\":\"%s\"}";
    byte[] at = new byte[InputLimits.MAX_NATIVE_SIGNATURE_BYTES];
    byte[] past = new byte[InputLimits.MAX_NATIVE_SIGNATURE_BYTES + 1];
    at[0] = past[0] = 1;
    var b64 = java.util.Base64.getEncoder();
    assertThat(
            SigstoreBundle.parse(
                template.formatted(b64.encodeToString(at)).getBytes(StandardCharsets.UTF_8), "b"))
        .isInstanceOf(SigstoreBundle.LegacyCosign.class);
    assertThatThrownBy(() ->
            SigstoreBundle.parse(
                template.formatted(b64.encodeToString(past)).getBytes(StandardCharsets.UTF_8), "b"))
        .isInstanceOf(InputException.class)
        .hasMessage("b: base64Signature: is too long");
  }
}
