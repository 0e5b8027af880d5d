package dev.signet.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.input.InputException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The simple-signing payload byte for byte as cosign makes it (spec §2.1), and references. */
class SimpleSigningTest {
  private static final String DIGEST = "sha256:" + "bdfd08".repeat(10) + "2d22";

  @Test
  void payloadIsGoJsonMarshalOfCosignsStruct() throws Exception {
    ImageReference ref = ImageReference.parse("127.0.0.1:5055/demo/app:v1", "--reference");
    byte[] p = SimpleSigning.payload(ref, Digest.parse(DIGEST, "d"), Map.of());
    assertThat(new String(p, StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"critical\":{\"identity\":{\"docker-reference\":\"127.0.0.1:5055/demo/app\"},"
                + "\"image\":{\"docker-manifest-digest\":\""
                + DIGEST
                + "\"},"
                + "\"type\":\"cosign container image signature\"},\"optional\":null}");
    byte[] annotated =
        SimpleSigning.payload(ref, Digest.parse(DIGEST, "d"), Map.of("z", "1", "a", "<b&>"));
    assertThat(new String(annotated, StandardCharsets.UTF_8))
        .endsWith(",\"optional\":{\"a\":\"\\u003cb\\u0026\\u003e\",\"z\":\"1\"}}");
    SimpleSigning.Claim c = SimpleSigning.parse(annotated, "payload");
    assertThat(c.dockerReference()).isEqualTo("127.0.0.1:5055/demo/app");
    assertThat(c.manifestDigest().toString()).isEqualTo(DIGEST);
    assertThat(c.optional()).containsEntry("a", "<b&>");
  }

  @Test
  void parseRefusesOtherTypesAndUnknownCriticalFields() {
    String base =
        "{\"critical\":{\"identity\":{\"docker-reference\":\"r\"},\"image\":{\"docker-manifest-digest\":\""
            + DIGEST
            + "\"},\"type\":\"%s\"%s},\"optional\":null}";
    assertThatThrownBy(() ->
            SimpleSigning.parse(
                base.formatted("atomic container signature", "").getBytes(StandardCharsets.UTF_8),
                "p"))
        .isInstanceOf(InputException.class)
        .hasMessage("p: critical.type: is not \"cosign container image signature\"");
    assertThatThrownBy(() ->
            SimpleSigning.parse(
                base.formatted(SimpleSigning.TYPE, ",\"x\":1").getBytes(StandardCharsets.UTF_8),
                "p"))
        .isInstanceOf(InputException.class)
        .hasMessage("p: critical.x: unknown field");
  }

  @ParameterizedTest
  @CsvSource({
    "nginx, index.docker.io/library/nginx, ",
    "nginx:1.27, index.docker.io/library/nginx, 1.27",
    "docker.io/acme/app:v2, index.docker.io/acme/app, v2",
    "ghcr.io/acme/widgets, ghcr.io/acme/widgets, ",
    "localhost/x, localhost/x, ",
    "127.0.0.1:5055/demo/app:latest, 127.0.0.1:5055/demo/app, latest"
  })
  void referencesNormaliseLikeGoContainerRegistry(String in, String name, String tag)
      throws Exception {
    ImageReference r = ImageReference.parse(in, "--reference");
    assertThat(r.name()).isEqualTo(name);
    assertThat(r.tag()).isEqualTo(tag);
  }

  @Test
  void badReferences() {
    assertThatThrownBy(() -> ImageReference.parse("Acme/App", "--reference"))
        .hasMessageContaining("lower-case");
    assertThatThrownBy(() -> ImageReference.parse("a/b@sha256:00", "--reference"))
        .hasMessageContaining("--digest");
    assertThatThrownBy(() -> ImageReference.parse("a/b:", "--reference"))
        .hasMessage("--reference: the tag is not valid");
    assertThat(ImageReference.signatureTag(Digest.of(HashAlgorithm.SHA2_256, new byte[32])))
        .isEqualTo("sha256-" + "0".repeat(64) + ".sig");
  }

  @Test
  void signatureManifestDeduplicatesAndRoundTrips() throws Exception {
    byte[] p = "payload".getBytes(StandardCharsets.UTF_8);
    var layer = SignatureImage.Layer.signature(p, "c2ln");
    var built = SignatureImage.build(java.util.List.of(), layer);
    var again =
        SignatureImage.build(SignatureImage.parseManifest(built.manifest().content(), "m"), layer);
    assertThat(again.manifest().digest()).isEqualTo(built.manifest().digest());
    var two = SignatureImage.build(again.layers(), SignatureImage.Layer.signature(p, "b3RoZXI="));
    assertThat(two.layers()).hasSize(2);
    assertThat(new String(built.manifest().content(), StandardCharsets.UTF_8))
        .contains("\"mediaType\":\"application/vnd.dev.cosign.simplesigning.v1+json\"")
        .contains("\"annotations\":{\"dev.cosignproject.cosign/signature\":\"c2ln\"}");
  }
}
