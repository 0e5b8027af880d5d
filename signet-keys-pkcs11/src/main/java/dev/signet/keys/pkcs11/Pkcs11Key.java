package dev.signet.keys.pkcs11;

import dev.signet.keys.Algorithm;
import dev.signet.keys.EcdsaSignatures;
import dev.signet.keys.KeyException;
import dev.signet.keys.SigningKey;
import java.security.PublicKey;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;

/**
 * A private key that lives in a PKCS#11 token and never leaves it: the token signs, this object
 * only knows the key's handle, its algorithm and its public half. Opened by {@link Pkcs11Keys}.
 *
 * <h3>Security guarantees</h3>
 *
 * <ul>
 *   <li>At open, a probe was signed by the token and verified with {@link #publicKey()}, so every
 *       signature this key returns verifies under the public key it reports.
 *   <li>The PIN is not kept: the token's login lasts as long as any key on it is open.
 *   <li>Messages name {@link #reference()}, which never shows a PIN.
 * </ul>
 *
 * <p>Thread-safe: concurrent signatures use separate PKCS#11 sessions from the token's pool. {@link
 * #close()} waits for signatures in progress, then gives the token back; the last key closed on a
 * token logs out and closes its sessions.
 */
public final class Pkcs11Key implements SigningKey, AutoCloseable {
  private final Token token;
  private final long handle;
  private final Algorithm algorithm;
  private final PublicKey publicKey;
  private final String reference;
  private final int signatureLength;
  private final Cryptoki.Mechanism mechanism;
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private boolean closed; // guarded by lifecycle

  Pkcs11Key(Token token, TokenObjects.Found found, String reference) {
    this.token = token;
    this.handle = found.handle();
    this.algorithm = found.algorithm();
    this.publicKey = found.publicKey();
    this.reference = reference;
    this.signatureLength = found.signatureLength();
    this.mechanism =
        switch (algorithm) {
          case EdDSA -> new Cryptoki.Mechanism(Cryptoki.CKM_EDDSA, null); // pure Ed25519
          case ES256, ES384, ES512 -> new Cryptoki.Mechanism(Cryptoki.CKM_ECDSA, null);
          case PS256 -> Cryptoki.Mechanism.pss(Cryptoki.CKM_SHA256, Cryptoki.CKG_MGF1_SHA256, 32);
          case PS512 -> Cryptoki.Mechanism.pss(Cryptoki.CKM_SHA512, Cryptoki.CKG_MGF1_SHA512, 64);
          default -> throw new IllegalArgumentException("cannot sign " + algorithm);
        };
  }

  @Override
  public Algorithm algorithm() {
    return algorithm;
  }

  /** HSM keys carry no JWKS key ID, like KMS keys (Buildkite's KMS signatures have none). */
  @Override
  public @Nullable String keyId() {
    return null;
  }

  @Override
  public PublicKey publicKey() {
    return publicKey;
  }

  @Override
  public String reference() {
    return reference;
  }

  @Override
  public byte[] signMessage(byte[] message) throws KeyException {
    if (algorithm == Algorithm.EdDSA) {
      return tokenSign(message);
    }
    return signDigest(Jca.digest(algorithm, message));
  }

  /**
   * Signs a digest: CKM_ECDSA and CKM_RSA_PKCS_PSS take the digest itself, so only the digest
   * travels to the token.
   */
  @Override
  public byte[] signDigest(byte[] digest) throws KeyException {
    if (algorithm == Algorithm.EdDSA) {
      throw new KeyException(
          KeyException.Reason.NOT_ALLOWED,
          reference
              + ": an Ed25519 key signs the whole message and cannot sign a precomputed digest");
    }
    int expected = Jca.digestLength(algorithm);
    if (digest.length != expected) {
      throw new KeyException(
          KeyException.Reason.MALFORMED,
          reference
              + ": a "
              + algorithm
              + " digest ("
              + algorithm.digest()
              + ") is "
              + expected
              + " bytes, not "
              + digest.length);
    }
    byte[] sig = tokenSign(digest);
    if (algorithm.keyType() != Algorithm.KeyType.EC) {
      return sig;
    }
    // PKCS#11 returns ECDSA as r ‖ s; SigningKey promises DER, as cosign and X.509 use it.
    if (sig.length != signatureLength) {
      throw new KeyException(
          KeyException.Reason.SIGNING_FAILED,
          reference + ": the token returned a " + sig.length + "-byte " + algorithm + " signature");
    }
    return EcdsaSignatures.p1363ToDer(sig, algorithm);
  }

  private byte[] tokenSign(byte[] input) throws KeyException {
    lifecycle.readLock().lock();
    try {
      if (closed) {
        throw new KeyException(
            KeyException.Reason.UNAVAILABLE, reference + ": the key has been closed");
      }
      long session;
      try {
        session = token.borrow();
      } catch (CkException e) {
        throw Failures.of(reference, e);
      }
      boolean ok = false;
      try {
        byte[] sig = token.cryptoki().sign(session, mechanism, handle, input, signatureLength);
        ok = true;
        return sig;
      } catch (CkException e) {
        throw Failures.of(reference, e);
      } finally {
        if (ok) {
          token.giveBack(session);
        } else {
          token.discard(session);
        }
      }
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /**
   * What the token says about the private key's protection, read now: a service that holds keys in
   * custody checks that a key it generated can never leave the token.
   */
  public Pkcs11Keys.Protection protection() throws KeyException {
    lifecycle.readLock().lock();
    try {
      if (closed) {
        throw new KeyException(
            KeyException.Reason.UNAVAILABLE, reference + ": the key has been closed");
      }
      return Pkcs11Keys.protection(token, handle, reference);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /** Waits for signatures in progress, then releases the token. Idempotent. */
  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        token.release();
      }
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  @Override
  public String toString() {
    return "Pkcs11Key[" + algorithm + ", " + reference + "]";
  }
}
