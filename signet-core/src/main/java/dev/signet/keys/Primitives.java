package dev.signet.keys;

import dev.signet.SuppressForbidden;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.jspecify.annotations.Nullable;

/**
 * The one place that chooses signature primitives.
 *
 * <p>Ed25519 uses BouncyCastle's low-level RFC 8032 code: on this class of machine the JDK's SunEC
 * Ed25519 is roughly an order of magnitude slower, and signing sits on the hot path of pipeline
 * upload. ECDSA uses the JDK in IEEE P1363 (raw R‖S) format, which is what JWS needs; RSA-PSS uses
 * the JDK with the salt length JWA mandates (the hash length).
 */
@SuppressForbidden(reason = "the one place that chooses signature and MAC primitives")
final class Primitives {
  private Primitives() {}

  static final int ED25519_KEY_BYTES = Ed25519.SECRET_KEY_SIZE;
  static final int ED25519_SIGNATURE_BYTES = Ed25519.SIGNATURE_SIZE;

  // ---- Ed25519 ----

  static byte[] ed25519Sign(byte[] secret, byte[] publicKey, byte[] message) {
    byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
    Ed25519.sign(secret, 0, publicKey, 0, message, 0, message.length, sig, 0);
    return sig;
  }

  static byte[] ed25519PublicFromSecret(byte[] secret) {
    byte[] pk = new byte[Ed25519.PUBLIC_KEY_SIZE];
    Ed25519.generatePublicKey(secret, 0, pk, 0);
    return pk;
  }

  /** Decodes and fully validates a public key once, so each verification skips the decoding. */
  static Ed25519.@Nullable PublicPoint ed25519Point(byte[] publicKey) {
    if (publicKey.length != Ed25519.PUBLIC_KEY_SIZE) {
      return null;
    }
    return Ed25519.validatePublicKeyFullExport(publicKey, 0);
  }

  static boolean ed25519Verify(Ed25519.PublicPoint point, byte[] message, byte[] signature) {
    return signature.length == Ed25519.SIGNATURE_SIZE
        && Ed25519.verify(signature, 0, point, message, 0, message.length);
  }

  static byte[] ed25519NewSecret(java.security.SecureRandom random) {
    byte[] sk = new byte[Ed25519.SECRET_KEY_SIZE];
    Ed25519.generatePrivateKey(random, sk);
    return sk;
  }

  // ---- ECDSA / RSA-PSS through the JDK ----

  static Signature jcaSignature(Algorithm alg) throws GeneralSecurityException {
    return switch (alg) {
      case ES256 -> Signature.getInstance("SHA256withECDSAinP1363Format");
      case ES384 -> Signature.getInstance("SHA384withECDSAinP1363Format");
      case ES512 -> Signature.getInstance("SHA512withECDSAinP1363Format");
      case PS256 -> pss("SHA-256", MGF1ParameterSpec.SHA256, 32);
      case PS512 -> pss("SHA-512", MGF1ParameterSpec.SHA512, 64);
      default -> throw new GeneralSecurityException("not a JCA signature algorithm: " + alg);
    };
  }

  private static Signature pss(String hash, MGF1ParameterSpec mgf, int saltLength)
      throws GeneralSecurityException {
    Signature s = Signature.getInstance("RSASSA-PSS");
    s.setParameter(new PSSParameterSpec(hash, "MGF1", mgf, saltLength, 1));
    return s;
  }

