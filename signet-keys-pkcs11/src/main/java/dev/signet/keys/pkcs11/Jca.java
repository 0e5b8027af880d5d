package dev.signet.keys.pkcs11;

import dev.signet.keys.Algorithm;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;

/**
 * The JDK crypto this module needs besides the token: hashing messages before the token signs the
 * digest, and turning the public attributes a token reveals into JDK public keys. Kept in one class
 * so the module's uses of JCA factories are visible in one place; signing itself never happens here
 * (it happens in the token), and verification goes through core's {@link
 * dev.signet.keys.VerifyingKey}.
 */
final class Jca {
  private Jca() {}

  /**
   * The digest {@code alg} signs, computed locally: SoftHSM, like most HSMs, has only CKM_ECDSA.
   */
  static byte[] digest(Algorithm alg, byte[] message) {
    return messageDigest(alg.digest()).digest(message);
  }

  static int digestLength(Algorithm alg) {
    return messageDigest(alg.digest()).getDigestLength();
  }

  /** SHA-256 of salt ‖ pin, to recognise the PIN a token was logged in with. */
  static byte[] pinCheck(byte[] salt, byte[] pin) {
    MessageDigest d = messageDigest("SHA-256");
    d.update(salt);
    d.update(pin);
    return d.digest();
  }

  private static MessageDigest messageDigest(String name) {
    try {
      return MessageDigest.getInstance(name);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + name, e); // every JDK has SHA-2
    }
  }

  // OID 1.2.840.10045.2.1 (id-ecPublicKey) and OID 1.3.101.112 (id-Ed25519), DER.
  private static final byte[] EC_PUBLIC_KEY_OID = {
    0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01
  };
  private static final byte[] ED25519_OID = {0x06, 0x03, 0x2b, 0x65, 0x70};

  /** An EC public key from the curve's DER OID and the uncompressed point 04 ‖ X ‖ Y. */
  static PublicKey ecPublicKey(byte[] curveOid, byte[] point) throws GeneralSecurityException {
    byte[] algorithmId = tlv(0x30, concat(EC_PUBLIC_KEY_OID, curveOid));
    return KeyFactory.getInstance("EC")
        .generatePublic(new X509EncodedKeySpec(spki(algorithmId, point)));
  }

  static PublicKey ed25519PublicKey(byte[] raw) throws GeneralSecurityException {
    return KeyFactory.getInstance("Ed25519")
        .generatePublic(new X509EncodedKeySpec(spki(tlv(0x30, ED25519_OID), raw)));
  }

  static PublicKey rsaPublicKey(byte[] modulus, byte[] exponent) throws GeneralSecurityException {
    return KeyFactory.getInstance("RSA")
        .generatePublic(
            new RSAPublicKeySpec(new BigInteger(1, modulus), new BigInteger(1, exponent)));
  }

  /** SubjectPublicKeyInfo ::= SEQUENCE { algorithm, subjectPublicKey BIT STRING } (RFC 5280). */
  private static byte[] spki(byte[] algorithmId, byte[] key) {
    byte[] bits = new byte[key.length + 1]; // leading 0: no unused bits
    System.arraycopy(key, 0, bits, 1, key.length);
    return tlv(0x30, concat(algorithmId, tlv(0x03, bits)));
  }

  static byte[] tlv(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 4);
    out.write(tag);
    int n = value.length;
    if (n < 0x80) {
      out.write(n);
    } else if (n < 0x100) {
      out.write(0x81);
      out.write(n);
    } else {
      out.write(0x82);
      out.write(n >> 8);
      out.write(n & 0xff);
    }
    out.writeBytes(value);
    return out.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
