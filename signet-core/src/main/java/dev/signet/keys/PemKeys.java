package dev.signet.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import dev.signet.SuppressForbidden;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.jspecify.annotations.Nullable;

/**
 * PEM key files as cosign and OpenSSL write them: {@code PUBLIC KEY} (X.509 SubjectPublicKeyInfo,
 * what {@code cosign.pub} holds) and the unencrypted private forms {@code cosign import-key-pair}
 * accepts — {@code PRIVATE KEY} (PKCS#8: EC, Ed25519, RSA), {@code EC PRIVATE KEY} (SEC1) and
 * {@code RSA PRIVATE KEY} (PKCS#1). Encrypted {@code cosign.key} files are {@link CosignKeyFile}.
 *
 * <p>A PEM key carries no algorithm, so it follows from the key: P-256 → ES256, P-384 → ES384,
 * P-521 → ES512, Ed25519 → EdDSA, RSA → PS256 unless PS512 is asked for. Keys Signet does not sign
 * or verify with (other curves, RSA below 2048 bits, DSA) are refused with {@link
 * KeyException.Reason#NOT_ALLOWED}; unreadable files with {@link KeyException.Reason#MALFORMED},
 * always naming the file and never showing key bytes.
 */
public final class PemKeys {
  private PemKeys() {}

  static final String PUBLIC_KEY = "PUBLIC KEY";

  /** Reads a {@code PUBLIC KEY} PEM ({@code cosign.pub}). */
  public static PublicKey readPublicKey(String pem, String source) throws KeyException {
    Pem.Block block = Pem.single(pem, source, "a PUBLIC KEY");
    if (!block.label().equals(PUBLIC_KEY)) {
      if (block.label().contains("PRIVATE KEY")) {
        throw new KeyException(
            KeyException.Reason.NOT_ALLOWED,
            source + ": holds a private key; verification needs the public key (PUBLIC KEY PEM)");
      }
      throw Pem.malformed(
          source, "PEM label \"" + block.label() + "\" is not a public key (PUBLIC KEY)");
    }
    return publicKeyFromSpki(block.der(), source);
  }