  /**
   * Signs in the algorithm's native encoding (ECDSA as DER, as cosign and X.509 use it), over the
   * message ({@code digest == false}) or over a precomputed {@link Algorithm#digest()}.
   */
  static byte[] jcaSignNative(Algorithm alg, PrivateKey key, byte[] input, boolean digest)
      throws GeneralSecurityException {
    if (alg.keyType() == Algorithm.KeyType.EC) {
      Signature s =
          Signature.getInstance(
              digest ? "NONEwithECDSA" : alg.digest().replace("-", "") + "withECDSA");
      s.initSign(key);
      s.update(input);
      return s.sign();
    }
    if (!digest) {
      return jcaSign(alg, key, input);
    }
    // The JDK has no pre-hashed RSASSA-PSS; BouncyCastle's raw PSS signer takes the digest as is.
    if (!(key instanceof java.security.interfaces.RSAPrivateCrtKey rsa)) {
      throw new GeneralSecurityException("RSA-PSS needs an RSA private key");
    }
    org.bouncycastle.crypto.Digest hash =
        alg == Algorithm.PS256
            ? new org.bouncycastle.crypto.digests.SHA256Digest()
            : new org.bouncycastle.crypto.digests.SHA512Digest();
    var signer =
        org.bouncycastle.crypto.signers.PSSSigner.createRawSigner(
            new org.bouncycastle.crypto.engines.RSABlindedEngine(),
            hash,
            hash,
            hash.getDigestSize(),
            org.bouncycastle.crypto.signers.PSSSigner.TRAILER_IMPLICIT);
    signer.init(
        true,
        new org.bouncycastle.crypto.params.ParametersWithRandom(
            new org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters(
                rsa.getModulus(),
                rsa.getPublicExponent(),
                rsa.getPrivateExponent(),
                rsa.getPrimeP(),
                rsa.getPrimeQ(),
                rsa.getPrimeExponentP(),
                rsa.getPrimeExponentQ(),
                rsa.getCrtCoefficient()),
            new java.security.SecureRandom()));
    signer.update(input, 0, input.length);
    try {
      return signer.generateSignature();
    } catch (org.bouncycastle.crypto.CryptoException e) {
      throw new GeneralSecurityException("RSA-PSS signing failed", e);
    }
  }

