package dev.signet.tlog;

import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyException;
import dev.signet.keys.VerifyingKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A signed-note verifier key: a key name, its 32-bit key ID and a public key of one signature type.
 * As text (Go's {@code note} "vkey", for config files and {@code --log-key}) it is {@code <name>+<8
 * hex digits of key ID>+<base64(type || key bytes)>}.
 *
 * <p>Two types:
 *
 * <ul>
 *   <li>{@code 0x01} Ed25519 (C2SP signed-note): key bytes are the 32-byte RFC 8032 public key; key
 *       ID = SHA-256(name || 0x0A || 0x01 || key)[0:4].
 *   <li>{@code 0x02} ECDSA, "as implemented by github.com/transparency-dev/witness" (C2SP): its
 *       verifier ({@code transparency-dev/formats} {@code note.NewECDSAVerifier}, the one Rekor v2
 *       uses) takes key bytes = DER SubjectPublicKeyInfo, key ID = SHA-256(SPKI DER)[0:4] (no
 *       name), and checks {@code ecdsa.VerifyASN1(key, SHA-256(text), sig)}: the signature is ASN.1
 *       DER over a SHA-256 digest whatever the curve. We accept P-256 only (C2SP: SHOULD be P-256),
 *       where that is plain ES256 with a DER signature.
 * </ul>
 */
public final class NoteKey {
  static final byte TYPE_ED25519 = 0x01;
  static final byte TYPE_ECDSA = 0x02;

  // SEQUENCE { SEQUENCE { OID 1.3.101.112 } BIT STRING (32 bytes) } (RFC 8410 §4).
  private static final byte[] ED25519_SPKI_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  private final String name;
  private final int keyId;
  private final byte type;
  private final byte[] keyBytes;
  private final VerifyingKey key;

  private NoteKey(String name, int keyId, byte type, byte[] keyBytes, VerifyingKey key) {
    this.name = name;
    this.keyId = keyId;
    this.type = type;
    this.keyBytes = keyBytes;
    this.key = key;
  }

  /**
   * The note key for a public key under {@code name}: Ed25519 keys get type 0x01, P-256 ECDSA keys
   * type 0x02.
   *
   * @throws KeyException for other algorithms, or a name that is empty or holds a space or '+'
   */
  public static NoteKey of(String name, VerifyingKey key) throws KeyException {
    if (!SignedNote.validKeyName(name)) {
      throw new KeyException(
          KeyException.Reason.MALFORMED, "a note key name must be non-empty without spaces or '+'");
    }
    return switch (key.algorithm()) {
      case EdDSA -> {
        byte[] spki = key.spki();
        byte[] raw = Arrays.copyOfRange(spki, ED25519_SPKI_PREFIX.length, spki.length);
        yield new NoteKey(name, ed25519KeyId(name, raw), TYPE_ED25519, raw, key);
      }
      case ES256 -> {
        byte[] spki = key.spki();
        yield new NoteKey(name, id(sha256(spki)), TYPE_ECDSA, spki, key);
      }
      default ->
          throw new KeyException(
              KeyException.Reason.NOT_ALLOWED,
              "a log signs checkpoints with Ed25519 or ECDSA P-256, not " + key.algorithm());
    };
  }

  /** {@link #of(String, VerifyingKey)} for a JDK public key. */
  public static NoteKey of(String name, PublicKey key) throws KeyException {
    return of(name, VerifyingKey.fromSpki(key.getEncoded(), name));
  }

