package dev.signet.keys.pkcs11;

import static dev.signet.keys.pkcs11.Cryptoki.Attribute;

import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Finds keys on a token by the reference's {@code object} (CKA_LABEL) and {@code id} (CKA_ID), and
 * reads what they are: key type, curve, the public half. Object handles of token objects are valid
 * in every session of the application, so a key is found once and signed with from any session.
 */
final class TokenObjects {
  private TokenObjects() {}

  /** Enough to tell "one" from "several", and to say how many in a message. */
  private static final int MAX_MATCHES = 16;

  static final int MIN_RSA_BITS = 2048;

  /** A signing key on the token: its handle, what it signs with, its public half. */
  record Found(long handle, Algorithm algorithm, PublicKey publicKey, int signatureLength) {}

  /** The curves Signet signs with, by the DER of their OID (CKA_EC_PARAMS). */
  enum Curve {
    P256("P-256", Algorithm.ES256, 32, "06082a8648ce3d030107"),
    P384("P-384", Algorithm.ES384, 48, "06052b81040022"),
    P521("P-521", Algorithm.ES512, 66, "06052b81040023");

    final String curveName;
    final Algorithm algorithm;
    final int scalarBytes;
    private final String oidHex;

    Curve(String curveName, Algorithm algorithm, int scalarBytes, String oidHex) {
      this.curveName = curveName;
      this.algorithm = algorithm;
      this.scalarBytes = scalarBytes;
      this.oidHex = oidHex;
    }

    /** The DER of the curve's OID, as CKA_EC_PARAMS holds it. */
    byte[] oid() {
      return HexFormat.of().parseHex(oidHex);
    }

    static @Nullable Curve of(byte[] ecParams) {
      String hex = HexFormat.of().formatHex(ecParams);
      for (Curve c : values()) {
        if (c.oidHex.equals(hex)) {
          return c;
        }
      }
      return null;
    }

    static Curve of(Algorithm alg) {
      for (Curve c : values()) {
        if (c.algorithm == alg) {
          return c;
        }
      }
      throw new IllegalArgumentException("not an ECDSA algorithm: " + alg);
    }
  }

  /** id-Ed25519 (1.3.101.112) as DER; PKCS#11 3.0 also allows the curve's name (below). */
  static final byte[] ED25519_OID = HexFormat.of().parseHex("06032b6570");

  /** PrintableString "edwards25519": what pkcs11-tool writes and SoftHSM keeps. */
  static final byte[] ED25519_NAME = HexFormat.of().parseHex("130c656477617264733235353139");

  private static boolean isEd25519(byte[] ecParams) {
    return MessageDigest.isEqual(ecParams, ED25519_OID)
        || MessageDigest.isEqual(ecParams, ED25519_NAME);
  }

  /** The search template for the reference's label and id, for objects of {@code objectClass}. */
  static List<Attribute> template(Pkcs11Uri uri, long objectClass) {
    List<Attribute> t = new ArrayList<>();
    t.add(Attribute.ofLong(Cryptoki.CKA_CLASS, objectClass));
    if (uri.label() != null) {
      t.add(Attribute.ofText(Cryptoki.CKA_LABEL, uri.label()));
    }
    byte[] id = uri.id();
    if (id != null) {
      t.add(new Attribute(Cryptoki.CKA_ID, id));
    }
    return t;
  }

  /**
   * The one private key the reference names, with its public half and algorithm.
   *
   * @param wanted the algorithm the caller insists on, or null to take the key's own (PS512 for
   *     RSA, which can sign both PS256 and PS512)
   */
  static Found privateKey(Token token, Pkcs11Uri uri, @Nullable Algorithm wanted)
      throws KeyException {
    try {
      return token.onAnchor(session -> {
        Cryptoki ck = token.cryptoki();
        long[] found =
            ck.findObjects(session, template(uri, Cryptoki.CKO_PRIVATE_KEY), MAX_MATCHES);
        if (found.length == 0) {
          throw new KeyException(
              KeyException.Reason.NOT_FOUND,
              uri.display()
                  + ": no private key "
                  + what(uri)
                  + " on token \""
                  + token.label()
                  + "\"");
        }
        if (found.length > 1) {
          throw ambiguous(uri, found.length, "private keys");
        }
        long priv = found[0];
        if (Boolean.FALSE.equals(bool(ck, session, priv, Cryptoki.CKA_SIGN))) {
          throw notAllowed(uri, "the key may not sign (CKA_SIGN is false)");
        }
        if (Boolean.TRUE.equals(bool(ck, session, priv, Cryptoki.CKA_ALWAYS_AUTHENTICATE))) {
          throw notAllowed(
              uri,
              "the key wants the PIN again for every signature (CKA_ALWAYS_AUTHENTICATE),"
                  + " which Signet does not support");
        }
        long keyType = keyType(ck, session, priv, uri);
        long pub = publicPartner(ck, session, priv, uri);
        return describe(ck, session, keyType, priv, pub, uri, wanted);
      });
    } catch (CkException e) {
      throw Failures.of(uri, e);
    }
  }

