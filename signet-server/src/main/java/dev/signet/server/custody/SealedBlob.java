package dev.signet.server.custody;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The sealed-key format, version 1:
 *
 * <pre>
 * offset  size  field
 *      0     4  magic "SGNC"
 *      4     1  format version: 1
 *      5     1  master key kind: 1 software (AES-256 from the data directory), 2 PKCS#11 token
 *      6    12  AES-GCM nonce (random)
 *     18     n  ciphertext ‖ 16-byte tag (AES-256-GCM over the PKCS#8 private key)
 * </pre>
 *
 * The 18-byte header is part of the AAD (with the {@link SealBinding}), so a blob whose version or
 * kind byte was edited does not open either.
 */
final class SealedBlob {
  static final byte[] MAGIC = "SGNC".getBytes(StandardCharsets.US_ASCII);
  static final byte FORMAT = 1;
  static final byte SOFTWARE = 1;
  static final byte PKCS11 = 2;
  static final int NONCE_BYTES = 12;
  static final int HEADER_BYTES = MAGIC.length + 2 + NONCE_BYTES;
  static final int TAG_BYTES = 16;

  private SealedBlob() {}

  static byte[] header(byte kind, byte[] nonce) {
    byte[] h = new byte[HEADER_BYTES];
    System.arraycopy(MAGIC, 0, h, 0, MAGIC.length);
    h[4] = FORMAT;
    h[5] = kind;
    System.arraycopy(nonce, 0, h, 6, NONCE_BYTES);
    return h;
  }

  static byte[] join(byte[] header, byte[] ciphertext) {
    byte[] out = Arrays.copyOf(header, header.length + ciphertext.length);
    System.arraycopy(ciphertext, 0, out, header.length, ciphertext.length);
    return out;
  }

  /** A parsed blob; nothing is authenticated yet. Package-private, used once, never compared. */
  @SuppressWarnings("ArrayRecordComponent")
  record Parts(byte[] header, byte[] nonce, byte[] ciphertext) {}

  /**
   * Splits a blob after checking its framing, and that it was sealed by a master key of {@code
   * kind}: a blob sealed under a software master key cannot open under an HSM one, and saying so is
   * clearer than "does not authenticate".
   */
  static Parts parse(byte[] blob, byte kind, SealBinding b) throws CustodyException {
    if (blob.length > CustodyLimits.MAX_SEALED_BYTES) {
      throw failed(b, "the sealed key is larger than " + CustodyLimits.MAX_SEALED_BYTES + " bytes");
    }
    if (blob.length < HEADER_BYTES + TAG_BYTES
        || !java.security.MessageDigest.isEqual(Arrays.copyOf(blob, MAGIC.length), MAGIC)) {
      throw failed(b, "the sealed key is not a Signet sealed key (truncated or overwritten)");
    }
    if (blob[4] != FORMAT) {
      throw failed(b, "the sealed key has format version " + (blob[4] & 0xff) + "; expected 1");
    }
    if (blob[5] != kind) {
      throw failed(
          b,
          "the key was sealed under "
              + kindName(blob[5])
              + ", but this server's master key is "
              + kindName(kind));
    }
    return new Parts(
        Arrays.copyOf(blob, HEADER_BYTES),
        Arrays.copyOfRange(blob, 6, HEADER_BYTES),
        Arrays.copyOfRange(blob, HEADER_BYTES, blob.length));
  }

  private static String kindName(byte kind) {
    return switch (kind) {
      case SOFTWARE -> "a software master key";
      case PKCS11 -> "a PKCS#11 master key";
      default -> "an unknown master key kind (" + (kind & 0xff) + ")";
    };
  }

  static CustodyException failed(SealBinding b, String why) {
    return new CustodyException(
        CustodyException.Reason.UNSEAL_FAILED, b.display() + ": cannot unseal: " + why);
  }

  static CustodyException notAuthentic(SealBinding b) {
    return failed(
        b,
        "the sealed key does not authenticate (altered, moved from another key or version, or"
            + " sealed under another master key)");
  }
}