  /** Parses a vkey string. */
  public static NoteKey parse(String vkey, String source) throws InputException {
    if (vkey.length() > InputLimits.MAX_VKEY_CHARS) {
      throw new InputException(
          source, null, "a log key is longer than " + InputLimits.MAX_VKEY_CHARS + " characters");
    }
    String[] parts = vkey.split("\\+", 3);
    if (parts.length != 3) {
      throw new InputException(
          source, null, "a log key is <name>+<key ID hex>+<base64 key>, with no '+' in the name");
    }
    String name = parts[0];
    if (!SignedNote.validKeyName(name)) {
      throw new InputException(source, "key name", "empty or holds a space");
    }
    if (!parts[1].matches("[0-9a-f]{8}")) {
      throw new InputException(source, "key ID", "not 8 lowercase hex digits");
    }
    int claimedId = (int) Long.parseLong(parts[1], 16);
    byte[] blob = TlogJson.base64(parts[2], source, "key");
    if (blob.length < 2) {
      throw new InputException(source, "key", "too short");
    }
    byte[] keyBytes = Arrays.copyOfRange(blob, 1, blob.length);
    NoteKey k;
    try {
      k =
          switch (blob[0]) {
            case TYPE_ED25519 -> {
              if (keyBytes.length != 32) {
                throw new InputException(source, "key", "an Ed25519 key is 32 bytes");
              }
              byte[] spki = new byte[ED25519_SPKI_PREFIX.length + 32];
              System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
              System.arraycopy(keyBytes, 0, spki, ED25519_SPKI_PREFIX.length, 32);
              yield of(name, VerifyingKey.fromSpki(spki, source));
            }
            case TYPE_ECDSA -> {
              VerifyingKey vk = VerifyingKey.fromSpki(keyBytes, source);
              if (vk.algorithm() != Algorithm.ES256) {
                throw new InputException(
                    source, "key", "ECDSA log keys must be P-256, this is " + vk.algorithm());
              }
              yield of(name, vk);
            }
            default ->
                throw new InputException(
                    source,
                    "key",
                    String.format(Locale.ROOT, "unsupported signature type 0x%02x", blob[0]));
          };
    } catch (KeyException e) {
      throw new InputException(source, "key", "not a valid public key");
    }
    if (k.keyId != claimedId) {
      throw new InputException(
          source, "key ID", "is " + parts[1] + " but the key's ID is " + k.keyIdHex());
    }
    return k;
  }

  /** The vkey string. */
  public String format() {
    byte[] blob = new byte[1 + keyBytes.length];
    blob[0] = type;
    System.arraycopy(keyBytes, 0, blob, 1, keyBytes.length);
    return name + "+" + keyIdHex() + "+" + Base64.getEncoder().encodeToString(blob);
  }

  public String name() {
    return name;
  }

  public int keyId() {
    return keyId;
  }

  public String keyIdHex() {
    return String.format(Locale.ROOT, "%08x", keyId);
  }

  public VerifyingKey verifyingKey() {
    return key;
  }

  /** Whether this key made {@code sig} over {@code text} (never throws: malformed is invalid). */
  boolean verify(byte[] text, byte[] sig) {
    return key.verifyMessage(text, sig);
  }

  byte type() {
    return type;
  }

  static int ed25519KeyId(String name, byte[] raw) {
    MessageDigest d = Merkle.sha256();
    d.update(name.getBytes(StandardCharsets.UTF_8));
    d.update((byte) 0x0A);
    d.update(TYPE_ED25519);
    d.update(raw);
    return id(d.digest());
  }

  private static byte[] sha256(byte[] b) {
    return Merkle.sha256().digest(b);
  }

  private static int id(byte[] h) {
    return ((h[0] & 0xff) << 24) | ((h[1] & 0xff) << 16) | ((h[2] & 0xff) << 8) | (h[3] & 0xff);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NoteKey k
        && k.name.equals(name)
        && k.keyId == keyId
        && k.type == type
        && MessageDigest.isEqual(k.keyBytes, keyBytes);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + keyId;
  }

  @Override
  public String toString() {
    return name + "+" + keyIdHex();
  }

  /** For tests and docs: the hex of the raw key bytes. */
  String keyBytesHex() {
    return HexFormat.of().formatHex(keyBytes);
  }
}
