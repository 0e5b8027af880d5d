package dev.signet.keys.pkcs11;

import static dev.signet.keys.pkcs11.Cryptoki.Attribute;

import dev.signet.keys.KeyException;
import dev.signet.keys.KeyRef;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;

/**
 * An AES-256 secret key inside a PKCS#11 token that seals other keys with AES-GCM ({@code
 * CKM_AES_GCM}, 96-bit IV, 128-bit tag): the signing service's master key when an HSM holds it. The
 * key is generated in the token, sensitive and never extractable, and found again by its label
 * ({@code object=}) on later starts; its value never reaches this process.
 *
 * <p>Thread-safe like {@link Pkcs11Key}: each operation borrows a session from the token's pool.
 */
public final class Pkcs11WrappingKey implements AutoCloseable {
  /** IV length: 96 bits, the GCM size that needs no GHASH of the IV. */
  public static final int IV_BYTES = 12;

  private final Token token;
  private final long handle;
  private final String reference;
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private boolean closed; // guarded by lifecycle

  private Pkcs11WrappingKey(Token token, long handle, String reference) {
    this.token = token;
    this.handle = handle;
    this.reference = reference;
  }

  /** Opens the AES secret key labelled by the reference's {@code object=}. */
  public static Pkcs11WrappingKey open(KeyRef.Pkcs11 ref, Map<String, String> env)
      throws KeyException {
    return openOrGenerate(ref, env, false);
  }

  /**
   * Opens the AES key labelled by {@code object=}, generating it in the token first when no secret
   * key has that label: what a server does on every start.
   */
  public static Pkcs11WrappingKey openOrGenerate(KeyRef.Pkcs11 ref, Map<String, String> env)
      throws KeyException {
    return openOrGenerate(ref, env, true);
  }

  private static Pkcs11WrappingKey openOrGenerate(
      KeyRef.Pkcs11 ref, Map<String, String> env, boolean generate) throws KeyException {
    Pkcs11Uri uri = Pkcs11Uri.of(ref, env);
    String label = uri.label();
    if (label == null) {
      throw new KeyException(
          KeyException.Reason.MALFORMED,
          uri.display() + ": name the wrapping key with object=LABEL");
    }
    Token token = Token.acquire(uri);
    boolean ok = false;
    try {
      token.login(uri);
      long[] found = find(token, uri, label);
      long handle;
      if (found.length > 1) {
        throw new KeyException(
            KeyException.Reason.AMBIGUOUS,
            uri.display() + ": " + found.length + " secret keys are labelled \"" + label + "\"");
      } else if (found.length == 1) {
        handle = found[0];
      } else if (generate) {
        handle = generate(token, uri, label);
      } else {
        throw new KeyException(
            KeyException.Reason.NOT_FOUND,
            uri.display()
                + ": no secret key labelled \""
                + label
                + "\" on token \""
                + token.label()
                + "\"");
      }
      Pkcs11WrappingKey key = new Pkcs11WrappingKey(token, handle, uri.display());
      key.checkUsable();
      ok = true;
      return key;
    } finally {
      if (!ok) {
        token.release();
      }
    }
  }

  private static long[] find(Token token, Pkcs11Uri uri, String label) throws KeyException {
    try {
      return token.onAnchor(session ->
          token
              .cryptoki()
              .findObjects(
                  session,
                  List.of(
                      Attribute.ofLong(Cryptoki.CKA_CLASS, Cryptoki.CKO_SECRET_KEY),
                      Attribute.ofText(Cryptoki.CKA_LABEL, label)),
                  2));
    } catch (CkException e) {
      throw Failures.of(uri, e);
    }
  }

