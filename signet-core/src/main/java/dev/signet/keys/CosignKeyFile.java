package dev.signet.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.json.JsonInteger;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.json.JsonWriter;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import org.bouncycastle.crypto.generators.SCrypt;
import org.jspecify.annotations.Nullable;

/**
 * {@code cosign.key}: a PKCS#8 private key encrypted with a password, as cosign's {@code
 * generate-key-pair} and {@code import-key-pair} write it (go-securesystemslib {@code encrypted}).
 * The PEM body is JSON naming the KDF (scrypt, with salt and N/r/p) and the cipher (NaCl secretbox,
 * with its nonce), and holding {@code tag ‖ ciphertext}.
 *
 * <h3>Security guarantees</h3>
 *
 * <ul>
 *   <li>Decryption runs scrypt only with the parameter sets cosign accepts (N = 32768, 65536 or
 *       131072; r = 8; p = 1), so a hostile file cannot make Signet spend gigabytes or minutes.
 *   <li>The Poly1305 tag is verified in constant time before anything is decrypted. A wrong
 *       password and an altered file are the same refusal ({@link KeyException.Reason#DENIED}).
 *   <li>The decrypted key is checked like any key file (allowed curve, RSA ≥ 2048 bits, private and
 *       public halves consistent).
 *   <li>Passwords, derived keys and decrypted DER are zeroed after use; messages never contain
 *       them.
 *   <li>Encryption uses N = 65536, r = 8, p = 1 (cosign's current default) with a fresh 32-byte
 *       salt and 24-byte nonce, and the {@code ENCRYPTED SIGSTORE PRIVATE KEY} label.
 * </ul>
 */
public final class CosignKeyFile {
  /** The label cosign writes today. */
  public static final String SIGSTORE_LABEL = "ENCRYPTED SIGSTORE PRIVATE KEY";

  /** The label of keys written by cosign before 2.0; still read. */
  public static final String COSIGN_LABEL = "ENCRYPTED COSIGN PRIVATE KEY";

  static final int ENCRYPT_N = 65536;
  static final int R = 8;
  static final int P = 1;
  private static final Set<Long> ACCEPTED_N = Set.of(32768L, 65536L, 131072L);
  private static final int SALT_BYTES = 32;
  private static final int MAX_CIPHERTEXT_BYTES = 32 << 10;
  private static final InputLimits LIMITS = new InputLimits(Pem.MAX_CHARS, 0, 8, 1, 1);

  private CosignKeyFile() {}

  /** Whether {@code text} is an encrypted cosign key (by its PEM label), without parsing it. */
  public static boolean isEncrypted(String text) {
    String t = text.stripLeading();
    return t.startsWith("-----BEGIN " + SIGSTORE_LABEL + "-----")
        || t.startsWith("-----BEGIN " + COSIGN_LABEL + "-----");
  }

  /**
   * Decrypts a {@code cosign.key}.
   *
   * @param source the file name, for messages
   * @param rsa the algorithm for an RSA key: PS256 (null) or PS512
   * @throws KeyException {@link KeyException.Reason#DENIED} for a wrong password (or a file whose
   *     ciphertext was changed); {@link KeyException.Reason#MALFORMED} for anything that is not a
   *     well-formed cosign key; {@link KeyException.Reason#NOT_ALLOWED} for scrypt parameters
   *     cosign would refuse and keys Signet does not use
   */
  public static SigningKey decrypt(
      String pem, char[] password, String source, @Nullable Algorithm rsa) throws KeyException {
    byte[] pkcs8 = decryptPkcs8(pem, password, source);
    try {
      return LocalKey.fromPkcs8(pkcs8, source, rsa);
    } catch (KeyException e) {
      if (e.reason() == KeyException.Reason.MALFORMED) {
        throw new KeyException(
            KeyException.Reason.MALFORMED,
            source + ": decrypted, but the content is not a PKCS#8 private key Signet can read");
      }
      throw e;
    } finally {
      Arrays.fill(pkcs8, (byte) 0);
    }
  }

  /** The decrypted PKCS#8 DER; the caller zeroes it. */
  static byte[] decryptPkcs8(String pem, char[] password, String source) throws KeyException {
    Pem.Block block = Pem.single(pem, source, "an encrypted cosign key");
    if (!block.label().equals(SIGSTORE_LABEL) && !block.label().equals(COSIGN_LABEL)) {
      throw Pem.malformed(
          source,
          "PEM label \""
              + block.label()
              + "\" is not a cosign key (expected "
              + SIGSTORE_LABEL
              + " or "
              + COSIGN_LABEL
              + ")");
    }
    Sealed sealed = parse(block.der(), source);
    byte[] pw = utf8(password);
    byte[] key = null;
    try {
      key = SCrypt.generate(pw, sealed.salt, sealed.n, R, P, SecretBox.KEY_BYTES);
      byte[] pkcs8 = SecretBox.open(key, sealed.nonce, sealed.ciphertext);
      if (pkcs8 == null) {
        throw new KeyException(
            KeyException.Reason.DENIED,
            source + ": wrong password, or the key file was altered (it does not decrypt)");
      }
      return pkcs8;
    } finally {
      Arrays.fill(pw, (byte) 0);
      if (key != null) {
        Arrays.fill(key, (byte) 0);
      }
    }
  }

