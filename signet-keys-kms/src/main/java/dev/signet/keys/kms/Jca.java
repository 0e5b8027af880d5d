package dev.signet.keys.kms;

import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyException;
import dev.signet.keys.PemKeys;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Base64;

/**
 * The JCA calls this module cannot avoid: hashing a message before its digest travels to the KMS,
 * and a TLS context for a private CA. Public keys the KMS hands back (DER or PEM
 * SubjectPublicKeyInfo, or Vault's raw Ed25519) are decoded by core's {@link PemKeys}; signing and
 * verifying stay in core. This is the one class here that touches the JCA.
 */
final class Jca {
  private Jca() {}

  // SEQUENCE { SEQUENCE { OID 1.3.101.112 } BIT STRING (32 bytes) } (RFC 8410 §4).
  private static final byte[] ED25519_SPKI_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  /** The digest {@link dev.signet.keys.SigningKey#signDigest} expects for {@code alg}. */
  static byte[] digest(Algorithm alg, byte[] message) {
    try {
      return MessageDigest.getInstance(alg.digest()).digest(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks " + alg.digest(), e);
    }
  }

  static int digestBytes(Algorithm alg) {
    return switch (alg.digest()) {
      case "SHA-256" -> 32;
      case "SHA-384" -> 48;
      default -> 64;
    };
  }

  /**
   * Decodes a DER SubjectPublicKeyInfo (AWS {@code GetPublicKey}) with core's PEM key reader, so
   * that every public key Signet accepts passes the same checks.
   */
  static PublicKey spki(byte[] der, String what) throws KeyException {
    return pem(
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
            + "\n-----END PUBLIC KEY-----\n",
        what);
  }

  /** Decodes a PEM {@code PUBLIC KEY} block (RFC 7468), as GCP and Vault return it. */
  static PublicKey pem(String pem, String what) throws KeyException {
    return PemKeys.readPublicKey(pem, what + ": the service's public key");
  }

  /**
   * A TLS context that trusts exactly the CA certificates in a PEM file (Vault's {@code
   * VAULT_CACERT}), instead of the JDK's default trust store.
   */
  static javax.net.ssl.SSLContext trusting(java.nio.file.Path pemFile, String what)
      throws KeyException {
    try (var in = java.nio.file.Files.newInputStream(pemFile)) {
      var certs =
          java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new KeyException(KeyException.Reason.MALFORMED, what + ": holds no PEM certificates");
      }
      var store = java.security.KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int i = 0;
      for (var c : certs) {
        store.setCertificateEntry("ca" + i++, c);
      }
      var tmf =
          javax.net.ssl.TrustManagerFactory.getInstance(
              javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      var ssl = javax.net.ssl.SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      return ssl;
    } catch (java.io.IOException e) {
      throw new KeyException(KeyException.Reason.UNREADABLE, what + ": cannot be read");
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new KeyException(
          KeyException.Reason.MALFORMED, what + ": is not a PEM file of CA certificates");
    }
  }

  /** An Ed25519 public key from its 32 raw bytes, as Vault transit returns it. */
  static PublicKey ed25519Raw(byte[] raw, String what) throws KeyException {
    if (raw.length != 32) {
      throw new KeyException(
          KeyException.Reason.MALFORMED,
          what + ": an Ed25519 public key has 32 bytes, not " + raw.length);
    }
    byte[] der = new byte[ED25519_SPKI_PREFIX.length + raw.length];
    System.arraycopy(ED25519_SPKI_PREFIX, 0, der, 0, ED25519_SPKI_PREFIX.length);
    System.arraycopy(raw, 0, der, ED25519_SPKI_PREFIX.length, raw.length);
    return spki(der, what);
  }
}
