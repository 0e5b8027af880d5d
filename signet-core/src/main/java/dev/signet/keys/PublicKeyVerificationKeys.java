package dev.signet.keys;

import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Verification with one public key and no key IDs: how Buildkite's agent verifies when it is
 * configured with a KMS key (spec §5), whose signatures carry no {@code kid}. The key itself is the
 * authority, so a {@code kid} in the header is not consulted; the header's algorithm must still
 * equal the key's, which is what rules out algorithm confusion.
 */
final class PublicKeyVerificationKeys implements VerificationKeys {
  private final String source;
  private final Verifier verifier;

  private PublicKeyVerificationKeys(String source, Verifier verifier) {
    this.source = source;
    this.verifier = verifier;
  }

  static VerificationKeys create(PublicKey key, Algorithm alg, String source) throws KeyException {
    Verifier verifier =
        switch (alg.keyType()) {
          case OKP -> ed25519(key, source);
          case EC -> {
            if (!(key instanceof ECPublicKey ec) || !Primitives.isCurveOf(ec, alg)) {
              throw notAllowed(source, alg + " needs an EC public key on curve " + curve(alg));
            }
            yield new JcaVerifier(alg, key);
          }
          case RSA -> {
            if (!(key instanceof RSAPublicKey rsa)
                || rsa.getModulus().bitLength() < KeySet.MIN_RSA_BITS) {
              throw notAllowed(
                  source,
                  alg + " needs an RSA public key of at least " + KeySet.MIN_RSA_BITS + " bits");
            }
            yield new JcaVerifier(alg, key);
          }
          case OCT -> throw notAllowed(source, alg + " is an HMAC algorithm and has no public key");
        };
    return new PublicKeyVerificationKeys(source, verifier);
  }

  private static Verifier ed25519(PublicKey key, String source) throws KeyException {
    byte[] spki = key.getEncoded();
    byte[] prefix = Primitives.ed25519SpkiPrefix();
    if (spki == null
        || spki.length != prefix.length + Primitives.ED25519_PUBLIC_KEY_BYTES
        || !java.security.MessageDigest.isEqual(
            Arrays.copyOfRange(spki, 0, prefix.length), prefix)) {
      throw notAllowed(source, "EdDSA needs an Ed25519 public key");
    }
    var point = Primitives.ed25519Point(Arrays.copyOfRange(spki, prefix.length, spki.length));
    if (point == null) {
      throw new KeyException(
          KeyException.Reason.MALFORMED, source + ": not a valid Ed25519 public key");
    }
    return new Verifier() {
      @Override
      public Algorithm algorithm() {
        return Algorithm.EdDSA;
      }

      @Override
      public @Nullable String keyId() {
        return null;
      }

      @Override
      public boolean verify(byte[] signingInput, byte[] signature) {
        return Primitives.ed25519Verify(point, signingInput, signature);
      }
    };
  }

  private record JcaVerifier(Algorithm algorithm, PublicKey key) implements Verifier {
    @Override
    public @Nullable String keyId() {
      return null;
    }

    @Override
    public boolean verify(byte[] signingInput, byte[] signature) {
      return Primitives.jcaVerify(algorithm, key, signingInput, signature);
    }
  }

  @Override
  public Verifier select(Algorithm alg, @Nullable String kid) throws KeyException {
    if (alg != verifier.algorithm()) {
      throw notAllowed(
          source, "the key is a " + verifier.algorithm() + " key but the signature claims " + alg);
    }
    return verifier;
  }

  @Override
  public String source() {
    return source;
  }

  private static String curve(Algorithm alg) {
    return switch (alg) {
      case ES256 -> "P-256";
      case ES384 -> "P-384";
      default -> "P-521";
    };
  }

  private static KeyException notAllowed(String source, String message) {
    return new KeyException(KeyException.Reason.NOT_ALLOWED, source + ": " + message);
  }
}