  /**
   * Encrypts a key read from a file (JWKS, PEM or cosign.key) as a {@code cosign.key}.
   *
   * @throws KeyException {@link KeyException.Reason#NOT_ALLOWED} for keys that cannot leave their
   *     home (HSM, KMS)
   */
  public static String encrypt(SigningKey key, char[] password, SecureRandom random)
      throws KeyException {
    if (!(key instanceof LocalKey local)) {
      throw new KeyException(
          KeyException.Reason.NOT_ALLOWED,
          key.reference() + ": the private key cannot be exported from where it lives");
    }
    byte[] pkcs8 = local.pkcs8();
    byte[] pw = utf8(password);
    try {
      return encryptPkcs8(pkcs8, pw, ENCRYPT_N, random);
    } finally {
      Arrays.fill(pkcs8, (byte) 0);
      Arrays.fill(pw, (byte) 0);
    }
  }

  static String encryptPkcs8(byte[] pkcs8, byte[] password, int n, SecureRandom random) {
    byte[] salt = new byte[SALT_BYTES];
    byte[] nonce = new byte[SecretBox.NONCE_BYTES];
    random.nextBytes(salt);
    random.nextBytes(nonce);
    byte[] key = SCrypt.generate(password, salt, n, R, P, SecretBox.KEY_BYTES);
    byte[] box;
    try {
      box = SecretBox.seal(key, nonce, pkcs8);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
    Base64.Encoder b64 = Base64.getEncoder();
    // Member order as Go's json.Marshal writes go-securesystemslib's structs.
    JsonObject doc =
        JsonObject.builder()
            .put(
                "kdf",
                JsonObject.builder()
                    .put("name", "scrypt")
                    .put(
                        "params",
                        JsonObject.builder()
                            .put("N", new JsonInteger(BigInteger.valueOf(n)))
                            .put("r", new JsonInteger(BigInteger.valueOf(R)))
                            .put("p", new JsonInteger(BigInteger.valueOf(P)))
                            .build())
                    .put("salt", b64.encodeToString(salt))
                    .build())
            .put(
                "cipher",
                JsonObject.builder()
                    .put("name", "nacl/secretbox")
                    .put("nonce", b64.encodeToString(nonce))
                    .build())
            .put("ciphertext", b64.encodeToString(box))
            .build();
    return Pem.encode(SIGSTORE_LABEL, JsonWriter.compact(doc).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The key {@code kid} of a private JWKS (or its only key) as an exportable key, for writing it as
   * a {@code cosign.key}. The JWK's {@code alg} must fit the key (ES384 for P-384, PS256 or PS512
   * for RSA, …), and the usual checks apply: allowed curves, RSA ≥ 2048 bits, consistent halves.
   */
  public static SigningKey fromJwks(KeySet set, @Nullable String kid) throws KeyException {
    JWK jwk = set.select(kid);
    String name = set.source() + ": " + KeySet.describeKey(jwk);
    if (!jwk.isPrivate()) {
      throw new KeyException(
          KeyException.Reason.NOT_ALLOWED,
          name + " is a public key; exporting a cosign.key needs the private JWKS");
    }
    Algorithm alg =
        jwk.getAlgorithm() == null
            ? null
            : Algorithm.fromJwa(jwk.getAlgorithm().getName()).orElse(null);
    try {
      return switch (jwk) {
        case OctetKeyPair okp when Curve.Ed25519.equals(okp.getCurve()) && alg == Algorithm.EdDSA ->
            LocalKey.fromEd25519(okp.getDecodedD(), okp.getDecodedX(), name);
        case ECKey ec when alg != null && alg == ecAlgorithm(ec.getCurve()) ->
            LocalKey.fromJdk(alg, ec.toECPrivateKey(), ec.toECPublicKey(), name, jwk.getKeyID());
        case RSAKey rsa
            when (alg == Algorithm.PS256 || alg == Algorithm.PS512)
                && rsa.getFirstPrimeFactor() != null
                && rsa.size() >= KeySet.MIN_RSA_BITS ->
            LocalKey.fromJdk(
                alg, rsa.toRSAPrivateKey(), rsa.toRSAPublicKey(), name, jwk.getKeyID());
        default ->
            throw new KeyException(
                KeyException.Reason.NOT_ALLOWED,
                name
                    + ": cannot be a cosign key (needs alg EdDSA on Ed25519, ES256/ES384/ES512 on"
                    + " P-256/P-384/P-521, or PS256/PS512 on RSA ≥ 2048 bits with CRT members)");
      };
    } catch (JOSEException e) {
      throw new KeyException(KeyException.Reason.MALFORMED, name + ": invalid key material");
    }
  }

  private static @Nullable Algorithm ecAlgorithm(Curve curve) {
    if (Curve.P_256.equals(curve)) {
      return Algorithm.ES256;
    }
    if (Curve.P_384.equals(curve)) {
      return Algorithm.ES384;
    }
    return Curve.P_521.equals(curve) ? Algorithm.ES512 : null;
  }

  // ---- the JSON body ----

  @SuppressWarnings("ArrayRecordComponent") // private, read once, holds no secret
  private record Sealed(int n, byte[] salt, byte[] nonce, byte[] ciphertext) {}

  private static Sealed parse(byte[] body, String source) throws KeyException {
    JsonValue tree;
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(body))
              .toString();
      tree = new JsonReader(LIMITS).parse(text, source);
    } catch (CharacterCodingException | InputException e) {
      throw Pem.malformed(source, "the cosign key body is not JSON (truncated or garbled?)");
    }
    if (!(tree instanceof JsonObject doc)) {
      throw field(source, "(body)", "must be a JSON object");
    }
    JsonObject kdf = object(doc, "kdf", source);
    JsonObject params = object(kdf, "params", source, "kdf.params");
    JsonObject cipher = object(doc, "cipher", source);
    if (!"scrypt".equals(string(kdf, "name", source, "kdf.name"))) {
      throw field(source, "kdf.name", "unsupported KDF; cosign keys use scrypt");
    }
    if (!"nacl/secretbox".equals(string(cipher, "name", source, "cipher.name"))) {
      throw field(source, "cipher.name", "unsupported cipher; cosign keys use nacl/secretbox");
    }
    long n = integer(params, "N", source);
    long r = integer(params, "r", source);
    long p = integer(params, "p", source);
    if (!ACCEPTED_N.contains(n) || r != R || p != P) {
      // Checked before scrypt runs: N and r set its memory (128·r·N bytes) and time.
      throw new KeyException(
          KeyException.Reason.NOT_ALLOWED,
          source
              + ": unsupported scrypt parameters N="
              + n
              + ", r="
              + r
              + ", p="
              + p
              + " (cosign accepts N 32768, 65536 or 131072 with r 8 and p 1)");
    }
    byte[] salt = bytes(kdf, "salt", source, "kdf.salt");
    if (salt.length != SALT_BYTES) {
      throw field(source, "kdf.salt", "must be " + SALT_BYTES + " bytes");
    }
    byte[] nonce = bytes(cipher, "nonce", source, "cipher.nonce");
    if (nonce.length != SecretBox.NONCE_BYTES) {
      throw field(source, "cipher.nonce", "must be " + SecretBox.NONCE_BYTES + " bytes");
    }
    byte[] ciphertext = bytes(doc, "ciphertext", source, "ciphertext");
    if (ciphertext.length <= SecretBox.TAG_BYTES || ciphertext.length > MAX_CIPHERTEXT_BYTES) {
      throw field(source, "ciphertext", "has an impossible length (truncated?)");
    }
    return new Sealed((int) n, salt, nonce, ciphertext);
  }

