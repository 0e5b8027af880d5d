package dev.signet.artifact;

import dev.signet.input.InputException;
import dev.signet.keys.VerifyingKey;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Checks an artifact against a bundle or a bare signature with keys given out of band, as {@code
 * cosign verify-blob --key … --insecure-ignore-tlog} does offline.
 *
 * <h3>Security guarantees</h3>
 *
 * Returns only when a trusted key's signature over the artifact verifies; otherwise throws. For a
 * Sigstore bundle, in order: the recorded digest must be the artifact's (the hash is computed here,
 * never taken from the bundle), the public-key hint (when present) must be a trusted key's, and the
 * signature must verify over the artifact's digest with that key. The hint only selects; it is
 * never trusted. Transparency-log entries and timestamps are not checked (there is no log offline),
 * so a bundle proves who signed, not when.
 */
public final class ArtifactVerifier {
  private ArtifactVerifier() {}

  /** The artifact verified: the key that signed it and the digest checked (null for Ed25519). */
  public record Verified(VerifyingKey key, @Nullable Digest digest) {}

  /** Verifies {@code bundle} (read from {@code bundleSource}) for {@code artifact}. */
  public static Verified verify(
      SigstoreBundle bundle, String bundleSource, Artifact artifact, List<VerifyingKey> keys)
      throws ArtifactException, InputException {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("no trusted keys");
    }
    return switch (bundle) {
      case SigstoreBundle.MessageSignature m -> messageSignature(m, bundleSource, artifact, keys);
      case SigstoreBundle.LegacyCosign l -> {
        List<VerifyingKey> candidates = keys;
        if (l.claimedKey() != null) {
          candidates = new ArrayList<>();
          for (VerifyingKey k : keys) {
            if (java.security.MessageDigest.isEqual(k.spki(), l.claimedKey())) {
              candidates.add(k);
            }
          }
          if (candidates.isEmpty()) {
            throw new ArtifactException(
                ArtifactException.Reason.KEY_MISMATCH,
                bundleSource
                    + ": signed by another key: the key in its \"cert\" is not the key in "
                    + sources(keys));
          }
        }
        yield signature(l.signature(), bundleSource, artifact, candidates);
      }
    };
  }

  /**
   * Verifies a bare signature (native encoding) from {@code signatureSource}: any of {@code keys}
   * may have made it.
   */
  public static Verified signature(
      byte[] signature, String signatureSource, Artifact artifact, List<VerifyingKey> keys)
      throws ArtifactException, InputException {
    for (VerifyingKey key : keys) {
      var hash = HashAlgorithm.of(key.algorithm());
      if (hash.isEmpty()) {
        if (key.verifyMessage(artifact.bytes(), signature)) {
          return new Verified(key, null);
        }
      } else {
        Digest d = artifact.digest(hash.get());
        if (key.verifyDigest(d.value(), signature)) {
          return new Verified(key, d);
        }
      }
    }
    throw badSignature(signatureSource, artifact, keys);
  }

  private static Verified messageSignature(
      SigstoreBundle.MessageSignature m,
      String bundleSource,
      Artifact artifact,
      List<VerifyingKey> keys)
      throws ArtifactException, InputException {
    Digest recorded = m.messageDigest();
    Digest actual = artifact.digest(recorded.algorithm());
    if (!actual.equals(recorded)) {
      throw new ArtifactException(
          ArtifactException.Reason.DIGEST_MISMATCH,
          artifact.name()
              + ": its "
              + recorded.algorithm().prefix()
              + " digest differs from the one in "
              + bundleSource
              + " (the file was changed, or the bundle is for another file)");
    }
    List<VerifyingKey> candidates = new ArrayList<>();
    for (VerifyingKey k : keys) {
      if (m.hint() == null || k.sigstoreHint().equals(m.hint())) {
        candidates.add(k);
      }
    }
    if (candidates.isEmpty()) {
      throw new ArtifactException(
          ArtifactException.Reason.KEY_MISMATCH,
          bundleSource
              + ": signed by another key: its public-key hint matches no key in "
              + sources(keys));
    }
    for (VerifyingKey key : candidates) {
      var hash = HashAlgorithm.of(key.algorithm());
      if (hash.isEmpty()) {
        throw new ArtifactException(
            ArtifactException.Reason.UNSUPPORTED,
            bundleSource
                + ": "
                + key.source()
                + " is an Ed25519 key, which signs whole messages; a messageSignature bundle"
                + " records a digest");
      }
      if (hash.get() == recorded.algorithm() && key.verifyDigest(actual.value(), m.signature())) {
        return new Verified(key, actual);
      }
    }
    throw badSignature(bundleSource, artifact, candidates);
  }

  private static ArtifactException badSignature(
      String source, Artifact artifact, List<VerifyingKey> keys) {
    VerifyingKey first = keys.getFirst();
    return new ArtifactException(
        ArtifactException.Reason.BAD_SIGNATURE,
        source
            + ": the signature over "
            + artifact.name()
            + " does not verify with "
            + (keys.size() == 1
                ? "the " + first.algorithm() + " key in " + first.source()
                : "any of the " + keys.size() + " keys in " + sources(keys)));
  }

  private static String sources(List<VerifyingKey> keys) {
    return keys.stream()
        .map(VerifyingKey::source)
        .distinct()
        .reduce((a, b) -> a + ", " + b)
        .orElse("");
  }
}
