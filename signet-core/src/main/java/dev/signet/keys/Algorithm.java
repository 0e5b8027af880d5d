package dev.signet.keys;

import java.util.Optional;

/**
 * The closed set of JWS algorithms Signet knows (RFC 7518, RFC 8037). Anything else — {@code none},
 * {@code RS256}, unknown names — is refused wherever an algorithm is read.
 *
 * <p>Signing with a key file is allowed for EdDSA (default), ES256, ES512 and PS512. HS256/384/512
 * exist only so that verification sets used by Buildkite's own integration tests load; Signet never
 * signs with a shared secret.
 */
public enum Algorithm {
  EdDSA("EdDSA", KeyType.OKP, true),
  ES256("ES256", KeyType.EC, true),
  ES384("ES384", KeyType.EC, false),
  ES512("ES512", KeyType.EC, true),
  PS256("PS256", KeyType.RSA, false),
  PS512("PS512", KeyType.RSA, true),
  HS256("HS256", KeyType.OCT, false),
  HS384("HS384", KeyType.OCT, false),
  HS512("HS512", KeyType.OCT, false);

  /** JWK key types ({@code kty}). */
  public enum KeyType {
    OKP,
    EC,
    RSA,
    OCT
  }

  private final String jwa;
  private final KeyType keyType;
  private final boolean fileSigning;

  Algorithm(String jwa, KeyType keyType, boolean fileSigning) {
    this.jwa = jwa;
    this.keyType = keyType;
    this.fileSigning = fileSigning;
  }

  /** The JWA name, as in a JWS header's {@code alg}. */
  public String jwa() {
    return jwa;
  }

  public KeyType keyType() {
    return keyType;
  }

  /** Whether a key file may sign with this algorithm (spec §7.2, plus ES256). */
  public boolean allowedForFileSigning() {
    return fileSigning;
  }

  /**
   * The JCA name of the hash this algorithm signs: what {@link SigningKey#signDigest} expects and
   * what Sigstore bundles record. EdDSA hashes internally with SHA-512 but cannot take a
   * precomputed digest; see {@link #prehashable()}.
   */
  public String digest() {
    return switch (this) {
      case ES256, PS256, HS256 -> "SHA-256";
      case ES384, HS384 -> "SHA-384";
      case ES512, PS512, HS512, EdDSA -> "SHA-512";
    };
  }

  /** Whether a signature can be made over a precomputed {@link #digest()} (all but EdDSA). */
  public boolean prehashable() {
    return this != EdDSA;
  }

  public boolean isSymmetric() {
    return keyType == KeyType.OCT;
  }

  /** Looks up a JWA name exactly (case-sensitive, as JOSE is). */
  public static Optional<Algorithm> fromJwa(String name) {
    for (Algorithm a : values()) {
      if (a.jwa.equals(name)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return jwa;
  }
}
