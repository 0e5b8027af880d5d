package dev.signet.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.signet.SignetException;
import dev.signet.keys.KeyException;
import dev.signet.keys.SigningKey;
import dev.signet.keys.VerifyingKey;
import dev.signet.testing.FuzzChecks;
import dev.signet.testing.FuzzKeys;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fuzzes artifact bundles ({@code signet artifact verify --bundle}): Sigstore bundles v0.1–v0.3
 * with a {@code messageSignature} and legacy cosign bundles ({@code base64Signature}, {@code
 * cert}), read by {@link BundleReader} and checked by {@link ArtifactVerifier} against one fixed
 * artifact. The seeds are that artifact signed with the fixture keys of {@link FuzzKeys} (P-256 as
 * a Sigstore bundle, Ed25519 as a legacy bundle).
 *
 * <p>Properties: every refusal is an {@code InputException} or {@link ArtifactException} with a
 * one-line message; a Sigstore bundle that parses writes JSON that parses back equal; and the
 * verifier accepts only what the key signed: the recorded digest is the artifact's and the
 * signature verifies with the key it names.
 */
class BundleFuzzTest {
  static final byte[] ARTIFACT = "signet fuzz artifact\n".getBytes(StandardCharsets.UTF_8);

  private static final List<VerifyingKey> KEYS;

  static {
    try {
      SigningKey ed = FuzzKeys.ed25519();
      SigningKey p256 = FuzzKeys.p256();
      KEYS = List.of(VerifyingKey.of(p256), VerifyingKey.of(ed));
    } catch (KeyException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @FuzzTest(maxDuration = "2m")
  void verify(@NotNull String json) throws Exception {
    SigstoreBundle bundle;
    try {
      bundle = SigstoreBundle.parse(json.getBytes(StandardCharsets.UTF_8), "fuzz.bundle");
    } catch (SignetException e) {
      FuzzChecks.typed(e);
      return;
    }
    if (bundle instanceof SigstoreBundle.MessageSignature m) {
      assertThat(SigstoreBundle.parse(m.toJson().getBytes(StandardCharsets.UTF_8), "again"))
          .isEqualTo(m);
    }
    Artifact artifact = Artifact.inMemory("fuzz.txt", ARTIFACT);
    for (List<VerifyingKey> keys : List.of(KEYS, KEYS.subList(0, 1), KEYS.subList(1, 2))) {
      ArtifactVerifier.Verified verified;
      try {
        verified = ArtifactVerifier.verify(bundle, "fuzz.bundle", artifact, keys);
      } catch (SignetException e) {
        FuzzChecks.typed(e);
        continue;
      }
      VerifyingKey key = verified.key();
      assertThat(keys).contains(key);
      if (verified.digest() == null) {
        assertThat(key.verifyMessage(ARTIFACT, bundle.signature())).isTrue();
      } else {
        assertThat(verified.digest()).isEqualTo(artifact.digest(verified.digest().algorithm()));
        assertThat(key.verifyDigest(verified.digest().value(), bundle.signature())).isTrue();
      }
      if (bundle instanceof SigstoreBundle.MessageSignature m) {
        assertThat(m.messageDigest()).isEqualTo(verified.digest());
      }
    }
  }
}
