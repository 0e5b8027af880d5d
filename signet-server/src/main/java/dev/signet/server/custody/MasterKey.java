package dev.signet.server.custody;

/**
 * The key that seals software custody keys at rest: either 32 bytes from the data directory ({@link
 * SoftwareMasterKey}) or an AES-256 key inside a PKCS#11 token ({@link HsmMasterKey}). Both seal
 * with AES-256-GCM, a random 96-bit nonce, the {@link SealedBlob} format and the {@link
 * SealBinding} as AAD.
 */
public sealed interface MasterKey extends AutoCloseable permits SoftwareMasterKey, HsmMasterKey {
  /** Seals a private key (PKCS#8) for the row {@code binding} names. */
  byte[] seal(SealBinding binding, byte[] plaintext) throws CustodyException;

  /**
   * Opens a blob sealed for {@code binding}; {@link CustodyException.Reason#UNSEAL_FAILED} when it
   * does not authenticate. The result is secret: zero it after use.
   */
  byte[] open(SealBinding binding, byte[] blob) throws CustodyException;

  /** What the master key is, safe to print (never key bytes or a PIN). */
  String describe();

  /** Wipes (software) or releases (token) the key; later use is refused. */
  @Override
  void close();
}
