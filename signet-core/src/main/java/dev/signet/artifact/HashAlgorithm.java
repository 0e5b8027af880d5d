package dev.signet.artifact;

import dev.signet.keys.Algorithm;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The artifact digests Sigstore bundles record ({@code HashAlgorithm} in sigstore_common.proto),
 * with the spellings each format uses: {@code SHA2_256} in bundles, {@code sha256:} in OCI digests
 * and {@code --digest} values, {@code SHA-256} for the JDK.
 */
public enum HashAlgorithm {
  SHA2_256("sha256", "SHA-256", 32),
  SHA2_384("sha384", "SHA-384", 48),
  SHA2_512("sha512", "SHA-512", 64);

  private final String prefix;
  private final String jcaName;
  private final int length;

  HashAlgorithm(String prefix, String jcaName, int length) {
    this.prefix = prefix;
    this.jcaName = jcaName;
    this.length = length;
  }

  /** The OCI digest prefix: {@code sha256}. */
  public String prefix() {
    return prefix;
  }

  /** The digest length in bytes. */
  public int length() {
    return length;
  }

  public String jcaName() {
    return jcaName;
  }

  public MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance(jcaName);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has " + jcaName, e);
    }
  }

  /**
   * The hash a signature algorithm signs, as cosign pairs them: SHA-256 for ES256 and PS256,
   * SHA-384 for ES384, SHA-512 for ES512 and PS512; empty for EdDSA, which signs whole messages.
   */
  public static Optional<HashAlgorithm> of(Algorithm alg) {
    if (!alg.prehashable() || alg.isSymmetric()) {
      return Optional.empty();
    }
    return switch (alg.digest()) {
      case "SHA-256" -> Optional.of(SHA2_256);
      case "SHA-384" -> Optional.of(SHA2_384);
      default -> Optional.of(SHA2_512);
    };
  }

  /** By bundle name ({@code SHA2_256}). */
  public static Optional<HashAlgorithm> fromSigstoreName(String name) {
    for (HashAlgorithm h : values()) {
      if (h.name().equals(name)) {
        return Optional.of(h);
      }
    }
    return Optional.empty();
  }

  /** By OCI prefix ({@code sha256}). */
  public static Optional<HashAlgorithm> fromPrefix(String prefix) {
    for (HashAlgorithm h : values()) {
      if (h.prefix.equals(prefix)) {
        return Optional.of(h);
      }
    }
    return Optional.empty();
  }
}
