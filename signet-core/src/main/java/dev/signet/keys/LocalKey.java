package dev.signet.keys;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.jspecify.annotations.Nullable;

/**
 * A private key held in this process, read from a PEM or cosign key file: PKCS#8 ({@code PRIVATE
 * KEY}), SEC1 ({@code EC PRIVATE KEY}) or PKCS#1 ({@code RSA PRIVATE KEY}), the forms {@code cosign
 * import-key-pair} accepts. Unlike a JWKS key it carries no algorithm, so the algorithm follows
 * from the key: P-256 → ES256, P-384 → ES384, P-521 → ES512, Ed25519 → EdDSA, RSA → PS256 unless
 * the caller asks for PS512 (cosign itself signs RSA with PKCS#1 v1.5, which Signet does not).
 *
 * <p>Opening a key checks it the way {@link KeySet} does: an allowed curve, RSA of at least 2048
 * bits, and a pairwise-consistency check of the private half against the public half. The JCA key
 * factories used here only rebuild keys from their numbers; signing goes through {@link
 * Primitives}.
 */
@SuppressWarnings("ArrayRecordComponent") // package-private: the seed never leaves this package
record LocalKey(
    Algorithm algorithm,
    @Nullable String keyId,
    @Nullable PrivateKey jcaKey,
    byte @Nullable [] ed25519Seed,
    PublicKey publicKey,
    String reference)
    implements SigningKey {

  /** Largest RSA modulus accepted: bounds the cost of the pairwise check on hostile input. */
  static final int MAX_RSA_BITS = 16384;

  private static final ASN1ObjectIdentifier ED25519 = new ASN1ObjectIdentifier("1.3.101.112");

  @Override
  public byte[] signMessage(byte[] message) throws KeyException {
    if (ed25519Seed != null) {
      return Primitives.ed25519Sign(ed25519Seed, rawEd25519(publicKey), message);
    }
    return jca(message, false);
  }

  @Override
  public byte[] signDigest(byte[] digest) throws KeyException {
    if (ed25519Seed != null) {
      throw KeySet.noEdDsaDigest(reference);
    }
    return jca(digest, true);
  }

  private byte[] jca(byte[] input, boolean digest) throws KeyException {
    try {
      return Primitives.jcaSignNative(algorithm, jca(), input, digest);
    } catch (GeneralSecurityException e) {
      throw new KeyException(
          KeyException.Reason.SIGNING_FAILED,
          reference + ": signing failed: " + e.getClass().getSimpleName());
    }
  }

  /** The PKCS#8 DER of the private key, a fresh array the caller must zero. */
  byte[] pkcs8() {
    if (ed25519Seed != null) {
      // RFC 8410 §7 OneAsymmetricKey v1, as Go's x509.MarshalPKCS8PrivateKey writes it.
      byte[] prefix = {
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20
      };
      byte[] out = Arrays.copyOf(prefix, prefix.length + ed25519Seed.length);
      System.arraycopy(ed25519Seed, 0, out, prefix.length, ed25519Seed.length);
      return out;
    }
    return jca().getEncoded();
  }

  /** The JCA private key of a non-Ed25519 key (exactly one of jcaKey and ed25519Seed is set). */
  private PrivateKey jca() {
    return java.util.Objects.requireNonNull(jcaKey, "a JCA key unless Ed25519");
  }

  /** The private JWK, for writing a JWKS that {@code pipeline sign} can use. Secret. */
  JWK toJwk(String kid) {
    JWSAlgorithm alg = JWSAlgorithm.parse(algorithm.jwa());
    return switch (publicKey) {
      case ECPublicKey ec ->
          new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec)
              .privateKey((ECPrivateKey) jcaKey)
              .keyUse(KeyUse.SIGNATURE)
              .algorithm(alg)
              .keyID(kid)
              .build();
      case RSAPublicKey rsa ->
          new RSAKey.Builder(rsa)
              .privateKey((RSAPrivateCrtKey) jcaKey)
              .keyUse(KeyUse.SIGNATURE)
              .algorithm(alg)
              .keyID(kid)
              .build();
      default ->
          new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(rawEd25519(publicKey)))
              .d(Base64URL.encode(ed25519Seed))
              .keyUse(KeyUse.SIGNATURE)
              .algorithm(alg)
              .keyID(kid)
              .build();
    };
  }

  @Override
  public String toString() {
    return "LocalKey[" + algorithm + ", " + reference + "]"; // never the key
  }

  // ---- opening ----

  /**
   * Reads PKCS#8 DER. {@code rsa} is the algorithm for an RSA key (PS256 or PS512; null means
   * PS256).
   */
  static LocalKey fromPkcs8(byte[] der, String source, @Nullable Algorithm rsa)
      throws KeyException {
    PrivateKeyInfo info;
    try {
      info = PrivateKeyInfo.getInstance(ASN1Primitive.fromByteArray(der));
    } catch (Exception e) {
      // BouncyCastle signals bad ASN.1 with IOException and several unchecked types.
      throw malformed(source, "not a PKCS#8 private key");
    }
    ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
    try {
      if (oid.equals(ED25519)) {
        byte[] seed = ASN1OctetString.getInstance(info.parsePrivateKey()).getOctets();
        try {
          byte[] embedded =
              info.getPublicKeyData() == null ? null : info.getPublicKeyData().getOctets();
          return ed25519(seed, embedded, source);
        } finally {
          Arrays.fill(seed, (byte) 0);
        }
      }
      if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
        ASN1Encodable params = info.getPrivateKeyAlgorithm().getParameters();
        if (!(params instanceof ASN1ObjectIdentifier curve)) {
          throw notAllowed(source, "EC keys must use a named curve (P-256, P-384 or P-521)");
        }
        var sec1 = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
        return ec(curve, sec1, source);
      }
      if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
        return rsa(
            org.bouncycastle.asn1.pkcs.RSAPrivateKey.getInstance(info.parsePrivateKey()),
            source,
            rsa);
      }
    } catch (KeyException e) {
      throw e;
    } catch (Exception e) {
      throw malformed(source, "the PKCS#8 private key is malformed");
    }
    throw notAllowed(
        source, "unsupported private key type (OID " + oid.getId() + "); use EC, Ed25519 or RSA");
  }

  /** Reads SEC1 {@code ECPrivateKey} DER ({@code EC PRIVATE KEY}), which names its own curve. */
  static LocalKey fromSec1(byte[] der, String source) throws KeyException {
    org.bouncycastle.asn1.sec.ECPrivateKey sec1;
    try {
      sec1 = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(ASN1Primitive.fromByteArray(der));
    } catch (Exception e) {
      throw malformed(source, "not a SEC1 EC private key");
    }
    org.bouncycastle.asn1.ASN1Object parameters;
    try {
      parameters = sec1.getParametersObject();
    } catch (RuntimeException e) {
      throw malformed(source, "not a SEC1 EC private key");
    }
    if (!(parameters instanceof ASN1ObjectIdentifier curve)) {
      throw notAllowed(source, "EC keys must use a named curve (P-256, P-384 or P-521)");
    }
    return ec(curve, sec1, source);
  }

  /** Reads PKCS#1 {@code RSAPrivateKey} DER ({@code RSA PRIVATE KEY}). */
  static LocalKey fromPkcs1(byte[] der, String source, @Nullable Algorithm alg)
      throws KeyException {
    org.bouncycastle.asn1.pkcs.RSAPrivateKey k;
    try {
      k = org.bouncycastle.asn1.pkcs.RSAPrivateKey.getInstance(ASN1Primitive.fromByteArray(der));
    } catch (Exception e) {
      throw malformed(source, "not a PKCS#1 RSA private key");
    }
    return rsa(k, source, alg);
  }

  private static LocalKey ed25519(byte[] seed, byte @Nullable [] embedded, String source)
      throws KeyException {
    if (seed.length != Primitives.ED25519_KEY_BYTES) {
      throw malformed(source, "an Ed25519 private key has 32 bytes");
    }
    byte[] raw = Primitives.ed25519PublicFromSecret(seed);
    if (embedded != null && !MessageDigest.isEqual(embedded, raw)) {
      throw mismatch(source);
    }
    try {
      return new LocalKey(
          Algorithm.EdDSA,
          null,
          null,
          seed.clone(),
          Primitives.ed25519PublicKey(raw),
          "file:" + source);
    } catch (GeneralSecurityException e) {
      throw malformed(source, "invalid Ed25519 key");
    }
  }

  private static LocalKey ec(
      ASN1ObjectIdentifier curve, org.bouncycastle.asn1.sec.ECPrivateKey sec1, String source)
      throws KeyException {
    Algorithm alg;
    String jdkName;
    if (curve.equals(SECObjectIdentifiers.secp256r1)) {
      alg = Algorithm.ES256;
      jdkName = "secp256r1";
    } else if (curve.equals(SECObjectIdentifiers.secp384r1)) {
      alg = Algorithm.ES384;
      jdkName = "secp384r1";
    } else if (curve.equals(SECObjectIdentifiers.secp521r1)) {
      alg = Algorithm.ES512;
      jdkName = "secp521r1";
    } else {
      throw notAllowed(
          source, "unsupported EC curve (OID " + curve.getId() + "); use P-256, P-384 or P-521");
    }
    X9ECParameters x9 = ECNamedCurveTable.getByOID(curve);
    BigInteger d;
    byte @Nullable [] embedded;
    try {
      d = sec1.getKey();
      embedded = sec1.getPublicKey() == null ? null : sec1.getPublicKey().getOctets();
    } catch (RuntimeException e) {
      // Bouncy Castle reads lazily: a public key BIT STRING with unused bits throws here.
      throw malformed(source, "the SEC1 private key or its embedded public key is malformed");
    }
    if (d.signum() <= 0 || d.compareTo(x9.getN()) >= 0) {
      throw malformed(source, "the EC private scalar is out of range");
    }
    var q = x9.getG().multiply(d).normalize();
    if (embedded != null
        && !MessageDigest.isEqual(embedded, q.getEncoded(false))
        && !MessageDigest.isEqual(embedded, q.getEncoded(true))) {
      throw mismatch(source);
    }
    try {
      AlgorithmParameters ap = AlgorithmParameters.getInstance("EC");
      ap.init(new ECGenParameterSpec(jdkName));
      ECParameterSpec spec = ap.getParameterSpec(ECParameterSpec.class);
      KeyFactory f = KeyFactory.getInstance("EC");
      PrivateKey priv = f.generatePrivate(new ECPrivateKeySpec(d, spec));
      PublicKey pub =
          f.generatePublic(
              new ECPublicKeySpec(
                  new ECPoint(
                      q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()),
                  spec));
      return consistent(new LocalKey(alg, null, priv, null, pub, "file:" + source), source);
    } catch (GeneralSecurityException e) {
      throw malformed(source, "invalid EC key");
    }
  }

  private static LocalKey rsa(
      org.bouncycastle.asn1.pkcs.RSAPrivateKey k, String source, @Nullable Algorithm alg)
      throws KeyException {
    Algorithm a = alg == null ? Algorithm.PS256 : alg;
    if (a != Algorithm.PS256 && a != Algorithm.PS512) {
      throw notAllowed(source, "an RSA key signs with PS256 or PS512, not " + a);
    }
    int bits = k.getModulus().bitLength();
    if (bits < KeySet.MIN_RSA_BITS) {
      throw notAllowed(
          source,
          "RSA key of "
              + bits
              + " bits is too weak; at least "
              + KeySet.MIN_RSA_BITS
              + " bits are required");
    }
    if (bits > MAX_RSA_BITS) {
      throw notAllowed(source, "RSA key of " + bits + " bits is larger than Signet accepts");
    }
    try {
      KeyFactory f = KeyFactory.getInstance("RSA");
      PrivateKey priv =
          f.generatePrivate(
              new RSAPrivateCrtKeySpec(
                  k.getModulus(),
                  k.getPublicExponent(),
                  k.getPrivateExponent(),
                  k.getPrime1(),
                  k.getPrime2(),
                  k.getExponent1(),
                  k.getExponent2(),
                  k.getCoefficient()));
      PublicKey pub = f.generatePublic(new RSAPublicKeySpec(k.getModulus(), k.getPublicExponent()));
      return consistent(new LocalKey(a, null, priv, null, pub, "file:" + source), source);
    } catch (GeneralSecurityException e) {
      throw malformed(source, "invalid RSA key");
    }
  }

  /** Wraps JDK keys taken from a JWK (already checked by {@link KeySet}) for export. */
  static LocalKey fromJdk(
      Algorithm alg, PrivateKey priv, PublicKey pub, String source, @Nullable String kid)
      throws KeyException {
    return consistent(new LocalKey(alg, kid, priv, null, pub, "file:" + source), source);
  }

  static LocalKey fromEd25519(byte[] seed, byte[] x, String source) throws KeyException {
    return ed25519(seed, x, source);
  }

  /** The probe every opened key must sign and its public half verify (see {@link KeySet}). */
  private static LocalKey consistent(LocalKey key, String source) throws KeyException {
    byte[] probe = "signet key pairwise-consistency check".getBytes(StandardCharsets.UTF_8);
    boolean ok;
    try {
      ok =
          Primitives.jcaVerify(
              key.algorithm,
              key.publicKey,
              probe,
              Primitives.jcaSign(key.algorithm, key.jca(), probe));
    } catch (GeneralSecurityException | RuntimeException e) {
      // The JDK's RSA-CRT fault check refuses to sign with mismatched CRT members.
      ok = false;
    }
    if (!ok) {
      throw mismatch(source);
    }
    return key;
  }

  /** The 32-byte public key inside an Ed25519 SPKI (RFC 8410), or an empty array. */
  static byte[] rawEd25519(PublicKey key) {
    byte[] spki = key.getEncoded();
    return spki.length == 44 ? Arrays.copyOfRange(spki, 12, 44) : new byte[0];
  }

  private static KeyException malformed(String source, String why) {
    return new KeyException(KeyException.Reason.MALFORMED, source + ": " + why);
  }

  private static KeyException notAllowed(String source, String why) {
    return new KeyException(KeyException.Reason.NOT_ALLOWED, source + ": " + why);
  }

  private static KeyException mismatch(String source) {
    return notAllowed(source, "the private key does not match its public key");
  }
}
