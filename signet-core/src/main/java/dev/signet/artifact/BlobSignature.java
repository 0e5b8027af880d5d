package dev.signet.artifact;

import dev.signet.keys.Algorithm;
import dev.signet.keys.VerifyingKey;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/**
 * A signature over an artifact, in the forms cosign writes: the bare signature ({@link #base64()},
 * what {@code cosign sign-blob --output-signature} writes) and a Sigstore bundle ({@link
 * #toBundle()}).
 *
 * @see ArtifactSigner
 */
public final class BlobSignature {
  private final VerifyingKey key;
  private final @Nullable Digest digest;
  private final byte[] signature;

  BlobSignature(VerifyingKey key, @Nullable Digest digest, byte[] signature) {
    this.key = key;
    this.digest = digest;
    this.signature = signature.clone();
  }

  public Algorithm algorithm() {
    return key.algorithm();
  }

  /** The public half of the signing key. */
  public VerifyingKey key() {
    return key;
  }

  /** The signed digest; null for EdDSA, which signs the artifact itself. */
  public @Nullable Digest digest() {
    return digest;
  }

  /** The signature in its native encoding: DER for ECDSA, raw for Ed25519 and RSA-PSS. */
  public byte[] signature() {
    return signature.clone();
  }

  /** Standard base64 with padding and no newline, byte for byte what cosign writes. */
  public String base64() {
    return Base64.getEncoder().encodeToString(signature);
  }

  /**
   * The Sigstore bundle v0.3 with a {@code messageSignature} and this key's hint.
   *
   * @throws ArtifactException {@link ArtifactException.Reason#UNSUPPORTED} for EdDSA: a pure
   *     Ed25519 message signature has no digest to record, and verifiers handle such bundles
   *     inconsistently (sigstore-js cannot verify them at all)
   */
  public SigstoreBundle.MessageSignature toBundle() throws ArtifactException {
    if (digest == null) {
      throw new ArtifactException(
          ArtifactException.Reason.UNSUPPORTED,
          key.source()
              + ": an Ed25519 key makes a detached signature only; a Sigstore bundle needs a"
              + " key that signs digests (ECDSA or RSA-PSS)");
    }
    return new SigstoreBundle.MessageSignature(
        SigstoreBundle.MEDIA_TYPE_V03, key.sigstoreHint(), digest, signature, 0);
  }
}