  /** Decodes DER SubjectPublicKeyInfo and checks that Signet can verify with the key. */
  static PublicKey publicKeyFromSpki(byte[] der, String source) throws KeyException {
    ASN1ObjectIdentifier oid;
    try {
      SubjectPublicKeyInfo spki =
          SubjectPublicKeyInfo.getInstance(ASN1Primitive.fromByteArray(der));
      oid = spki.getAlgorithm().getAlgorithm();
      String jdk;
      if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
        if (!(spki.getAlgorithm().getParameters() instanceof ASN1ObjectIdentifier curve)
            || !(curve.equals(SECObjectIdentifiers.secp256r1)
                || curve.equals(SECObjectIdentifiers.secp384r1)
                || curve.equals(SECObjectIdentifiers.secp521r1))) {
          throw notAllowed(source, "unsupported EC curve; use P-256, P-384 or P-521");
        }
        jdk = "EC";
      } else if (oid.getId().equals("1.3.101.112")) {
        jdk = "Ed25519";
      } else if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
        jdk = "RSA";
      } else {
        throw notAllowed(
            source,
            "unsupported public key type (OID " + oid.getId() + "); use EC, Ed25519 or RSA");
      }
      PublicKey key = KeyFactory.getInstance(jdk).generatePublic(new X509EncodedKeySpec(der));
      if (key instanceof RSAPublicKey rsa) {
        int bits = rsa.getModulus().bitLength();
        if (bits < KeySet.MIN_RSA_BITS || bits > LocalKey.MAX_RSA_BITS) {
          throw notAllowed(
              source,
              "RSA key of "
                  + bits
                  + " bits is not allowed; use "
                  + KeySet.MIN_RSA_BITS
                  + " to "
                  + LocalKey.MAX_RSA_BITS
                  + " bits");
        }
      }
      if (jdk.equals("Ed25519") && Primitives.ed25519Point(LocalKey.rawEd25519(key)) == null) {
        throw Pem.malformed(source, "not a valid Ed25519 public key");
      }
      return key;
    } catch (KeyException e) {
      throw e;
    } catch (Exception e) {
      // GeneralSecurityException for points off the curve, ASN.1 errors as assorted exceptions.
      throw Pem.malformed(source, "not a valid DER SubjectPublicKeyInfo public key");
    }
  }

  /** {@code cosign.pub}: the key as a {@code PUBLIC KEY} PEM. */
  public static String publicKeyPem(PublicKey key) {
    return Pem.encode(PUBLIC_KEY, key.getEncoded());
  }

  /**
   * Reads an unencrypted private key PEM ({@code PRIVATE KEY}, {@code EC PRIVATE KEY}, {@code RSA
   * PRIVATE KEY}).
   *
   * @param rsa the algorithm for an RSA key: PS256 (null) or PS512
   */
  public static SigningKey readPrivateKey(String pem, String source, @Nullable Algorithm rsa)
      throws KeyException {
    Pem.Block block = Pem.single(pem, source, "a private key");
    try {
      return switch (block.label()) {
        case "PRIVATE KEY" -> LocalKey.fromPkcs8(block.der(), source, rsa);
        case "EC PRIVATE KEY" -> LocalKey.fromSec1(block.der(), source);
        case "RSA PRIVATE KEY" -> LocalKey.fromPkcs1(block.der(), source, rsa);
        case CosignKeyFile.SIGSTORE_LABEL, CosignKeyFile.COSIGN_LABEL ->
            throw Pem.malformed(source, "is an encrypted cosign key; it needs its password");
        case "ENCRYPTED PRIVATE KEY" ->
            throw Pem.malformed(
                source,
                "is a password-encrypted PKCS#8 key; decrypt it first (openssl pkcs8) or use a"
                    + " cosign.key");
        default ->
            throw Pem.malformed(
                source,
                "PEM label \""
                    + block.label()
                    + "\" is not a private key (PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY)");
      };
    } finally {
      Arrays.fill(block.der(), (byte) 0);
    }
  }

  /**
   * The algorithm a public key verifies with: by curve for EC, EdDSA for Ed25519, {@code rsa} (null
   * means PS256) for RSA.
   */
  public static Algorithm algorithmFor(PublicKey key, @Nullable Algorithm rsa) throws KeyException {
    return switch (key) {
      case ECPublicKey ec ->
          switch (ec.getParams().getCurve().getField().getFieldSize()) {
            case 256 -> Algorithm.ES256;
            case 384 -> Algorithm.ES384;
            case 521 -> Algorithm.ES512;
            default ->
                throw new KeyException(KeyException.Reason.NOT_ALLOWED, "unsupported EC curve");
          };
      case RSAPublicKey r -> {
        Algorithm a = rsa == null ? Algorithm.PS256 : rsa;
        if (a != Algorithm.PS256 && a != Algorithm.PS512) {
          throw new KeyException(
              KeyException.Reason.NOT_ALLOWED, "an RSA key verifies PS256 or PS512, not " + a);
        }
        yield a;
      }
      default -> {
        if (key.getAlgorithm().equals("Ed25519") || key.getAlgorithm().equals("EdDSA")) {
          yield Algorithm.EdDSA;
        }
        throw new KeyException(
            KeyException.Reason.NOT_ALLOWED, "unsupported key type " + key.getAlgorithm());
      }
    };
  }

  /**
   * The private JWKS (one key, compact, members sorted as {@code signet keygen} writes them) for a
   * key read by this class or {@link CosignKeyFile}. The result is secret.
   *
   * @param kid the key ID; null means the RFC 7638 thumbprint
   * @throws KeyException {@link KeyException.Reason#NOT_ALLOWED} for keys whose material cannot
   *     leave their home (HSM, KMS)
   */
  @SuppressForbidden(reason = "writes the private JWKS the user asked to import into")
  public static String privateJwks(SigningKey key, @Nullable String kid) throws KeyException {
    if (!(key instanceof LocalKey local)) {
      throw new KeyException(
          KeyException.Reason.NOT_ALLOWED,
          key.reference() + ": the private key cannot be exported from where it lives");
    }
    // A derived RFC 7638 thumbprint is 43 base64url characters and may start with '-' or '_',
    // which the rule for user-chosen key IDs forbids (they would read as CLI options).
    String id = kid == null ? thumbprint(key.publicKey()) : kid;
    if (kid != null && !KeyGenerator.isValidKeyId(id)) {
      throw new KeyException(
          KeyException.Reason.NOT_ALLOWED,
          "invalid key ID: use 1–128 characters from A-Z a-z 0-9 . _ -, starting with a letter"
              + " or digit");
    }
    return JwkJson.set(List.of(JwkJson.sorted(local.toJwk(id).toJSONObject())));
  }

  /** The RFC 7638 SHA-256 thumbprint of a public key, base64url without padding. */
  public static String thumbprint(PublicKey key) throws KeyException {
    try {
      JWK jwk =
          switch (key) {
            case ECPublicKey ec ->
                new ECKey.Builder(
                        com.nimbusds.jose.jwk.Curve.forECParameterSpec(ec.getParams()), ec)
                    .build();
            case RSAPublicKey rsa -> new RSAKey.Builder(rsa).build();
            default ->
                new OctetKeyPair.Builder(
                        com.nimbusds.jose.jwk.Curve.Ed25519,
                        com.nimbusds.jose.util.Base64URL.encode(LocalKey.rawEd25519(key)))
                    .build();
          };
      return jwk.computeThumbprint().toString();
    } catch (JOSEException | RuntimeException e) {
      throw new KeyException(KeyException.Reason.MALFORMED, "cannot compute the key thumbprint");
    }
  }

  /**
   * The Sigstore bundle public-key hint: base64(SHA-256(DER SubjectPublicKeyInfo)), as cosign and
   * sigstore-go compute it.
   */
  public static String sigstoreHint(PublicKey key) {
    try {
      return Base64.getEncoder()
          .encodeToString(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always present", e);
    }
  }

  private static KeyException notAllowed(String source, String why) {
    return new KeyException(KeyException.Reason.NOT_ALLOWED, source + ": " + why);
  }
}
