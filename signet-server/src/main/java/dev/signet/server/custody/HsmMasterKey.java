package dev.signet.server.custody;

import dev.signet.keys.AesGcm;
import dev.signet.keys.KeyException;
import dev.signet.keys.KeyRef;
import dev.signet.keys.pkcs11.Pkcs11Keys;
import dev.signet.keys.pkcs11.Pkcs11WrappingKey;
import java.security.SecureRandom;
import java.util.Map;

/**
 * An AES-256 master key inside a PKCS#11 token (sensitive, never extractable), found by its label
 * and generated on first start. Sealing and opening happen in the token; the key never reaches this
 * process.
 */
public final class HsmMasterKey implements MasterKey {
  private final Pkcs11WrappingKey key;
  private final SecureRandom random = new SecureRandom();

  private HsmMasterKey(Pkcs11WrappingKey key) {
    this.key = key;
  }

  /**
   * Opens the wrapping key the reference names ({@code object=} is its label), generating it in the
   * token when {@code generate} is true and no key has that label yet.
   */
  public static HsmMasterKey open(KeyRef.Pkcs11 ref, Map<String, String> env, boolean generate)
      throws CustodyException {
    try {
      return new HsmMasterKey(
          generate ? Pkcs11WrappingKey.openOrGenerate(ref, env) : Pkcs11WrappingKey.open(ref, env));
    } catch (KeyException e) {
      throw new CustodyException(
          CustodyException.Reason.UNAVAILABLE, "master key: " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] seal(SealBinding binding, byte[] plaintext) throws CustodyException {
    byte[] nonce = AesGcm.newNonce(random);
    byte[] header = SealedBlob.header(SealedBlob.PKCS11, nonce);
    try {
      return SealedBlob.join(header, key.encrypt(nonce, binding.aad(header), plaintext));
    } catch (KeyException e) {
      throw unavailable(binding, e);
    }
  }

  @Override
  public byte[] open(SealBinding binding, byte[] blob) throws CustodyException {
    SealedBlob.Parts p = SealedBlob.parse(blob, SealedBlob.PKCS11, binding);
    byte[] plain;
    try {
      plain = key.decrypt(p.nonce(), binding.aad(p.header()), p.ciphertext());
    } catch (KeyException e) {
      throw unavailable(binding, e);
    }
    if (plain == null) {
      throw SealedBlob.notAuthentic(binding);
    }
    return plain;
  }

  private static CustodyException unavailable(SealBinding b, KeyException e) {
    return new CustodyException(
        CustodyException.Reason.UNAVAILABLE, b.display() + ": master key: " + e.getMessage(), e);
  }

  /**
   * Asks the token about the key (C_GetAttributeValue on its sensitivity): a readiness probe that
   * fails when the token, the session or the key object is gone, or the key became extractable.
   */
  public void probe() throws CustodyException {
    Pkcs11Keys.Protection p;
    try {
      p = key.protection();
    } catch (KeyException e) {
      throw new CustodyException(
          CustodyException.Reason.UNAVAILABLE, "master key: " + e.getMessage(), e);
    }
    if (!p.sensitive() || p.extractable()) {
      throw new CustodyException(
          CustodyException.Reason.UNAVAILABLE,
          "master key " + key.reference() + ": the token reports it extractable or not sensitive");
    }
  }

  @Override
  public String describe() {
    return "PKCS#11 master key " + key.reference();
  }

  @Override
  public void close() {
    key.close();
  }

  @Override
  public String toString() {
    return "HsmMasterKey[" + key.reference() + "]";
  }
}
