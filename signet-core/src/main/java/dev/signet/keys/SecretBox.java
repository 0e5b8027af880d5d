package dev.signet.keys;

import java.security.MessageDigest;
import java.util.Arrays;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.jspecify.annotations.Nullable;

/**
 * NaCl {@code crypto_secretbox} (XSalsa20-Poly1305), the cipher of {@code cosign.key}, composed
 * from BouncyCastle's primitives because BouncyCastle has no class for the construction: the first
 * 32 bytes of the XSalsa20 keystream are the one-time Poly1305 key, the plaintext is encrypted with
 * the keystream that follows, and the box is {@code tag ‖ ciphertext} (no nonce prefix).
 */
final class SecretBox {
  static final int KEY_BYTES = 32;
  static final int NONCE_BYTES = 24;
  static final int TAG_BYTES = 16;

  private SecretBox() {}

  static byte[] seal(byte[] key, byte[] nonce, byte[] plaintext) {
    XSalsa20Engine stream = stream(key, nonce);
    byte[] otk = oneTimeKey(stream);
    byte[] box = new byte[TAG_BYTES + plaintext.length];
    stream.processBytes(plaintext, 0, plaintext.length, box, TAG_BYTES);
    mac(otk, box, box, 0);
    Arrays.fill(otk, (byte) 0);
    return box;
  }

  /**
   * Opens a box, or returns null when the tag does not verify (wrong key or altered box). The tag
   * is checked, in constant time, before anything is decrypted.
   */
  static byte @Nullable [] open(byte[] key, byte[] nonce, byte[] box) {
    if (box.length < TAG_BYTES) {
      return null;
    }
    XSalsa20Engine stream = stream(key, nonce);
    byte[] otk = oneTimeKey(stream);
    byte[] tag = new byte[TAG_BYTES];
    mac(otk, box, tag, 0);
    Arrays.fill(otk, (byte) 0);
    if (!MessageDigest.isEqual(tag, Arrays.copyOf(box, TAG_BYTES))) {
      return null;
    }
    byte[] plaintext = new byte[box.length - TAG_BYTES];
    stream.processBytes(box, TAG_BYTES, plaintext.length, plaintext, 0);
    return plaintext;
  }

  private static XSalsa20Engine stream(byte[] key, byte[] nonce) {
    if (key.length != KEY_BYTES || nonce.length != NONCE_BYTES) {
      throw new IllegalArgumentException("secretbox needs a 32-byte key and a 24-byte nonce");
    }
    XSalsa20Engine stream = new XSalsa20Engine();
    stream.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
    return stream;
  }

  private static byte[] oneTimeKey(XSalsa20Engine stream) {
    byte[] otk = new byte[32];
    stream.processBytes(new byte[32], 0, 32, otk, 0);
    return otk;
  }

  /** Poly1305 over {@code box} after the tag, written to {@code out} at {@code offset}. */
  private static void mac(byte[] otk, byte[] box, byte[] out, int offset) {
    Poly1305 poly = new Poly1305();
    poly.init(new KeyParameter(otk));
    poly.update(box, TAG_BYTES, box.length - TAG_BYTES);
    poly.doFinal(out, offset);
  }
}
