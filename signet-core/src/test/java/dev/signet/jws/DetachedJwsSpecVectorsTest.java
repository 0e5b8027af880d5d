package dev.signet.jws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.keys.KeySet;
import dev.signet.keys.Signer;
import dev.signet.keys.VerificationKeys;
import dev.signet.testing.Vectors;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DetachedJwsSpecVectorsTest {
  static final String PAYLOAD =
      "{\"alg\":\"EdDSA\",\"values\":{\"command\":\"llamas\",\"env\":{\"CONTEXT\":\"cats\",\"DEPLOY\":\"0\"},\"matrix\":null,\"plugins\":[{\"github.com/buildkite-plugins/some-plugin-buildkite-plugin#v1.0.0\":null},{\"github.com/buildkite-plugins/another-plugin-buildkite-plugin#v3.4.5\":{\"llama\":\"Kuzco\"}}],\"repository_url\":\"fake-repo\"}}";
  static final String PINNED =
      "eyJhbGciOiJFZERTQSIsImtpZCI6IlRFU1RfRE9fTk9UX1VTRSJ9..VvC3kr18HKN8me3NvSJcG6m-Kco54n-088kq8bqF5eNIZVqbtuMhIzw_pp8UltASUvUcEypPnZJ3eYjzOeIVDQ";

  @Test
  void edDsaSignatureIsByteIdenticalToBuildkite() throws Exception {
    Signer signer =
        KeySet.parse(Vectors.buildkiteJwks("EdDSA/TEST_DO_NOT_USE-private"), "private.json")
            .signer(null);
    assertThat(DetachedJws.sign(signer, PAYLOAD.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(PINNED);
  }

  @Test
  void verifiesBuildkiteSignatureAndRejectsChangedPayload() throws Exception {
    VerificationKeys keys =
        KeySet.parse(Vectors.buildkiteJwks("EdDSA/TEST_DO_NOT_USE-public"), "public.json")
            .verificationKeys();
    VerifiedJws v = DetachedJws.verify(PINNED, PAYLOAD.getBytes(StandardCharsets.UTF_8), keys);
    assertThat(v.keyId()).isEqualTo("TEST_DO_NOT_USE");
    byte[] changed = PAYLOAD.replace("llamas", "llamaz").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> DetachedJws.verify(PINNED, changed, keys))
        .isInstanceOf(SignatureVerificationException.class)
        .extracting(e -> ((SignatureVerificationException) e).reason())
        .isEqualTo(SignatureVerificationException.Reason.BAD_SIGNATURE);
  }
}