  /** The public half of the key the reference names, read from its public key object. */
  static PublicKey publicKey(Token token, Pkcs11Uri uri) throws KeyException {
    try {
      return token.onAnchor(session -> {
        Cryptoki ck = token.cryptoki();
        long[] found = ck.findObjects(session, template(uri, Cryptoki.CKO_PUBLIC_KEY), MAX_MATCHES);
        if (found.length == 0) {
          throw new KeyException(
              KeyException.Reason.NOT_FOUND,
              uri.display()
                  + ": no public key "
                  + what(uri)
                  + " on token \""
                  + token.label()
                  + "\"");
        }
        if (found.length > 1) {
          throw ambiguous(uri, found.length, "public keys");
        }
        long keyType = keyType(ck, session, found[0], uri);
        return describe(ck, session, keyType, found[0], found[0], uri, null).publicKey();
      });
    } catch (CkException e) {
      throw Failures.of(uri, e);
    }
  }

  /**
   * The public key object beside a private key: the one with the same CKA_ID (how PKCS#11 tools
   * pair them), or with the same label when the private key has no id. -1 when there is none, which
   * only an RSA key survives (its private object carries the modulus and exponent).
   */
  private static long publicPartner(Cryptoki ck, long session, long priv, Pkcs11Uri uri)
      throws CkException, KeyException {
    List<Attribute> t = new ArrayList<>();
    t.add(Attribute.ofLong(Cryptoki.CKA_CLASS, Cryptoki.CKO_PUBLIC_KEY));
    byte[] id = ck.attribute(session, priv, Cryptoki.CKA_ID);
    if (id != null && id.length > 0) {
      t.add(new Attribute(Cryptoki.CKA_ID, id));
    } else {
      byte[] label = ck.attribute(session, priv, Cryptoki.CKA_LABEL);
      if (label == null || label.length == 0) {
        return -1;
      }
      t.add(new Attribute(Cryptoki.CKA_LABEL, label));
    }
    long[] found = ck.findObjects(session, t, MAX_MATCHES);
    if (found.length > 1) {
      throw ambiguous(uri, found.length, "public keys beside the private key");
    }
    return found.length == 0 ? -1 : found[0];
  }

  private static Found describe(
      Cryptoki ck,
      long session,
      long keyType,
      long handle,
      long pub,
      Pkcs11Uri uri,
      @Nullable Algorithm wanted)
      throws CkException, KeyException {
    try {
      if (keyType == Cryptoki.CKK_EC) {
        byte[] params = required(ck, session, handle, Cryptoki.CKA_EC_PARAMS, "CKA_EC_PARAMS", uri);
        Curve curve = Curve.of(params);
        if (curve == null) {
          throw notAllowed(
              uri,
              "the EC key is on a curve Signet does not sign with (CKA_EC_PARAMS "
                  + HexFormat.of().formatHex(params)
                  + "); use P-256, P-384 or P-521");
        }
        expect(uri, wanted, curve.algorithm, "a " + curve.curveName + " key");
        byte[] point = point(ck, session, pub, uri, 1 + 2 * curve.scalarBytes);
        if (point[0] != 0x04) {
          throw malformed(uri, "CKA_EC_POINT is not an uncompressed point");
        }
        return new Found(
            handle, curve.algorithm, Jca.ecPublicKey(curve.oid(), point), 2 * curve.scalarBytes);
      }
      if (keyType == Cryptoki.CKK_EC_EDWARDS) {
        byte[] params = required(ck, session, handle, Cryptoki.CKA_EC_PARAMS, "CKA_EC_PARAMS", uri);
        if (!isEd25519(params)) {
          throw notAllowed(uri, "the Edwards key is not Ed25519 (Ed448 is not supported)");
        }
        expect(uri, wanted, Algorithm.EdDSA, "an Ed25519 key");
        byte[] point = point(ck, session, pub, uri, 32);
        return new Found(handle, Algorithm.EdDSA, Jca.ed25519PublicKey(point), 64);
      }
      if (keyType == Cryptoki.CKK_RSA) {
        long source = pub != -1 ? pub : handle;
        byte[] modulus = required(ck, session, source, Cryptoki.CKA_MODULUS, "CKA_MODULUS", uri);
        byte[] exponent =
            required(ck, session, source, Cryptoki.CKA_PUBLIC_EXPONENT, "CKA_PUBLIC_EXPONENT", uri);
        PublicKey key = Jca.rsaPublicKey(modulus, exponent);
        int bits = ((java.security.interfaces.RSAPublicKey) key).getModulus().bitLength();
        if (bits < MIN_RSA_BITS) {
          throw notAllowed(
              uri, "the RSA key has " + bits + " bits; at least " + MIN_RSA_BITS + " are needed");
        }
        Algorithm alg = wanted == null ? Algorithm.PS512 : wanted;
        if (alg != Algorithm.PS256 && alg != Algorithm.PS512) {
          throw notAllowed(uri, "the key is an RSA key, which cannot sign " + alg);
        }
        return new Found(handle, alg, key, (bits + 7) / 8);
      }
    } catch (GeneralSecurityException e) {
      throw malformed(uri, "the token's public key attributes do not form a valid public key");
    }
    throw notAllowed(
        uri,
        "the key's type (CKA_KEY_TYPE 0x"
            + Long.toHexString(keyType)
            + ") cannot sign here; use an EC (P-256/384/521), Ed25519 or RSA key");
  }

