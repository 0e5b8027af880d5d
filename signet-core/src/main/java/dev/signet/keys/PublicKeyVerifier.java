package dev.signet.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.jspecify.annotations.Nullable;

/**
 * Verifies signatures in their native encoding — what {@link SigningKey#signMessage} makes and
 * cosign, DSSE and Sigstore carry: 64 raw bytes for Ed25519, strict ASN.1 DER for ECDSA, the
 * RSA-PSS octet string for PS256/PS512 — with one public key and one algorithm.
 *
 * <p>Verification answers true or false and never throws: a malformed signature is simply not
 * valid. Thread-safe.
 */
public final class PublicKeyVerifier {
  private final Algorithm algorithm;
  private final PublicKey publicKey;
  private final Ed25519.@Nullable PublicPoint ed25519;

  private PublicKeyVerifier(
      Algorithm algorithm, PublicKey publicKey, Ed25519.@Nullable PublicPoint ed25519) {
    this.algorithm = algorithm;
    this.publicKey = publicKey;
    this.ed25519 = ed25519;
  }

  /**
   * A verifier for {@code key} with the algorithm that follows from it ({@link
   * PemKeys#algorithmFor}; {@code rsa} picks PS256 (null) or PS512 for RSA keys).
   */
  public static PublicKeyVerifier of(PublicKey key, @Nullable Algorithm rsa) throws KeyException {
    Algorithm alg = PemKeys.algorithmFor(key, rsa);
    if (alg == Algorithm.EdDSA) {
      Ed25519.PublicPoint point = Primitives.ed25519Point(LocalKey.rawEd25519(key));
      if (point == null) {
        throw new KeyException(KeyException.Reason.MALFORMED, "not a valid Ed25519 public key");
      }
      return new PublicKeyVerifier(alg, key, point);
    }
    return new PublicKeyVerifier(alg, key, null);
  }

  /**
   * A verifier for the key {@code kid} of a JWKS (or its only key), public or private, with the
   * algorithm its {@code alg} names.
   */
  public static PublicKeyVerifier fromJwks(KeySet set, @Nullable String kid) throws KeyException {
    JWK jwk = set.select(kid);
    String name = set.source() + ": " + KeySet.describeKey(jwk);
    Algorithm alg =
        jwk.getAlgorithm() == null
            ? null
            : Algorithm.fromJwa(jwk.getAlgorithm().getName()).orElse(null);
    if (alg == null || alg.isSymmetric()) {
      throw new KeyException(
          KeyException.Reason.NOT_ALLOWED,
          name + ": needs an \"alg\" of EdDSA, ES256, ES384, ES512, PS256 or PS512");
    }
    PublicKey key;
    try {
      key =
          switch (jwk) {
            case OctetKeyPair okp -> Primitives.ed25519PublicKey(okp.getDecodedX());
            case ECKey ec -> ec.toECPublicKey();
            case RSAKey rsa -> rsa.toRSAPublicKey();
            default -> throw new GeneralSecurityException("unsupported key type");
          };
    } catch (JOSEException | GeneralSecurityException e) {
      throw new KeyException(KeyException.Reason.MALFORMED, name + ": invalid public key");
    }
    PublicKeyVerifier v = of(key, alg.keyType() == Algorithm.KeyType.RSA ? alg : null);
    if (v.algorithm != alg) {
      throw new KeyException(
          KeyException.Reason.NOT_ALLOWED,
          name + ": \"alg\" " + alg + " does not fit the key (" + v.algorithm + ")");
    }
    return v;
  }

  public Algorithm algorithm() {
    return algorithm;
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  /** Whether {@code signature} (native encoding) is valid for {@code message}. */
  public boolean verify(byte[] message, byte[] signature) {
    if (ed25519 != null) {
      return Primitives.ed25519Verify(ed25519, message, signature);
    }
    byte[] jwsForm = signature;
    if (algorithm.keyType() == Algorithm.KeyType.EC) {
      try {
        // Strict DER: one signature, one encoding.
        jwsForm = EcdsaSignatures.derToP1363(signature, algorithm);
      } catch (KeyException e) {
        return false;
      }
    }
    return Primitives.jcaVerify(algorithm, publicKey, message, jwsForm);
  }

  @Override
  public String toString() {
    return "PublicKeyVerifier[" + algorithm + "]";
  }
}
