package dev.signet.keys;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A private key held in this process for a service that keeps keys in custody: generated as PKCS#8
 * DER (so the caller can seal the bytes and zero them), reopened from those bytes with the key ID
 * and algorithm the caller recorded, and wiped on {@link #close}.
 *
 * <p>Unlike key files, every signing algorithm of the pipeline issue is allowed here (EdDSA, ES256,
 * ES384, ES512, PS256, PS512): the service chooses the algorithm, not a file a user brought.
 *
 * <p>What {@link #close} can and cannot wipe: the Ed25519 seed is a byte array and is zeroed; the
 * JDK's EC and RSA private keys keep their numbers in immutable {@code BigInteger}s that no API can
 * clear, so for those close drops the reference and refuses further use — the bytes go with the
 * garbage collector. The PKCS#8 input is the caller's to zero.
 */
public final class SoftwareKey implements SigningKey, AutoCloseable {
  private volatile @Nullable LocalKey key;
  private final Algorithm algorithm;
  private final String keyId;
  private final PublicKey publicKey;
  private final String reference;

  private SoftwareKey(LocalKey key, String keyId, String reference) {
    this.key = key;
    this.algorithm = key.algorithm();
    this.keyId = keyId;
    this.publicKey = key.publicKey();
    this.reference = reference;
  }

  /** A new private key for {@code alg} as PKCS#8 DER: secret, zero it when sealed. */
  public static byte[] generatePkcs8(Algorithm alg, SecureRandom random) throws KeyException {
    try {
      return switch (alg) {
        case EdDSA -> {
          byte[] seed = Primitives.ed25519NewSecret(random);
          LocalKey k = null;
          try {
            k = LocalKey.fromEd25519(seed, Primitives.ed25519PublicFromSecret(seed), "new key");
            yield k.pkcs8();
          } finally {
            Arrays.fill(seed, (byte) 0);
            if (k != null) {
              wipe(k);
            }
          }
        }
        case ES256, ES384, ES512 -> {
          KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
          g.initialize(
              new ECGenParameterSpec(
                  switch (alg) {
                    case ES256 -> "secp256r1";
                    case ES384 -> "secp384r1";
                    default -> "secp521r1";
                  }),
              random);
          yield g.generateKeyPair().getPrivate().getEncoded();
        }
        case PS256, PS512 -> {
          KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
          g.initialize(
              new RSAKeyGenParameterSpec(KeyGenerator.RSA_BITS, RSAKeyGenParameterSpec.F4), random);
          KeyPair kp = g.generateKeyPair();
          yield kp.getPrivate().getEncoded();
        }
        default ->
            throw new KeyException(
                KeyException.Reason.NOT_ALLOWED,
                "cannot generate "
                    + alg
                    + " keys; choose EdDSA, ES256, ES384, ES512, PS256 or PS512");
      };
    } catch (GeneralSecurityException e) {
      throw new KeyException(
          KeyException.Reason.SIGNING_FAILED,
          "key generation failed: " + e.getClass().getSimpleName());
    }
  }

  /**
   * Opens PKCS#8 DER made by {@link #generatePkcs8}, insisting on {@code alg} (a P-384 key is not
   * an ES256 key; an RSA key signs with the PS* the caller recorded). Checks the pair as every key
   * opening does.
   *
   * @param reference where the key lives, safe to print (it names the key, never holds it)
   */
  public static SoftwareKey fromPkcs8(byte[] pkcs8, Algorithm alg, String keyId, String reference)
      throws KeyException {
    LocalKey k =
        LocalKey.fromPkcs8(pkcs8, reference, alg.keyType() == Algorithm.KeyType.RSA ? alg : null);
    if (k.algorithm() != alg) {
      wipe(k);
      throw new KeyException(
          KeyException.Reason.NOT_ALLOWED,
          reference + ": the key is a " + k.algorithm() + " key, not " + alg);
    }
    return new SoftwareKey(
        new LocalKey(alg, keyId, k.jcaKey(), k.ed25519Seed(), k.publicKey(), reference),
        keyId,
        reference);
  }

  private LocalKey open() throws KeyException {
    LocalKey k = key;
    if (k == null) {
      throw new KeyException(
          KeyException.Reason.UNAVAILABLE, reference + ": the key has been closed");
    }
    return k;
  }

  @Override
  public Algorithm algorithm() {
    return algorithm;
  }

  @Override
  public String keyId() {
    return keyId;
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
    return open().signMessage(message);
  }

  @Override
  public byte[] signDigest(byte[] digest) throws KeyException {
    return open().signDigest(digest);
  }

  /**
   * Zeroes the Ed25519 seed and drops the key; signing afterwards is refused. A signature already
   * in progress on another thread may still complete (it holds the key it started with), or — for
   * Ed25519 — produce a signature over a zeroed seed that no verifier accepts.
   */
  @Override
  public void close() {
    LocalKey k = key;
    key = null;
    if (k != null) {
      wipe(k);
    }
  }

  private static void wipe(LocalKey k) {
    byte[] seed = k.ed25519Seed();
    if (seed != null) {
      Arrays.fill(seed, (byte) 0);
    }
  }

  @Override
  public String toString() {
    return "SoftwareKey[" + algorithm + ", " + reference + "]"; // never the key
  }
}