  /** The JDK public key for a raw Ed25519 public key, for export and for JCA-side verification. */
  static PublicKey ed25519PublicKey(byte[] raw) throws GeneralSecurityException {
    byte[] spki = new byte[ED25519_SPKI_PREFIX.length + raw.length];
    System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
    System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, raw.length);
    return java.security.KeyFactory.getInstance("Ed25519")
        .generatePublic(new java.security.spec.X509EncodedKeySpec(spki));
  }

  static final int ED25519_PUBLIC_KEY_BYTES = Ed25519.PUBLIC_KEY_SIZE;

  static byte[] ed25519SpkiPrefix() {
    return ED25519_SPKI_PREFIX.clone();
  }

  /**
   * Whether {@code key} lies on the NIST curve of an ECDSA algorithm. The field size alone would
   * not do: secp256k1 is a 256-bit curve too.
   */
  static boolean isCurveOf(java.security.interfaces.ECPublicKey key, Algorithm alg) {
    String name =
        switch (alg) {
          case ES256 -> "secp256r1";
          case ES384 -> "secp384r1";
          case ES512 -> "secp521r1";
          default -> "";
        };
    if (name.isEmpty()) {
      return false;
    }
    try {
      var params = java.security.AlgorithmParameters.getInstance("EC");
      params.init(new java.security.spec.ECGenParameterSpec(name));
      var std = params.getParameterSpec(java.security.spec.ECParameterSpec.class);
      var have = key.getParams();
      return have.getCurve().equals(std.getCurve())
          && have.getGenerator().equals(std.getGenerator())
          && have.getOrder().equals(std.getOrder())
          && have.getCofactor() == std.getCofactor();
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  // SEQUENCE { SEQUENCE { OID 1.3.101.112 } BIT STRING (32 bytes) } (RFC 8410 §4).
  private static final byte[] ED25519_SPKI_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  static byte[] jcaSign(Algorithm alg, PrivateKey key, byte[] message)
      throws GeneralSecurityException {
    Signature s = jcaSignature(alg);
    s.initSign(key);
    s.update(message);
    return s.sign();
  }

  /**
   * The exact JWS signature length for ECDSA (RFC 7518 §3.4: R and S each left-padded to the
   * curve's byte size), or -1 for other algorithms.
   */
  static int ecdsaSignatureBytes(Algorithm alg) {
    return switch (alg) {
      case ES256 -> 64;
      case ES384 -> 96;
      case ES512 -> 132;
      default -> -1;
    };
  }

  static boolean jcaVerify(Algorithm alg, PublicKey key, byte[] message, byte[] signature) {
    int ecdsaBytes = ecdsaSignatureBytes(alg);
    if (ecdsaBytes >= 0 && signature.length != ecdsaBytes) {
      // The JDK's P1363 verifier accepts R‖S shorter than 2 × the field size (Wycheproof
      // "SignatureSize"), which gives one signature several encodings. JWS allows exactly one.
      return false;
    }
    try {
      Signature s = jcaSignature(alg);
      s.initVerify(key);
      s.update(message);
      return s.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      // Malformed signatures surface as exceptions in some providers; they are simply invalid.
      return false;
    }
  }

  // ---- native (cosign/X.509) encodings, over a message or a precomputed digest ----

  /**
   * Verifies a signature in the algorithm's native encoding (ECDSA as strict DER, Ed25519 raw,
   * RSA-PSS with the salt as long as the hash) over {@code input}, which is the message or, when
   * {@code digest} is true, its {@link Algorithm#digest()}. Never throws: malformed is invalid.
   */
  static boolean verifyNative(
      Algorithm alg, PublicKey key, byte[] input, boolean digest, byte[] signature) {
    try {
      switch (alg.keyType()) {
        case EC -> {
          // Strict DER first: BER variants of one signature must not verify (malleability).
          byte[] raw = EcdsaSignatures.derToP1363(signature, alg);
          if (!digest) {
            return jcaVerify(alg, key, input, raw);
          }
          if (input.length != digestBytes(alg)) {
            return false;
          }
          Signature s = Signature.getInstance("NONEwithECDSAinP1363Format");
          s.initVerify(key);
          s.update(input);
          return s.verify(raw);
        }
        case OKP -> {
          if (digest) {
            return false;
          }
          Ed25519.PublicPoint point = ed25519Point(ed25519Raw(key));
          return point != null && ed25519Verify(point, input, signature);
        }
        case RSA -> {
          if (!digest) {
            return jcaVerify(alg, key, input, signature);
          }
          if (input.length != digestBytes(alg)
              || !(key instanceof java.security.interfaces.RSAPublicKey rsa)) {
            return false;
          }
          org.bouncycastle.crypto.Digest hash = bcDigest(alg);
          var verifier =
              org.bouncycastle.crypto.signers.PSSSigner.createRawSigner(
                  new org.bouncycastle.crypto.engines.RSABlindedEngine(),
                  hash,
                  bcDigest(alg),
                  hash.getDigestSize(),
                  org.bouncycastle.crypto.signers.PSSSigner.TRAILER_IMPLICIT);
          verifier.init(
              false,
              new org.bouncycastle.crypto.params.RSAKeyParameters(
                  false, rsa.getModulus(), rsa.getPublicExponent()));
          verifier.update(input, 0, input.length);
          return verifier.verifySignature(signature);
        }
        default -> {
          return false;
        }
      }
    } catch (KeyException | GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static org.bouncycastle.crypto.Digest bcDigest(Algorithm alg) {
    return alg == Algorithm.PS256
        ? new org.bouncycastle.crypto.digests.SHA256Digest()
        : new org.bouncycastle.crypto.digests.SHA512Digest();
  }

  static int digestBytes(Algorithm alg) {
    return switch (alg.digest()) {
      case "SHA-256" -> 32;
      case "SHA-384" -> 48;
      default -> 64;
    };
  }

  /** The 32-byte Ed25519 public key inside a JDK Ed25519 key's SubjectPublicKeyInfo. */
  static byte[] ed25519Raw(PublicKey key) {
    byte[] spki = key.getEncoded();
    if (spki == null
        || spki.length != ED25519_SPKI_PREFIX.length + Ed25519.PUBLIC_KEY_SIZE
        || !MessageDigest.isEqual(
            java.util.Arrays.copyOf(spki, ED25519_SPKI_PREFIX.length), ED25519_SPKI_PREFIX)) {
      throw new IllegalArgumentException("not an Ed25519 public key");
    }
    return java.util.Arrays.copyOfRange(spki, ED25519_SPKI_PREFIX.length, spki.length);
  }

  // ---- key encodings ----

  /** Decodes DER SubjectPublicKeyInfo for the key types Signet signs with. */
  static PublicKey decodeSpki(byte[] der, String jcaKeyType) throws GeneralSecurityException {
    return java.security.KeyFactory.getInstance(jcaKeyType)
        .generatePublic(new java.security.spec.X509EncodedKeySpec(der));
  }

  /** Decodes an unencrypted PKCS#8 PrivateKeyInfo. */
  static PrivateKey decodePkcs8(byte[] der, String jcaKeyType) throws GeneralSecurityException {
    return java.security.KeyFactory.getInstance(jcaKeyType)
        .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der));
  }

  /** The public key of an EC private key: Q = d·G, computed with BouncyCastle's curve math. */
  static PublicKey ecPublicFromPrivate(java.security.interfaces.ECPrivateKey key, String curveName)
      throws GeneralSecurityException {
    var curve = org.bouncycastle.asn1.nist.NISTNamedCurves.getByName(curveName);
    if (curve == null) {
      throw new GeneralSecurityException("unsupported curve");
    }
    var q = curve.getG().multiply(key.getS()).normalize();
    var point =
        new java.security.spec.ECPoint(
            q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
    return java.security.KeyFactory.getInstance("EC")
        .generatePublic(new java.security.spec.ECPublicKeySpec(point, key.getParams()));
  }

  /** The public key of an RSA private key with CRT members. */
  static PublicKey rsaPublicFromPrivate(java.security.interfaces.RSAPrivateCrtKey key)
      throws GeneralSecurityException {
    return java.security.KeyFactory.getInstance("RSA")
        .generatePublic(
            new java.security.spec.RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }

  // ---- HMAC (verification only) ----

  static boolean hmacVerify(Algorithm alg, byte[] secret, byte[] message, byte[] signature) {
    String name =
        switch (alg) {
          case HS256 -> "HmacSHA256";
          case HS384 -> "HmacSHA384";
          case HS512 -> "HmacSHA512";
          default -> throw new IllegalArgumentException("not an HMAC algorithm: " + alg);
        };
    try {
      Mac mac = Mac.getInstance(name);
      mac.init(new SecretKeySpec(secret, name));
      // Constant-time comparison: a MAC must never be compared with Arrays.equals.
      return MessageDigest.isEqual(mac.doFinal(message), signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      // A verifier answers; it never throws (an empty key is an IllegalArgumentException).
      return false;
    }
  }

  static byte[] hmac(Algorithm alg, byte[] secret, byte[] message) throws GeneralSecurityException {
    String name = "Hmac" + alg.jwa().replace("HS", "SHA");
    Mac mac = Mac.getInstance(name);
    mac.init(new SecretKeySpec(secret, name));
    return mac.doFinal(message);
  }

  // ---- AES-256-GCM (sealing keys in custody) ----

  /**
   * AES-GCM with a 128-bit tag: {@code ciphertext ‖ tag} when encrypting; when decrypting, the
   * plaintext, or an {@link javax.crypto.AEADBadTagException} when the tag does not verify.
   */
  static byte[] aesGcm(boolean encrypt, byte[] key, byte[] nonce, byte[] aad, byte[] input)
      throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    SecretKeySpec k = new SecretKeySpec(key, "AES");
    c.init(
        encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE, k, new GCMParameterSpec(128, nonce));
    c.updateAAD(aad);
    return c.doFinal(input);
  }
}
