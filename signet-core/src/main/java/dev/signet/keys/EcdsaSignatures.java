package dev.signet.keys;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * Converts ECDSA signatures between ASN.1 DER ({@code SEQUENCE { r INTEGER, s INTEGER }}, what
 * HSMs, KMSs, cosign and X.509 use) and IEEE P1363 raw R‖S (what JWS uses, RFC 7518 §3.4).
 *
 * <p>Written by hand rather than through an ASN.1 library because the DER side must be strict:
 * exactly one definite-length SEQUENCE of two minimal positive INTEGERs and nothing after it, so
 * that one signature has one encoding.
 */
public final class EcdsaSignatures {
  private EcdsaSignatures() {}

  /** The byte length of R (and of S) for an ECDSA algorithm: 32, 48 or 66. */
  public static int scalarBytes(Algorithm alg) {
    int total = Primitives.ecdsaSignatureBytes(alg);
    if (total < 0) {
      throw new IllegalArgumentException("not an ECDSA algorithm: " + alg);
    }
    return total / 2;
  }

  /**
   * DER to R‖S for {@code alg}.
   *
   * @throws KeyException {@link KeyException.Reason#SIGNING_FAILED} when {@code der} is not a
   *     strict DER ECDSA signature whose scalars fit the curve (a backend returned garbage)
   */
  public static byte[] derToP1363(byte[] der, Algorithm alg) throws KeyException {
    int n = scalarBytes(alg);
    int[] pos = {0};
    try {
      expect(der, pos, 0x30);
      int seqLen = length(der, pos);
      if (pos[0] + seqLen != der.length) {
        throw new IllegalStateException("sequence length");
      }
      BigInteger r = integer(der, pos);
      BigInteger s = integer(der, pos);
      if (pos[0] != der.length) {
        throw new IllegalStateException("trailing data");
      }
      byte[] out = new byte[2 * n];
      put(r, out, 0, n);
      put(s, out, n, n);
      return out;
    } catch (IllegalStateException | ArrayIndexOutOfBoundsException e) {
      throw new KeyException(
          KeyException.Reason.SIGNING_FAILED,
          "the key backend returned a malformed " + alg + " signature (" + e.getMessage() + ")");
    }
  }

  /** R‖S to DER; {@code raw} must be exactly twice the curve's scalar length. */
  public static byte[] p1363ToDer(byte[] raw, Algorithm alg) {
    int n = scalarBytes(alg);
    if (raw.length != 2 * n) {
      throw new IllegalArgumentException("an " + alg + " signature has " + 2 * n + " bytes");
    }
    byte[] r = new BigInteger(1, Arrays.copyOfRange(raw, 0, n)).toByteArray();
    byte[] s = new BigInteger(1, Arrays.copyOfRange(raw, n, 2 * n)).toByteArray();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    writeTlv(body, 0x02, r);
    writeTlv(body, 0x02, s);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeTlv(out, 0x30, body.toByteArray());
    return out.toByteArray();
  }

  private static void expect(byte[] der, int[] pos, int tag) {
    if ((der[pos[0]++] & 0xff) != tag) {
      throw new IllegalStateException("unexpected tag");
    }
  }

  private static int length(byte[] der, int[] pos) {
    int first = der[pos[0]++] & 0xff;
    if (first < 0x80) {
      return first;
    }
    if (first != 0x81) {
      // P-521 signatures need at most 139 bytes, so only the one-byte long form is legitimate.
      throw new IllegalStateException("unsupported length form");
    }
    int len = der[pos[0]++] & 0xff;
    if (len < 0x80) {
      throw new IllegalStateException("non-minimal length");
    }
    return len;
  }

  private static BigInteger integer(byte[] der, int[] pos) {
    expect(der, pos, 0x02);
    int len = length(der, pos);
    if (len == 0 || pos[0] + len > der.length) {
      throw new IllegalStateException("integer length");
    }
    byte[] v = Arrays.copyOfRange(der, pos[0], pos[0] + len);
    pos[0] += len;
    if (v[0] < 0) {
      throw new IllegalStateException("negative integer");
    }
    if (len > 1 && v[0] == 0 && v[1] >= 0) {
      throw new IllegalStateException("non-minimal integer");
    }
    BigInteger value = new BigInteger(1, v);
    if (value.signum() == 0) {
      throw new IllegalStateException("zero scalar");
    }
    return value;
  }

  private static void put(BigInteger v, byte[] out, int offset, int n) {
    byte[] b = v.toByteArray();
    int start = b.length > 1 && b[0] == 0 ? 1 : 0;
    int len = b.length - start;
    if (len > n) {
      throw new IllegalStateException("scalar too large for the curve");
    }
    System.arraycopy(b, start, out, offset + n - len, len);
  }

  private static void writeTlv(ByteArrayOutputStream out, int tag, byte[] value) {
    out.write(tag);
    if (value.length >= 0x80) {
      out.write(0x81);
    }
    out.write(value.length);
    out.writeBytes(value);
  }
}