  private static JsonObject object(JsonObject o, String name, String source) throws KeyException {
    return object(o, name, source, name);
  }

  private static JsonObject object(JsonObject o, String name, String source, String path)
      throws KeyException {
    if (!(o.get(name) instanceof JsonObject v)) {
      throw field(source, path, "missing or not an object");
    }
    return v;
  }

  private static String string(JsonObject o, String name, String source, String path)
      throws KeyException {
    if (!(o.get(name) instanceof JsonString s)) {
      throw field(source, path, "missing or not a string");
    }
    return s.value();
  }

  private static long integer(JsonObject o, String name, String source) throws KeyException {
    if (!(o.get(name) instanceof JsonInteger i) || i.value().bitLength() > 62) {
      throw field(source, "kdf.params." + name, "missing or not an integer");
    }
    return i.value().longValue();
  }

  private static byte[] bytes(JsonObject o, String name, String source, String path)
      throws KeyException {
    try {
      return Base64.getDecoder().decode(string(o, name, source, path));
    } catch (IllegalArgumentException e) {
      throw field(source, path, "is not valid base64");
    }
  }

  private static KeyException field(String source, String path, String why) {
    return Pem.malformed(source, "cosign key field " + path + " " + why);
  }

  /** The password's UTF-8 bytes (as cosign uses them), without an intermediate String. */
  @SuppressWarnings("ByteBufferBackingArray") // wiping the whole backing array is the point
  private static byte[] utf8(char[] password) {
    ByteBuffer buf = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
    byte[] out = new byte[buf.remaining()];
    buf.get(out);
    if (buf.hasArray()) {
      Arrays.fill(buf.array(), (byte) 0);
    }
    return out;
  }
}
