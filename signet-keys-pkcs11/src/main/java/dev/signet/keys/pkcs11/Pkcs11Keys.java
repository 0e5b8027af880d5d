package dev.signet.keys.pkcs11;

import static dev.signet.keys.pkcs11.Cryptoki.Attribute;

import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyException;
import dev.signet.keys.KeyRef;
import dev.signet.keys.VerifyingKey;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Signing keys in a PKCS#11 token (an HSM, a smart card, SoftHSM), named by an RFC 7512 reference
 * as cosign writes them: {@code pkcs11:token=ci;object=release?module-path=/usr/lib/softhsm/
 * libsofthsm2.so&pin-source=file:/run/secrets/pin}.
 *
 * <p>The {@code env} map (normally {@link System#getenv()}) supplies what the reference leaves out:
 * the module from {@code SIGNET_PKCS11_MODULE_PATH} or {@code COSIGN_PKCS11_MODULE_PATH}, the PIN
 * from {@code SIGNET_PKCS11_PIN} or {@code COSIGN_PKCS11_PIN}. A PIN in the reference ({@code
 * pin-value}, or a file named by {@code pin-source}) comes first.
 *
 * <p>Algorithms: EdDSA (Ed25519, {@code CKM_EDDSA}), ES256/ES384/ES512 (P-256/384/521, {@code
 * CKM_ECDSA} over a locally computed digest) and PS256/PS512 (RSA ≥ 2048 bits, {@code
 * CKM_RSA_PKCS_PSS}). All go through direct PKCS#11 calls (the FFM API); see {@code
 * docs/keys-pkcs11.md} for why not SunPKCS11.
 *
 * <p>Errors are {@link KeyException}s with one-line messages that name the reference (PIN redacted)
 * and never contain the PIN: {@code UNAVAILABLE} for a missing module or token, {@code DENIED} for
 * a wrong, missing or locked PIN, {@code NOT_FOUND} for a missing key, {@code AMBIGUOUS} when
 * several keys or tokens match, {@code NOT_ALLOWED} for a key of the wrong type, {@code MALFORMED}
 * for a reference this backend cannot follow.
 */
public final class Pkcs11Keys {
  private Pkcs11Keys() {}

  private static final byte[] PROBE =
      "signet PKCS#11 pairwise-consistency check".getBytes(StandardCharsets.UTF_8);

  /**
   * Opens the private key the reference names, with the algorithm its type implies (the curve for
   * EC keys; PS512 for RSA keys). Close it when done: the token stays logged in while any key on it
   * is open.
   */
  public static Pkcs11Key open(KeyRef.Pkcs11 ref, Map<String, String> env) throws KeyException {
    return open(ref, null, env);
  }

  /**
   * Opens the private key the reference names for {@code algorithm}, refusing ({@code NOT_ALLOWED})
   * a key that cannot sign with it. For RSA keys this chooses PS256 or PS512.
   */
  public static Pkcs11Key open(
      KeyRef.Pkcs11 ref, @Nullable Algorithm algorithm, Map<String, String> env)
      throws KeyException {
    Pkcs11Uri uri = Pkcs11Uri.of(ref, env);
    if ("public".equals(uri.type())) {
      throw new KeyException(
          KeyException.Reason.MALFORMED,
          uri.display() + ": type=public names a public key; signing needs the private key");
    }
    Token token = Token.acquire(uri);
    Pkcs11Key key;
    try {
      token.login(uri);
      key = new Pkcs11Key(token, TokenObjects.privateKey(token, uri, algorithm), uri.display());
    } catch (KeyException | RuntimeException e) {
      token.release();
      throw e;
    }
    return checked(key); // from here the key owns the token reference
  }

  /**
   * The public half of the key the reference names, from its public key object: what a verifier
   * needs. Logs in only if a PIN is configured (public objects are normally readable without).
   */
  public static PublicKey publicKey(KeyRef.Pkcs11 ref, Map<String, String> env)
      throws KeyException {
    Pkcs11Uri uri = Pkcs11Uri.of(ref, env);
    Token token = Token.acquire(uri);
    try {
      if (!(uri.pin() instanceof Pkcs11Uri.Pin.None)) {
        token.login(uri);
      }
      return TokenObjects.publicKey(token, uri);
    } finally {
      token.release();
    }
  }

  /**
   * Checks that the token the reference names is present and answers: finds its slot
   * (C_GetSlotList, C_GetTokenInfo) and logs in, or, when this process is logged in already, checks
   * the PIN against the one it used. A readiness probe: cheap when a key on the token is open (the
   * module stays initialised), and the first thing to fail when the token is removed.
   */
  public static void probe(KeyRef.Pkcs11 ref, Map<String, String> env) throws KeyException {
    Pkcs11Uri uri = Pkcs11Uri.of(ref, env);
    Token token = Token.acquire(uri);
    try {
      token.login(uri);
    } finally {
      token.release();
    }
  }

  /**
   * Generates a key pair inside the token — private half sensitive and not extractable — labelled
   * with the reference's {@code object} (and {@code id} if given, else a random 16-byte CKA_ID),
   * and opens it. Refuses ({@code NOT_ALLOWED}) when an object with that label or id exists, so a
   * reference never becomes ambiguous. RSA keys are 3072 bits.
   */
  public static Pkcs11Key generate(KeyRef.Pkcs11 ref, Algorithm algorithm, Map<String, String> env)
      throws KeyException {
    Pkcs11Uri uri = Pkcs11Uri.of(ref, env);
    String label = uri.label();
    if (label == null) {
      throw new KeyException(
          KeyException.Reason.MALFORMED, uri.display() + ": name the new key with object=LABEL");
    }
    if (uri.type() != null && !uri.type().equals("private")) {
      throw new KeyException(
          KeyException.Reason.MALFORMED, uri.display() + ": a new key pair is type=private");
    }
    byte[] id = uri.id();
    if (id == null) {
      id = new byte[16];
      new SecureRandom().nextBytes(id);
    }
    Token token = Token.acquire(uri);
    try {
      token.login(uri);
      refuseExisting(token, uri, label, id);
      long session;
      try {
        session = token.openReadWrite();
      } catch (CkException e) {
        throw Failures.of(uri, e);
      }
      try {
        Templates t = templates(algorithm, label, id, uri);
        token.cryptoki().generateKeyPair(session, t.mechanism(), t.publicKey(), t.privateKey());
      } catch (CkException e) {
        throw new KeyException(
            Failures.of(uri, e).reason(),
            uri.display()
                + ": the token could not generate "
                + algorithm
                + " keys ("
                + e.getMessage()
                + ")");
      } finally {
        token.cryptoki().closeSession(session);
      }
      KeyRef.Pkcs11 withId = ref;
      if (uri.id() == null) {
        Map<String, String> path = new LinkedHashMap<>(ref.pathAttributes());
        path.put("id", new String(id, StandardCharsets.ISO_8859_1));
        withId = new KeyRef.Pkcs11(path, ref.queryAttributes());
      }
      // Opened while we still hold the token, so its login and module stay up in between.
      return open(withId, algorithm, env);
    } finally {
      token.release();
    }
  }

  private static void refuseExisting(Token token, Pkcs11Uri uri, String label, byte[] id)
      throws KeyException {
    try {
      token.onAnchor(session -> {
        Cryptoki ck = token.cryptoki();
        if (ck.findObjects(session, List.of(Attribute.ofText(Cryptoki.CKA_LABEL, label)), 1).length
            > 0) {
          throw new KeyException(
              KeyException.Reason.NOT_ALLOWED,
              uri.display() + ": an object labelled \"" + label + "\" already exists");
        }
        if (ck.findObjects(session, List.of(new Attribute(Cryptoki.CKA_ID, id)), 1).length > 0) {
          throw new KeyException(
              KeyException.Reason.NOT_ALLOWED,
              uri.display() + ": an object with this id already exists");
        }
        return true;
      });
    } catch (CkException e) {
      throw Failures.of(uri, e);
    }
  }

  private record Templates(
      Cryptoki.Mechanism mechanism, List<Attribute> publicKey, List<Attribute> privateKey) {}

  private static Templates templates(Algorithm alg, String label, byte[] id, Pkcs11Uri uri)
      throws KeyException {
    List<Attribute> pub = new ArrayList<>();
    List<Attribute> priv = new ArrayList<>();
    long keyType;
    Cryptoki.Mechanism mechanism;
    switch (alg) {
      case EdDSA -> {
        keyType = Cryptoki.CKK_EC_EDWARDS;
        mechanism = new Cryptoki.Mechanism(Cryptoki.CKM_EC_EDWARDS_KEY_PAIR_GEN, null);
        pub.add(new Attribute(Cryptoki.CKA_EC_PARAMS, TokenObjects.ED25519_OID));
      }
      case ES256, ES384, ES512 -> {
        keyType = Cryptoki.CKK_EC;
        mechanism = new Cryptoki.Mechanism(Cryptoki.CKM_EC_KEY_PAIR_GEN, null);
        pub.add(new Attribute(Cryptoki.CKA_EC_PARAMS, TokenObjects.Curve.of(alg).oid()));
      }
      case PS256, PS512 -> {
        keyType = Cryptoki.CKK_RSA;
        mechanism = new Cryptoki.Mechanism(Cryptoki.CKM_RSA_PKCS_KEY_PAIR_GEN, null);
        pub.add(Attribute.ofLong(Cryptoki.CKA_MODULUS_BITS, 3072));
        pub.add(
            new Attribute(Cryptoki.CKA_PUBLIC_EXPONENT, BigInteger.valueOf(65537).toByteArray()));
      }
      default ->
          throw new KeyException(
              KeyException.Reason.NOT_ALLOWED,
              uri.display() + ": cannot generate " + alg + " keys; choose EdDSA, ES*, or PS*");
    }
    pub.add(Attribute.ofLong(Cryptoki.CKA_CLASS, Cryptoki.CKO_PUBLIC_KEY));
    pub.add(Attribute.ofLong(Cryptoki.CKA_KEY_TYPE, keyType));
    pub.add(Attribute.ofBool(Cryptoki.CKA_TOKEN, true));
    pub.add(Attribute.ofBool(Cryptoki.CKA_PRIVATE, false));
    pub.add(Attribute.ofBool(Cryptoki.CKA_VERIFY, true));
    pub.add(Attribute.ofText(Cryptoki.CKA_LABEL, label));
    pub.add(new Attribute(Cryptoki.CKA_ID, id));
    priv.add(Attribute.ofLong(Cryptoki.CKA_CLASS, Cryptoki.CKO_PRIVATE_KEY));
    priv.add(Attribute.ofLong(Cryptoki.CKA_KEY_TYPE, keyType));
    priv.add(Attribute.ofBool(Cryptoki.CKA_TOKEN, true));
    priv.add(Attribute.ofBool(Cryptoki.CKA_PRIVATE, true));
    priv.add(Attribute.ofBool(Cryptoki.CKA_SENSITIVE, true));
    priv.add(Attribute.ofBool(Cryptoki.CKA_EXTRACTABLE, false));
    priv.add(Attribute.ofBool(Cryptoki.CKA_SIGN, true));
    priv.add(Attribute.ofText(Cryptoki.CKA_LABEL, label));
    priv.add(new Attribute(Cryptoki.CKA_ID, id));
    return new Templates(mechanism, pub, priv);
  }

  /**
   * The pairwise-consistency check: the token signs a probe, and the public half we report must
   * verify it. A private key paired with the wrong public object would otherwise produce signatures
   * every verifier refuses.
   */
  private static Pkcs11Key checked(Pkcs11Key key) throws KeyException {
    boolean ok = false;
    try {
      byte[] sig = key.signMessage(PROBE);
      if (!VerifyingKey.of(key).verifyMessage(PROBE, sig)) {
        throw new KeyException(
            KeyException.Reason.NOT_ALLOWED,
            key.reference()
                + ": the private key does not match the public key object beside it (same CKA_ID)");
      }
      ok = true;
      return key;
    } finally {
      if (!ok) {
        key.close();
      }
    }
  }

  /**
   * A key object's protection attributes as the token reports them.
   *
   * @param sensitive CKA_SENSITIVE: the key's value cannot be read
   * @param extractable CKA_EXTRACTABLE: the key could be wrapped out of the token
   * @param neverExtractable CKA_NEVER_EXTRACTABLE: the key has never been extractable
   */
  public record Protection(boolean sensitive, boolean extractable, boolean neverExtractable) {
    /** Sensitive and never extractable: the key cannot leave the token. */
    public boolean confined() {
      return sensitive && !extractable && neverExtractable;
    }
  }

  static Protection protection(Token token, long handle, String reference) throws KeyException {
    try {
      return token.onAnchor(session -> {
        Cryptoki ck = token.cryptoki();
        return new Protection(
            flag(ck.attribute(session, handle, Cryptoki.CKA_SENSITIVE)),
            flag(ck.attribute(session, handle, Cryptoki.CKA_EXTRACTABLE)),
            flag(ck.attribute(session, handle, Cryptoki.CKA_NEVER_EXTRACTABLE)));
      });
    } catch (CkException e) {
      throw Failures.of(reference, e);
    }
  }

  /** A CK_BBOOL; absent counts as false (for "extractable", absent is checked as not confined). */
  private static boolean flag(byte @Nullable [] value) {
    return value != null && value.length == 1 && value[0] != 0;
  }
}