  private static void expect(
      Pkcs11Uri uri, @Nullable Algorithm wanted, Algorithm actual, String what)
      throws KeyException {
    if (wanted != null && wanted != actual) {
      throw notAllowed(uri, "the key is " + what + " (" + actual + "), not " + wanted);
    }
  }

  /**
   * The raw public point from CKA_EC_POINT: PKCS#11 wraps it in a DER OCTET STRING; some tokens
   * return it bare, which is recognised by its exact length.
   */
  private static byte[] point(Cryptoki ck, long session, long pub, Pkcs11Uri uri, int rawLength)
      throws CkException, KeyException {
    if (pub == -1) {
      throw new KeyException(
          KeyException.Reason.NOT_FOUND,
          uri.display()
              + ": the private key has no public key object beside it (same CKA_ID), so its"
              + " public half cannot be read");
    }
    byte[] p = required(ck, session, pub, Cryptoki.CKA_EC_POINT, "CKA_EC_POINT", uri);
    if (p.length == rawLength) {
      return p;
    }
    if (p.length == rawLength + 2 && p[0] == 0x04 && (p[1] & 0xff) == rawLength) {
      return Arrays.copyOfRange(p, 2, p.length);
    }
    if (p.length == rawLength + 3
        && p[0] == 0x04
        && (p[1] & 0xff) == 0x81
        && (p[2] & 0xff) == rawLength) {
      return Arrays.copyOfRange(p, 3, p.length); // P-521: 133 bytes need the long form
    }
    throw malformed(uri, "CKA_EC_POINT is not a " + rawLength + "-byte point");
  }

  private static long keyType(Cryptoki ck, long session, long object, Pkcs11Uri uri)
      throws CkException, KeyException {
    byte[] v = required(ck, session, object, Cryptoki.CKA_KEY_TYPE, "CKA_KEY_TYPE", uri);
    try {
      return Cryptoki.asLong(v);
    } catch (IllegalArgumentException e) {
      throw malformed(uri, "CKA_KEY_TYPE is not a CK_ULONG");
    }
  }

  private static @Nullable Boolean bool(Cryptoki ck, long session, long object, long type)
      throws CkException {
    byte[] v = ck.attribute(session, object, type);
    return (v == null || v.length != 1) ? null : v[0] != 0;
  }

  private static byte[] required(
      Cryptoki ck, long session, long object, long type, String name, Pkcs11Uri uri)
      throws CkException, KeyException {
    byte[] v = ck.attribute(session, object, type);
    if (v == null || v.length == 0) {
      throw malformed(uri, "the token does not reveal " + name + " of the key");
    }
    return v;
  }

  private static String what(Pkcs11Uri uri) {
    List<String> parts = new ArrayList<>();
    if (uri.label() != null) {
      parts.add("labelled \"" + uri.label() + "\"");
    }
    byte[] id = uri.id();
    if (id != null) {
      parts.add("with id " + HexFormat.of().formatHex(id));
    }
    return String.join(" and ", parts);
  }

  private static KeyException ambiguous(Pkcs11Uri uri, int n, String what) {
    return new KeyException(
        KeyException.Reason.AMBIGUOUS,
        uri.display()
            + ": "
            + (n >= MAX_MATCHES ? n + " or more " : n + " ")
            + what
            + " match; add id= (CKA_ID) or a more specific object= to choose one");
  }

  private static KeyException notAllowed(Pkcs11Uri uri, String why) {
    return new KeyException(KeyException.Reason.NOT_ALLOWED, uri.display() + ": " + why);
  }

  private static KeyException malformed(Pkcs11Uri uri, String why) {
    return new KeyException(KeyException.Reason.MALFORMED, uri.display() + ": " + why);
  }
}
