package dev.signet.keys;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * Reads which kind of key a DER structure holds, so the right JDK key factory decodes it. Only
 * ASN.1 is parsed here, with BouncyCastle's parser, whose exceptions never leave this class.
 */
final class KeyEncodings {
  private KeyEncodings() {}

  private static final ASN1ObjectIdentifier EC = new ASN1ObjectIdentifier("1.2.840.10045.2.1");
  private static final ASN1ObjectIdentifier RSA = new ASN1ObjectIdentifier("1.2.840.113549.1.1.1");
  private static final ASN1ObjectIdentifier ED25519 = new ASN1ObjectIdentifier("1.3.101.112");

  /** The JCA key type ("EC", "RSA", "Ed25519") of a SubjectPublicKeyInfo. */
  static String spkiKeyType(byte[] der, String source) throws KeyException {
    ASN1ObjectIdentifier oid;
    try {
      oid = SubjectPublicKeyInfo.getInstance(der).getAlgorithm().getAlgorithm();
    } catch (RuntimeException e) {
      throw new KeyException(
          KeyException.Reason.MALFORMED, source + ": not a DER SubjectPublicKeyInfo");
    }
    return type(oid, source);
  }

  /** The JCA key type of an unencrypted PKCS#8 PrivateKeyInfo. */
  static String pkcs8KeyType(byte[] der, String source) throws KeyException {
    ASN1ObjectIdentifier oid;
    try {
      oid = PrivateKeyInfo.getInstance(der).getPrivateKeyAlgorithm().getAlgorithm();
    } catch (RuntimeException e) {
      throw new KeyException(
          KeyException.Reason.MALFORMED, source + ": not a DER PKCS#8 PrivateKeyInfo");
    }
    return type(oid, source);
  }

  private static String type(ASN1ObjectIdentifier oid, String source) throws KeyException {
    if (oid.equals(EC)) {
      return "EC";
    }
    if (oid.equals(RSA)) {
      return "RSA";
    }
    if (oid.equals(ED25519)) {
      return "Ed25519";
    }
    throw new KeyException(
        KeyException.Reason.NOT_ALLOWED,
        source + ": unsupported key algorithm " + oid.getId() + "; use EC, RSA or Ed25519");
  }
}