  private static long generate(Token token, Pkcs11Uri uri, String label) throws KeyException {
    byte[] id = uri.id();
    if (id == null) {
      id = new byte[16];
      new SecureRandom().nextBytes(id);
    }
    List<Attribute> t = new ArrayList<>();
    t.add(Attribute.ofLong(Cryptoki.CKA_CLASS, Cryptoki.CKO_SECRET_KEY));
    t.add(Attribute.ofLong(Cryptoki.CKA_KEY_TYPE, Cryptoki.CKK_AES));
    t.add(Attribute.ofLong(Cryptoki.CKA_VALUE_LEN, 32));
    t.add(Attribute.ofBool(Cryptoki.CKA_TOKEN, true));
    t.add(Attribute.ofBool(Cryptoki.CKA_PRIVATE, true));
    t.add(Attribute.ofBool(Cryptoki.CKA_SENSITIVE, true));
    t.add(Attribute.ofBool(Cryptoki.CKA_EXTRACTABLE, false));
    t.add(Attribute.ofBool(Cryptoki.CKA_ENCRYPT, true));
    t.add(Attribute.ofBool(Cryptoki.CKA_DECRYPT, true));
    t.add(Attribute.ofText(Cryptoki.CKA_LABEL, label));
    t.add(new Attribute(Cryptoki.CKA_ID, id));
    long session;
    try {
      session = token.openReadWrite();
    } catch (CkException e) {
      throw Failures.of(uri, e);
    }
    try {
      return token
          .cryptoki()
          .generateKey(session, new Cryptoki.Mechanism(Cryptoki.CKM_AES_KEY_GEN, null), t);
    } catch (CkException e) {
      throw new KeyException(
          Failures.of(uri, e).reason(),
          uri.display() + ": the token could not generate an AES-256 key (" + e.getMessage() + ")");
    } finally {
      token.cryptoki().closeSession(session);
    }
  }

  /** Refuses a key that is not a confined AES key: the master key must never leave the token. */
  private void checkUsable() throws KeyException {
    Pkcs11Keys.Protection p = protection();
    if (!p.sensitive() || p.extractable()) {
      throw new KeyException(
          KeyException.Reason.NOT_ALLOWED,
          reference
              + ": the wrapping key is extractable or not sensitive; generate one with"
              + " CKA_SENSITIVE=true and CKA_EXTRACTABLE=false");
    }
    long type;
    try {
      type =
          token.onAnchor(s -> {
            byte[] v = token.cryptoki().attribute(s, handle, Cryptoki.CKA_KEY_TYPE);
            return v == null || v.length != 8 ? -1L : Cryptoki.asLong(v);
          });
    } catch (CkException e) {
      throw Failures.of(reference, e);
    }
    if (type != Cryptoki.CKK_AES) {
      throw new KeyException(
          KeyException.Reason.NOT_ALLOWED, reference + ": the wrapping key is not an AES key");
    }
  }

  /** Where the key lives, PIN redacted. */
  public String reference() {
    return reference;
  }

  /** CKA_SENSITIVE, CKA_EXTRACTABLE and CKA_NEVER_EXTRACTABLE as the token reports them now. */
  public Pkcs11Keys.Protection protection() throws KeyException {
    return Pkcs11Keys.protection(token, handle, reference);
  }

  /** {@code ciphertext ‖ tag} under the token's key. */
  public byte[] encrypt(byte[] iv, byte[] aad, byte[] plaintext) throws KeyException {
    byte[] out = run(true, iv, aad, plaintext);
    if (out == null) {
      throw new IllegalStateException("encryption has no authentication failure");
    }
    return out;
  }

  /**
   * The plaintext, or null when the ciphertext does not authenticate under this key, IV and AAD
   * (the token answers CKR_ENCRYPTED_DATA_INVALID, CKR_ENCRYPTED_DATA_LEN_RANGE, or — SoftHSM —
   * CKR_GENERAL_ERROR from C_Decrypt). Other token failures throw.
   */
  public byte @Nullable [] decrypt(byte[] iv, byte[] aad, byte[] sealed) throws KeyException {
    if (sealed.length < 16) {
      return null;
    }
    return run(false, iv, aad, sealed);
  }

  private byte @Nullable [] run(boolean encrypt, byte[] iv, byte[] aad, byte[] input)
      throws KeyException {
    if (iv.length != IV_BYTES) {
      throw new IllegalArgumentException("AES-GCM here takes a 12-byte IV");
    }
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
        byte[] out = token.cryptoki().aesGcm(session, encrypt, handle, iv, aad, input);
        ok = true;
        return out;
      } catch (CkException e) {
        long rv = e.rv();
        if (!encrypt
            && (rv == Cryptoki.CKR_ENCRYPTED_DATA_INVALID
                || rv == Cryptoki.CKR_ENCRYPTED_DATA_LEN_RANGE
                || rv == Cryptoki.CKR_GENERAL_ERROR)) {
          // SoftHSM (and other OpenSSL-backed modules) answer a failed GCM tag from C_Decrypt
          // with CKR_GENERAL_ERROR. A genuine device fault is then also reported as "does not
          // authenticate": both fail closed, and a sick token shows in every other call.
          return null; // the session is discarded below: its operation state is unknown
        }
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

  /** Releases the token (the last user logs out). Idempotent. */
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
    return "Pkcs11WrappingKey[" + reference + "]";
  }
}
