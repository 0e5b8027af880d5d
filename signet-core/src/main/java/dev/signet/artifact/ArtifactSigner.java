package dev.signet.artifact;

import dev.signet.keys.KeyException;
import dev.signet.keys.SigningKey;
import dev.signet.keys.VerifyingKey;

/**
 * Signs artifacts the way {@code cosign sign-blob} does with a key: the key's hash of the raw
 * artifact bytes is signed, and the signature is in the key's native encoding (ECDSA DER, RSA-PSS).
 * Only the digest reaches the key, so HSM and KMS keys sign gigabyte files after one local pass.
 * Ed25519 signs the artifact itself (cosign's pure Ed25519, used when nothing goes to a
 * transparency log).
 *
 * <p>Thread-safe, like the keys it uses.
 */
public final class ArtifactSigner {
  private ArtifactSigner() {}

  /**
   * Signs a digest made with the key's hash ({@link HashAlgorithm#of}).
   *
   * @throws ArtifactException {@link ArtifactException.Reason#UNSUPPORTED} when the key cannot sign
   *     digests (EdDSA) or hashes with another algorithm than {@code digest}'s
   */
  public static BlobSignature sign(SigningKey key, Digest digest)
      throws KeyException, ArtifactException {
    HashAlgorithm expected = requiredHash(key);
    if (digest.algorithm() != expected) {
      throw new ArtifactException(
          ArtifactException.Reason.UNSUPPORTED,
          key.reference()
              + " ("
              + key.algorithm()
              + ") signs "
              + expected.prefix()
              + " digests, not "
              + digest.algorithm().prefix());
    }
    return new BlobSignature(VerifyingKey.of(key), digest, key.signDigest(digest.value()));
  }

  /** Signs an artifact held in memory: its digest, or for EdDSA the bytes themselves. */
  public static BlobSignature signMessage(SigningKey key, byte[] message)
      throws KeyException, ArtifactException {
    var hash = HashAlgorithm.of(key.algorithm());
    if (hash.isEmpty()) {
      return new BlobSignature(VerifyingKey.of(key), null, key.signMessage(message));
    }
    return sign(key, Digest.of(hash.get(), message, 0, message.length));
  }

  /** The hash {@code key} signs, or UNSUPPORTED for keys that sign whole messages. */
  public static HashAlgorithm requiredHash(SigningKey key) throws ArtifactException {
    return HashAlgorithm.of(key.algorithm())
        .orElseThrow(() ->
            new ArtifactException(
                ArtifactException.Reason.UNSUPPORTED,
                key.reference()
                    + ": an Ed25519 key signs the whole artifact and cannot sign a digest; use an"
                    + " ECDSA or RSA key for digest-only signing"));
  }
}
