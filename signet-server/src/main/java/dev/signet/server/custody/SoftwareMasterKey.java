package dev.signet.server.custody;

import dev.signet.keys.AesGcm;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A 32-byte AES-256 master key held in memory, read by the server from {@code master.key} in its
 * data directory. The bytes are copied in and zeroed on {@link #close}.
 */
public final class SoftwareMasterKey implements MasterKey {
  private final byte[] key;
  private final SecureRandom random = new SecureRandom();
  private volatile boolean closed;

  private SoftwareMasterKey(byte[] key) {
    this.key = key.clone();
  }

  /** Takes a copy of {@code key}, which must be 32 bytes; the caller zeroes its own array. */
  public static SoftwareMasterKey of(byte[] key) throws CustodyException {
    if (key.length != AesGcm.KEY_BYTES) {
      throw new CustodyException(
          CustodyException.Reason.INVALID,
          "the master key must be " + AesGcm.KEY_BYTES + " bytes, not " + key.length);
    }
    return new SoftwareMasterKey(key);
  }

  @Override
  public byte[] seal(SealBinding binding, byte[] plaintext) throws CustodyException {
    check(binding);
    byte[] nonce = AesGcm.newNonce(random);
    byte[] header = SealedBlob.header(SealedBlob.SOFTWARE, nonce);
    return SealedBlob.join(header, AesGcm.seal(key, nonce, binding.aad(header), plaintext));
  }

  @Override
  public byte[] open(SealBinding binding, byte[] blob) throws CustodyException {
    check(binding);
    SealedBlob.Parts p = SealedBlob.parse(blob, SealedBlob.SOFTWARE, binding);
    byte[] plain = AesGcm.open(key, p.nonce(), binding.aad(p.header()), p.ciphertext());
    if (plain == null) {
      throw SealedBlob.notAuthentic(binding);
    }
    return plain;
  }

  private void check(SealBinding binding) throws CustodyException {
    if (closed) {
      throw new CustodyException(
          CustodyException.Reason.UNAVAILABLE, binding.display() + ": the master key is closed");
    }
  }

  @Override
  public String describe() {
    return "software master key (AES-256, master.key in the data directory)";
  }

  @Override
  public void close() {
    closed = true;
    Arrays.fill(key, (byte) 0);
  }

  @Override
  public String toString() {
    return "SoftwareMasterKey[redacted]";
  }
}
