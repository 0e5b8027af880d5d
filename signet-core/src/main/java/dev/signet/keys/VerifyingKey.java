package dev.signet.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One public key and the one algorithm it verifies: the counterpart of {@link SigningKey}, for keys
 * that come without a JWKS around them (PEM and cosign.pub files, the public half of an HSM or KMS
 * key) and for checking native signatures (cosign blobs, Sigstore bundles).
 *
 * <p>A key from PEM gets its algorithm from its type: ES256, ES384 or ES512 by curve, EdDSA for
 * Ed25519, and PS256 for RSA (cosign hashes RSA with SHA-256).
 *
 * <h3>Security guarantees</h3>
 *
 * Built only by validating factories: the key's type and curve match the algorithm, RSA keys have
 * at least 2048 bits, and PEM input must be a canonical SubjectPublicKeyInfo, so the Sigstore hint
 * computed here is the one every other implementation computes. {@link #verifyDigest} and {@link
 * #verifyMessage} answer true only for a valid signature in the algorithm's native encoding, ECDSA
 * as strict DER.
 */
public final class VerifyingKey {
  private final Algorithm algorithm;
  private final @Nullable String keyId;
  private final PublicKey publicKey;
  private final String source;
  private final byte[] spki;

  private VerifyingKey(
      Algorithm algorithm, @Nullable String keyId, PublicKey publicKey, String source) {
    this.algorithm = algorithm;
    this.keyId = keyId;
    this.publicKey = publicKey;
    this.source = source;
    this.spki = publicKey.getEncoded();
  }

  /** A key with the algorithm its type implies (see the class comment). */
  public static VerifyingKey of(PublicKey key, @Nullable String keyId, String source)
      throws KeyException {
    return of(key, defaultAlgorithm(key, source), keyId, source);
  }

  /** A key for {@code algorithm}, which must suit it. */
  public static VerifyingKey of(
      PublicKey key, Algorithm algorithm, @Nullable String keyId, String source)
      throws KeyException {
    if (algorithm.isSymmetric()) {
      throw notAllowed(source, algorithm + " is a shared-secret algorithm, not a public key one");
    }
    if (!algorithm.equals(typeAlgorithm(key, source))
        && !(algorithm == Algorithm.PS512 && key instanceof RSAPublicKey)) {
      throw notAllowed(
          source, "a " + describe(key) + " key cannot verify " + algorithm + " signatures");
    }
    if (key.getEncoded() == null) {
      throw new KeyException(
          KeyException.Reason.MALFORMED, source + ": the public key has no X.509 encoding");
    }
    return new VerifyingKey(algorithm, keyId, key, source);
  }

  /** The public half of a signing key, with its algorithm and key ID. */
  public static VerifyingKey of(SigningKey key) throws KeyException {
    return of(key.publicKey(), key.algorithm(), key.keyId(), key.reference());
  }

  /** A DER SubjectPublicKeyInfo, as in a {@code PUBLIC KEY} PEM block or an X.509 certificate. */
  public static VerifyingKey fromSpki(byte[] der, String source) throws KeyException {
    PublicKey key = PemKeys.publicKeyFromSpki(der, source);
    // Compressed points, explicit curve parameters and other re-encodings would give this key a
    // different Sigstore hint here than everywhere else; a key has one encoding.
    if (!java.security.MessageDigest.isEqual(key.getEncoded(), der)) {
      throw new KeyException(
          KeyException.Reason.MALFORMED,
          source + ": the public key is not in canonical SubjectPublicKeyInfo form");
    }
    return of(key, null, source);
  }

  /** A {@code PUBLIC KEY} PEM file such as cosign.pub. */
  public static VerifyingKey fromPem(String text, String source) throws KeyException {
    Pem.Block block = Pem.single(text, source, "a PUBLIC KEY");
    if (!block.label().equals(PemKeys.PUBLIC_KEY)) {
      // PemKeys words the refusal (a private key, another label).
      PemKeys.readPublicKey(text, source);
    }
    return fromSpki(block.der(), source);
  }

  /**
   * The DER SubjectPublicKeyInfo in a PEM {@code PUBLIC KEY} or {@code CERTIFICATE} block, as a
   * legacy cosign bundle's {@code cert} holds it. Nothing about the certificate is checked: the
   * caller compares the key with one it trusts.
   */
  public static byte[] spkiOfPem(String text, String source) throws KeyException {
    Pem.Block block = Pem.single(text, source, "a PUBLIC KEY or CERTIFICATE");
    return switch (block.label()) {
      case PemKeys.PUBLIC_KEY -> block.der();
      case "CERTIFICATE" -> {
        try {
          yield org.bouncycastle.asn1.x509.Certificate.getInstance(block.der())
              .getSubjectPublicKeyInfo()
              .getEncoded("DER");
        } catch (java.io.IOException | RuntimeException e) {
          throw Pem.malformed(source, "not a DER X.509 certificate");
        }
      }
      default ->
          throw Pem.malformed(
              source, "holds a \"" + block.label() + "\" PEM block, not a key or certificate");
    };
  }

  public Algorithm algorithm() {
    return algorithm;
  }

  /** The JWKS key ID, or null (PEM, HSM and KMS keys have none). */
  public @Nullable String keyId() {
    return keyId;
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  /** Where the key came from, for messages. */
  public String source() {
    return source;
  }

  /** The DER SubjectPublicKeyInfo. */
  public byte[] spki() {
    return spki.clone();
  }

  /**
   * The Sigstore public-key hint: standard base64 of SHA-256 over the DER SubjectPublicKeyInfo, as
   * cosign and sigstore-go write it into {@code verificationMaterial.publicKey.hint}.
   */
  public String sigstoreHint() {
    return PemKeys.sigstoreHint(publicKey);
  }

  /** The RFC 7638 JWK thumbprint (SHA-256, base64url): the key ID of kid-less keys in JWKS. */
  public String thumbprint() {
    try {
      return toJwk(null).computeThumbprint().toString();
    } catch (JOSEException e) {
      throw new IllegalStateException("thumbprint of a validated key", e);
    }
  }

  /** The key as PEM {@code PUBLIC KEY} (cosign.pub, {@code openssl pkey -pubin}). */
  public String toPem() {
    return PemKeys.publicKeyPem(publicKey);
  }

  /**
   * The key as a one-key public JWKS with {@code alg}, {@code use: sig} and a {@code kid}: the key
   * ID, or the {@link #thumbprint()} for keys without one.
   */
  public String toJwks() {
    return toJwks(List.of(this));
  }

  /** Several keys as one public JWKS, each as {@link #toJwks()} writes it. */
  @dev.signet.SuppressForbidden(reason = "the JWKs are built from public keys only")
  public static String toJwks(List<VerifyingKey> keys) {
    List<dev.signet.json.JsonValue> out = new java.util.ArrayList<>();
    for (VerifyingKey k : keys) {
      out.add(JwkJson.sorted(k.toJwk(k.keyId == null ? k.thumbprint() : k.keyId).toJSONObject()));
    }
    return JwkJson.set(out);
  }

  private JWK toJwk(@Nullable String kid) {
    JWSAlgorithm alg = JWSAlgorithm.parse(algorithm.jwa());
    return switch (publicKey) {
      case ECPublicKey ec ->
          new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec)
              .keyID(kid)
              .algorithm(alg)
              .keyUse(KeyUse.SIGNATURE)
              .build();
      case RSAPublicKey rsa ->
          new RSAKey.Builder(rsa).keyID(kid).algorithm(alg).keyUse(KeyUse.SIGNATURE).build();
      default ->
          new OctetKeyPair.Builder(
                  Curve.Ed25519, Base64URL.encode(Primitives.ed25519Raw(publicKey)))
              .keyID(kid)
              .algorithm(alg)
              .keyUse(KeyUse.SIGNATURE)
              .build();
    };
  }

  /**
   * Whether {@code signature} (native encoding) is valid over {@code digest}, the {@link
   * Algorithm#digest()} of the message. Always false for EdDSA, which signs whole messages.
   */
  public boolean verifyDigest(byte[] digest, byte[] signature) {
    return Primitives.verifyNative(algorithm, publicKey, digest, true, signature);
  }

  /** Whether {@code signature} (native encoding) is valid over {@code message}. */
  public boolean verifyMessage(byte[] message, byte[] signature) {
    return Primitives.verifyNative(algorithm, publicKey, message, false, signature);
  }

  /**
   * This key as the only trusted key for JWS signatures (pipelines, jobs). A header without a
   * {@code kid} selects it — Buildkite's KMS-signed pipelines carry none — and a header with one
   * must name this key's ID; the header's algorithm must be this key's.
   */
  public VerificationKeys asVerificationKeys() {
    Verifier verifier =
        new Verifier() {
          @Override
          public Algorithm algorithm() {
            return algorithm;
          }

          @Override
          public @Nullable String keyId() {
            return keyId;
          }

          @Override
          public boolean verify(byte[] signingInput, byte[] signature) {
            if (algorithm == Algorithm.EdDSA) {
              var point = Primitives.ed25519Point(Primitives.ed25519Raw(publicKey));
              return point != null && Primitives.ed25519Verify(point, signingInput, signature);
            }
            return Primitives.jcaVerify(algorithm, publicKey, signingInput, signature);
          }
        };
    return new VerificationKeys() {
      @Override
      public Verifier select(Algorithm alg, @Nullable String kid) throws KeyException {
        if (kid != null && !kid.equals(keyId)) {
          throw new KeyException(
              KeyException.Reason.NOT_FOUND,
              keyId == null
                  ? "the signature names key \""
                      + kid
                      + "\" but the key in "
                      + source
                      + " has no key ID; verify with the JWKS that holds that key"
                  : "the key in " + source + " is \"" + keyId + "\", not \"" + kid + "\"");
        }
        if (alg != algorithm) {
          throw new KeyException(
              KeyException.Reason.NOT_ALLOWED,
              "the key in "
                  + source
                  + " is a "
                  + algorithm
                  + " key but the signature claims "
                  + alg);
        }
        return verifier;
      }

      @Override
      public String source() {
        return source;
      }
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VerifyingKey k
        && algorithm == k.algorithm
        && java.util.Objects.equals(keyId, k.keyId)
        && java.security.MessageDigest.isEqual(spki, k.spki);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(spki);
  }

  @Override
  public String toString() {
    return "VerifyingKey["
        + algorithm
        + (keyId == null ? "" : ", kid=" + keyId)
        + ", "
        + source
        + "]";
  }

  // ---- algorithm rules ----

  private static Algorithm defaultAlgorithm(PublicKey key, String source) throws KeyException {
    return typeAlgorithm(key, source);
  }

  /** The algorithm a key's type implies; refuses types and curves Signet does not use. */
  static Algorithm typeAlgorithm(PublicKey key, String source) throws KeyException {
    return switch (key) {
      case ECPublicKey ec -> {
        Curve c = Curve.forECParameterSpec(ec.getParams());
        if (Curve.P_256.equals(c)) {
          yield Algorithm.ES256;
        } else if (Curve.P_384.equals(c)) {
          yield Algorithm.ES384;
        } else if (Curve.P_521.equals(c)) {
          yield Algorithm.ES512;
        }
        throw notAllowed(
            source,
            "unsupported EC curve" + (c == null ? "" : " " + c) + "; use P-256, P-384 or P-521");
      }
      case EdECPublicKey ed -> {
        if (!"Ed25519".equalsIgnoreCase(ed.getParams().getName())) {
          throw notAllowed(source, "unsupported Edwards curve " + ed.getParams().getName());
        }
        yield Algorithm.EdDSA;
      }
      case RSAPublicKey rsa -> {
        if (rsa.getModulus().bitLength() < KeySet.MIN_RSA_BITS) {
          throw notAllowed(source, "the RSA key has fewer than " + KeySet.MIN_RSA_BITS + " bits");
        }
        yield Algorithm.PS256;
      }
      default -> throw notAllowed(source, "unsupported key type " + key.getAlgorithm());
    };
  }

  private static String describe(PublicKey key) {
    return switch (key) {
      case ECPublicKey ec -> "EC " + Curve.forECParameterSpec(ec.getParams());
      case EdECPublicKey ed -> ed.getParams().getName();
      case RSAPublicKey rsa -> "RSA";
      default -> key.getAlgorithm();
    };
  }

  private static KeyException notAllowed(String source, String why) {
    return new KeyException(KeyException.Reason.NOT_ALLOWED, source + ": " + why);
  }
}
