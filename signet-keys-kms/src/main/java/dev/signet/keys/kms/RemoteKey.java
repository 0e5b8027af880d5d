package dev.signet.keys.kms;

import dev.signet.keys.Algorithm;
import dev.signet.keys.EcdsaSignatures;
import dev.signet.keys.KeyException;
import dev.signet.keys.SigningKey;
import dev.signet.keys.VerificationKeys;
import dev.signet.keys.Verifier;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SigningKey} whose private half lives in a remote service. The service only ever sees a
 * digest (or, for Ed25519, which has no pre-hashed form verifiers accept, the message itself); the
 * public half was fetched once, when the key was opened.
 *
 * <h3>Security guarantees</h3>
 *
 * Nothing the service returns is passed on unchecked. Every signature must be well formed for the
 * algorithm (strict DER for ECDSA, the modulus length for RSA, 64 bytes for Ed25519), and every
 * signature over a message — which is what JWS signing uses — must verify under the public key
 * before it is returned. Opening a key signs and verifies a probe, so a service whose key does not
 * match the public key it reported is refused at once.
 */
final class RemoteKey implements SigningKey {

  /** The service's signing operation, with retries and error mapping already applied. */
  @FunctionalInterface
  interface Backend {
    /**
     * Signs {@code input}: a digest of {@link Algorithm#digest()} when {@code digest} is true, the
     * message itself (EdDSA only) when false. Returns the algorithm's native encoding.
     */
    byte[] sign(byte[] input, boolean digest) throws KeyException;
  }

  private final Algorithm algorithm;
  private final PublicKey publicKey;
  private final String reference;
  private final Backend backend;
  private final Verifier verifier;

  private RemoteKey(
      Algorithm algorithm,
      PublicKey publicKey,
      String reference,
      Backend backend,
      Verifier verifier) {
    this.algorithm = algorithm;
    this.publicKey = publicKey;
    this.reference = reference;
    this.backend = backend;
    this.verifier = verifier;
  }

  /**
   * Wraps a remote key and checks that the service signs what {@code publicKey} verifies.
   *
   * @throws KeyException NOT_ALLOWED when the public key does not fit {@code algorithm},
   *     SIGNING_FAILED when the probe signature is malformed or does not verify, or whatever the
   *     service's signing call throws
   */
  static SigningKey open(
      Algorithm algorithm, PublicKey publicKey, String reference, Backend backend)
      throws KeyException {
    Verifier verifier =
        VerificationKeys.of(publicKey, algorithm, reference).select(algorithm, null);
    RemoteKey key = new RemoteKey(algorithm, publicKey, reference, backend, verifier);
    key.signMessage(
        ("signet pairwise-consistency check for " + reference).getBytes(StandardCharsets.UTF_8));
    return key;
  }

  @Override
  public Algorithm algorithm() {
    return algorithm;
  }

  @Override
  public @Nullable String keyId() {
    return null;
  }

  @Override
  public PublicKey publicKey() {
    return publicKey;
  }

  @Override
  public String reference() {
    return reference;
  }

  @Override
  public byte[] signMessage(byte[] message) throws KeyException {
    byte[] signature =
        algorithm.prehashable()
            ? wellFormed(backend.sign(Jca.digest(algorithm, message), true))
            : wellFormed(backend.sign(message, false));
    byte[] jws =
        algorithm.keyType() == Algorithm.KeyType.EC
            ? EcdsaSignatures.derToP1363(signature, algorithm)
            : signature;
    if (!verifier.verify(message, jws)) {
      throw new KeyException(
          KeyException.Reason.SIGNING_FAILED,
          reference
              + ": the service returned a signature that does not verify with the key's public"
              + " key");
    }
    return signature;
  }

  @Override
  public byte[] signDigest(byte[] digest) throws KeyException {
    if (!algorithm.prehashable()) {
      throw new KeyException(
          KeyException.Reason.NOT_ALLOWED,
          reference
              + ": an Ed25519 key signs the whole message and cannot sign a precomputed digest");
    }
    int expected = Jca.digestBytes(algorithm);
    if (digest.length != expected) {
      throw new KeyException(
          KeyException.Reason.NOT_ALLOWED,
          reference
              + ": a "
              + algorithm
              + " key signs a "
              + expected
              + "-byte "
              + algorithm.digest()
              + " digest, not "
              + digest.length
              + " bytes");
    }
    return wellFormed(backend.sign(digest, true));
  }

  private byte[] wellFormed(byte[] signature) throws KeyException {
    switch (algorithm.keyType()) {
      case EC -> {
        try {
          EcdsaSignatures.derToP1363(signature, algorithm);
        } catch (KeyException e) {
          throw new KeyException(e.reason(), reference + ": " + e.getMessage());
        }
      }
      case RSA -> {
        int bytes = (((RSAPublicKey) publicKey).getModulus().bitLength() + 7) / 8;
        if (signature.length != bytes) {
          throw malformed(bytes + " bytes expected, " + signature.length + " received");
        }
      }
      case OKP -> {
        if (signature.length != 64) {
          throw malformed("64 bytes expected, " + signature.length + " received");
        }
      }
      case OCT -> throw new IllegalStateException("no remote HMAC keys");
    }
    return signature;
  }

  private KeyException malformed(String detail) {
    return new KeyException(
        KeyException.Reason.SIGNING_FAILED,
        reference
            + ": the service returned a malformed "
            + algorithm
            + " signature ("
            + detail
            + ")");
  }

  @Override
  public String toString() {
    return "RemoteKey[" + reference + ", " + algorithm + "]";
  }
}
