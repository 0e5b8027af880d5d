package dev.signet.keys;

import com.nimbusds.jose.jwk.Curve;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;

/**
 * Signing keys from standard private-key encodings: PKCS#8 DER, as in a {@code PRIVATE KEY} PEM
 * file and inside a decrypted cosign.key. Such keys have no key ID; their algorithm follows from
 * the key as for {@link VerifyingKey}: ES256/ES384/ES512 by curve, EdDSA, PS256 for RSA.
 *
 * <h3>Security guarantees</h3>
 *
 * The public half is derived from the private half (never read from the optional copy in the
 * encoding), and a pairwise-consistency signature is checked before the key is returned.
 */
public final class SigningKeys {
  private SigningKeys() {}

  /**
   * A signing key from PKCS#8 DER; {@code reference} names it in messages and is what {@link
   * SigningKey#reference()} returns.
   */
  public static SigningKey fromPkcs8(byte[] der, String reference) throws KeyException {
    String type = KeyEncodings.pkcs8KeyType(der, reference);
    PrivateKey key;
    try {
      key = Primitives.decodePkcs8(der, type);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new KeyException(
          KeyException.Reason.MALFORMED, reference + ": not a valid " + type + " private key");
    }
    try {
      return switch (key) {
        case ECPrivateKey ec -> {
          Curve curve = Curve.forECParameterSpec(ec.getParams());
          if (curve == null
              || !(curve.equals(Curve.P_256)
                  || curve.equals(Curve.P_384)
                  || curve.equals(Curve.P_521))) {
            throw new KeyException(
                KeyException.Reason.NOT_ALLOWED,
                reference + ": unsupported EC curve; use P-256, P-384 or P-521");
          }
          PublicKey pub = Primitives.ecPublicFromPrivate(ec, curve.getName());
          Algorithm alg = VerifyingKey.typeAlgorithm(pub, reference);
          yield KeySet.consistent(
              new KeySet.JcaSigner(alg, null, ec, pub, reference), pub, reference);
        }
        case RSAPrivateCrtKey rsa -> {
          PublicKey pub = Primitives.rsaPublicFromPrivate(rsa);
          Algorithm alg = VerifyingKey.typeAlgorithm(pub, reference);
          yield KeySet.consistent(
              new KeySet.JcaSigner(alg, null, rsa, pub, reference), pub, reference);
        }
        case EdECPrivateKey ed -> {
          if (!"Ed25519".equalsIgnoreCase(ed.getParams().getName())) {
            throw new KeyException(
                KeyException.Reason.NOT_ALLOWED,
                reference + ": unsupported Edwards curve " + ed.getParams().getName());
          }
          byte[] secret =
              ed.getBytes()
                  .orElseThrow(() ->
                      new KeyException(
                          KeyException.Reason.MALFORMED,
                          reference + ": the Ed25519 private key has no seed"));
          if (secret.length != Primitives.ED25519_KEY_BYTES) {
            throw new KeyException(
                KeyException.Reason.MALFORMED, reference + ": the Ed25519 seed is not 32 bytes");
          }
          byte[] raw = Primitives.ed25519PublicFromSecret(secret);
          yield new KeySet.Ed25519Signer(
              null, secret, raw, Primitives.ed25519PublicKey(raw), reference);
        }
        default ->
            throw new KeyException(
                KeyException.Reason.NOT_ALLOWED,
                reference + ": unsupported private key type " + key.getAlgorithm());
      };
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new KeyException(
          KeyException.Reason.MALFORMED, reference + ": invalid " + type + " private key");
    }
  }

  /** A {@code PRIVATE KEY} (unencrypted PKCS#8) PEM file. */
  public static SigningKey fromPem(String text, String reference) throws KeyException {
    Pem.Block block = Pem.read(text, reference);
    if (!block.label().equals("PRIVATE KEY")) {
      throw new KeyException(
          KeyException.Reason.MALFORMED,
          reference + ": expected a \"PRIVATE KEY\" PEM block, found \"" + block.label() + "\"");
    }
    return fromPkcs8(block.der(), reference);
  }
}
