package dev.signet.keys;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import dev.signet.SuppressForbidden;
import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonValue;
import dev.signet.json.JsonWriter;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A JSON Web Key Set loaded from a file (RFC 7517), the way Buildkite's agent loads its signing and
 * verification keys (spec §7.2). A bare JWK is accepted as a set of one.
 *
 * <p>Loading checks structure only; {@link #signer} applies the signing rules (an allowed algorithm
 * whose key type and curve match, no HMAC, no RSASSA-PKCS1-v1_5) and {@link #verificationKeys} the
 * verification rules (every key names an algorithm Signet supports). Key material never appears in
 * messages: keys are named by {@code kid} and RFC 7638 thumbprint.
 */
public final class KeySet {
  /** Smallest RSA modulus Signet signs with. */
  static final int MIN_RSA_BITS = 2048;

  /** Longest key ID shown in full in messages; generated IDs have at most 128 characters. */
  static final int MAX_KID_SHOWN = 128;

  /** Longest algorithm name shown in full; real JWA names are short. */
  static final int MAX_ALG_SHOWN = 32;

  private static final java.util.regex.Pattern LINE_BREAK = java.util.regex.Pattern.compile("\\R");

  private final String source;
  private final List<JWK> keys;

  private KeySet(String source, List<JWK> keys) {
    this.source = source;
    this.keys = List.copyOf(keys);
  }

  /** Parses JWKS (or single JWK) JSON text; {@code source} names the file in errors. */
  public static KeySet parse(String json, String source) throws KeyException {
    JsonValue tree;
    try {
      // Our strict reader first: duplicate members and oversized input are refused before Nimbus.
      tree = new JsonReader(InputLimits.DEFAULT).parse(json, source);
    } catch (InputException e) {
      throw new KeyException(KeyException.Reason.MALFORMED, e.getMessage(), e);
    }
    if (!(tree instanceof JsonObject obj)) {
      throw malformed(source, "expected a JWKS object {\"keys\": [...]} or a single JWK");
    }
    List<JWK> keys = new ArrayList<>();
    try {
      if (obj.has("keys")) {
        if (!(obj.get("keys") instanceof dev.signet.json.JsonArray arr)) {
          throw malformed(source, "\"keys\" must be an array");
        }
        int i = 0;
        for (JsonValue k : arr.items()) {
          keys.add(parseOne(k, source, "keys[" + i++ + "]"));
        }
      } else if (obj.has("kty")) {
        keys.add(parseOne(obj, source, "key"));
      } else {
        throw malformed(source, "expected a JWKS object {\"keys\": [...]} or a single JWK");
      }
    } catch (KeyException e) {
      throw e;
    }
    if (keys.isEmpty()) {
      throw malformed(source, "the key set is empty");
    }
    // Two keys with one kid make "the key with this kid" ambiguous, for signing and verifying
    // alike; which one wins would depend on file order (Wycheproof json_web_key tcId 4).
    java.util.Set<String> kids = new java.util.HashSet<>();
    for (JWK k : keys) {
      if (k.getKeyID() != null && !kids.add(k.getKeyID())) {
        throw new KeyException(
            KeyException.Reason.AMBIGUOUS,
            source
                + ": more than one key has kid "
                + JsonWriter.quoteOneLine(k.getKeyID(), MAX_KID_SHOWN)
                + "; key IDs must be unique");
      }
    }
    return new KeySet(source, keys);
  }

  private static JWK parseOne(JsonValue k, String source, String where) throws KeyException {
    if (!(k instanceof JsonObject o)) {
      throw malformed(source, where + ": a key must be a JSON object");
    }
    try {
      return JWK.parse(dev.signet.json.JsonWriter.compact(o));
    } catch (ParseException | RuntimeException e) {
      // Nimbus messages describe structure (e.g. "Missing required \"x\" parameter"), not values.
      String msg = e.getMessage() == null ? "invalid JWK" : e.getMessage();
      throw new KeyException(
          KeyException.Reason.MALFORMED,
          source + ": " + where + ": " + LINE_BREAK.matcher(msg).replaceAll(" "),
          e);
    }
  }

  private static KeyException malformed(String source, String message) {
    return new KeyException(KeyException.Reason.MALFORMED, source + ": " + message);
  }

  public String source() {
    return source;
  }

  /** What is in the set, without key material. */
  public List<KeyInfo> describe() {
    List<KeyInfo> out = new ArrayList<>();
    for (JWK k : keys) {
      out.add(info(k));
    }
    return out;
  }

  private static KeyInfo info(JWK k) {
    String thumb;
    try {
      thumb = HexFormat.of().formatHex(k.computeThumbprint().decode());
    } catch (com.nimbusds.jose.JOSEException e) {
      thumb = "";
    }
    return new KeyInfo(
        k.getKeyID(),
        k.getAlgorithm() == null ? null : k.getAlgorithm().getName(),
        k.getKeyType().getValue(),
        k.isPrivate(),
        thumb);
  }

  /**
   * The signer for {@code keyId}, or for the only key when {@code keyId} is null. Applies the
   * signing rules of spec §7.2, stricter where Buildkite is lax: the curve must match the algorithm
   * and RSA keys must have at least 2048 bits.
   */
  public Signer signer(@Nullable String keyId) throws KeyException {
    return (Signer) fileKey(keyId);
  }

  /**
   * The signing key with {@code keyId} as a backend-neutral {@link SigningKey}, for artifact
   * signing and anything else that wants native signatures and the public half. Same rules as
   * {@link #signer}.
   */
  public SigningKey signingKey(@Nullable String keyId) throws KeyException {
    return fileKey(keyId);
  }

  private SigningKey fileKey(@Nullable String keyId) throws KeyException {
    JWK key = select(keyId);
    String name = source + ": " + describeKey(key);
    // Messages start with Buildkite's error sentinels (spec §7.2, jwkutil) so that users and
    // scripts that know the agent's wording find it here too.
    if (key.getAlgorithm() == null) {
      throw notAllowed(
          name + ": key is missing algorithm (\"alg\"); every signing key must name its algorithm");
    }
    String algName = key.getAlgorithm().getName();
    Algorithm alg =
        Algorithm.fromJwa(algName)
            .orElseThrow(() ->
                notAllowed(
                    name
                        + ": unsupported signing algorithm "
                        + JsonWriter.quoteOneLine(algName, MAX_ALG_SHOWN)
                        + ": "
                        + whyNot(algName)));
    if (alg.isSymmetric()) {
      throw notAllowed(
          name
              + ": unsupported signing algorithm "
              + alg
              + ": an HMAC key is a shared secret, and every verifier holding it could forge"
              + " signatures; use EdDSA, ES256, ES512 or PS512");
    }
    if (!alg.allowedForFileSigning()) {
      throw notAllowed(
          name + ": unsupported signing algorithm " + alg + "; use EdDSA, ES256, ES512 or PS512");
    }
    checkKeyType(key, alg, name);
    if (!key.isPrivate()) {
      throw notAllowed(name + " is a public key; signing needs the private key file");
    }
    try {
      return switch (key) {
        case OctetKeyPair okp -> {
          byte[] d = okp.getDecodedD();
          byte[] x = okp.getDecodedX();
          if (d.length != Primitives.ED25519_KEY_BYTES
              || !java.security.MessageDigest.isEqual(Primitives.ed25519PublicFromSecret(d), x)) {
            throw notAllowed(name + ": the private key does not match its public key \"x\"");
          }
          PublicKey pub;
          try {
            pub = Primitives.ed25519PublicKey(x);
          } catch (java.security.GeneralSecurityException e) {
            throw new KeyException(KeyException.Reason.MALFORMED, name + ": invalid key material");
          }
          yield new Ed25519Signer(key.getKeyID(), d, x, pub, reference(key));
        }
        case ECKey ec ->
            consistent(
                new JcaSigner(
                    alg, key.getKeyID(), ec.toECPrivateKey(), ec.toECPublicKey(), reference(key)),
                ec.toECPublicKey(),
                name);
        case RSAKey rsa ->
            consistent(
                new JcaSigner(
                    alg,
                    key.getKeyID(),
                    rsa.toRSAPrivateKey(),
                    rsa.toRSAPublicKey(),
                    reference(key)),
                rsa.toRSAPublicKey(),
                name);
        default -> throw notAllowed(name + ": unsupported key type " + key.getKeyType());
      };
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new KeyException(KeyException.Reason.MALFORMED, name + ": invalid key material");
    }
  }

  /**
   * A pairwise-consistency check: the private half must sign what the public half verifies.
   * Otherwise every signature would be refused by every agent holding the published public key, and
   * the mistake would surface only at run time.
   */
  private String reference(JWK key) {
    return "file:" + source + (key.getKeyID() == null ? "" : "#" + key.getKeyID());
  }

  private static SigningKey consistent(JcaSigner signer, PublicKey publicKey, String name)
      throws KeyException {
    byte[] probe =
        "signet key pairwise-consistency check".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    boolean matches;
    try {
      matches = Primitives.jcaVerify(signer.algorithm(), publicKey, probe, signer.sign(probe));
    } catch (KeyException e) {
      // The JDK's RSA-CRT fault check refuses to sign with mismatched CRT members.
      matches = false;
    }
    if (!matches) {
      throw new KeyException(
          KeyException.Reason.NOT_ALLOWED,
          name + ": the private key does not match its public key");
    }
    return signer;
  }

  private static String whyNot(String alg) {
    if (alg.equals("none")) {
      return "\"none\" means no signature at all";
    }
    if (alg.startsWith("RS")) {
      return "RSASSA-PKCS1-v1_5 is the weaker RSA padding; use PS512";
    }
    return "Signet signs with EdDSA, ES256, ES512 or PS512";
  }

  /** The key set used to verify signatures; every key must name an algorithm Signet supports. */
  public VerificationKeys verificationKeys() throws KeyException {
    List<Verifier> verifiers = new ArrayList<>();
    for (JWK key : keys) {
      String name = source + ": " + describeKey(key);
      if (key.getAlgorithm() == null) {
        throw notAllowed(
            name
                + " is missing algorithm (\"alg\"); every verification key must name its"
                + " algorithm");
      }
      String algName = key.getAlgorithm().getName();
      Algorithm alg =
          Algorithm.fromJwa(algName)
              .orElseThrow(() ->
                  notAllowed(
                      name
                          + " has unsupported algorithm "
                          + JsonWriter.quoteOneLine(algName, MAX_ALG_SHOWN)));
      if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
        continue; // jwx skips keys whose use is not "sig"
      }
      if (key.getKeyOperations() != null
          && !key.getKeyOperations().contains(com.nimbusds.jose.jwk.KeyOperation.VERIFY)) {
        // The same rule for RFC 7517 key_ops (Wycheproof "rejectWrongKeyOps"): a key declared
        // for other operations, such as encryption, never verifies signatures.
        continue;
      }
      checkKeyType(key, alg, name);
      try {
        verifiers.add(
            switch (key) {
              case OctetKeyPair okp ->
                  Ed25519Verifier.create(key.getKeyID(), okp.getDecodedX(), name);
              case ECKey ec -> new JcaVerifier(alg, key.getKeyID(), ec.toECPublicKey());
              case RSAKey rsa -> new JcaVerifier(alg, key.getKeyID(), rsa.toRSAPublicKey());
              case OctetSequenceKey oct -> new HmacVerifier(alg, key.getKeyID(), oct.toByteArray());
              default -> throw notAllowed(name + ": unsupported key type " + key.getKeyType());
            });
      } catch (com.nimbusds.jose.JOSEException e) {
        throw new KeyException(KeyException.Reason.MALFORMED, name + ": invalid key material");
      }
    }
    if (verifiers.isEmpty()) {
      throw notAllowed(source + ": no key in the set may be used for signatures");
    }
    // A set of public keys is meant to be shared; an HMAC secret in it is leaked with it, and
    // anyone holding the file can then forge that key's signatures (Wycheproof json_web_key
    // tcId 1). Buildkite's HMAC verification sets hold HMAC keys only.
    if (verifiers.stream().anyMatch(v -> v.algorithm().isSymmetric())
        && verifiers.stream().anyMatch(v -> !v.algorithm().isSymmetric())) {
      throw notAllowed(
          source
              + ": the set mixes HMAC shared secrets with public keys; keep HMAC keys in a"
              + " separate verification file");
    }
    return new JwksVerificationKeys(source, verifiers);
  }

  /**
   * The public half of every signature key, for checking native (cosign, Sigstore) signatures: the
   * same selection and rules as {@link #verificationKeys}, without HMAC keys, which can never
   * verify a signature someone else is meant to check.
   */
  public List<VerifyingKey> verifyingKeys() throws KeyException {
    List<VerifyingKey> out = new ArrayList<>();
    for (JWK key : keys) {
      String name = source + ": " + describeKey(key);
      if (key instanceof OctetSequenceKey) {
        continue;
      }
      if (key.getAlgorithm() == null) {
        throw notAllowed(
            name
                + " is missing algorithm (\"alg\"); every verification key must name its"
                + " algorithm");
      }
      String algName = key.getAlgorithm().getName();
      Algorithm alg =
          Algorithm.fromJwa(algName)
              .orElseThrow(() -> notAllowed(name + " has unsupported algorithm " + algName));
      if ((key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse()))
          || (key.getKeyOperations() != null
              && !key.getKeyOperations().contains(com.nimbusds.jose.jwk.KeyOperation.VERIFY))) {
        continue;
      }
      checkKeyType(key, alg, name);
      PublicKey pub;
      try {
        pub =
            switch (key) {
              case OctetKeyPair okp -> {
                if (Primitives.ed25519Point(okp.getDecodedX()) == null) {
                  throw new KeyException(
                      KeyException.Reason.MALFORMED,
                      name + ": \"x\" is not a valid Ed25519 public key");
                }
                yield Primitives.ed25519PublicKey(okp.getDecodedX());
              }
              case ECKey ec -> ec.toECPublicKey();
              case RSAKey rsa -> rsa.toRSAPublicKey();
              default -> throw notAllowed(name + ": unsupported key type " + key.getKeyType());
            };
      } catch (com.nimbusds.jose.JOSEException | java.security.GeneralSecurityException e) {
        throw new KeyException(KeyException.Reason.MALFORMED, name + ": invalid key material");
      }
      out.add(VerifyingKey.of(pub, alg, key.getKeyID(), source));
    }
    if (out.isEmpty()) {
      throw notAllowed(source + ": no key in the set may be used for signatures");
    }
    return out;
  }

  /** The public half of every key, as compact JWKS JSON with members in alphabetical order. */
  @SuppressForbidden(reason = "serialises toPublicJWK() results only; HMAC secrets are skipped")
  public String toPublicJson() {
    List<JsonValue> out = new ArrayList<>();
    for (JWK k : keys) {
      JWK pub = k instanceof OctetSequenceKey ? null : k.toPublicJWK();
      if (pub != null) {
        out.add(JwkJson.sorted(pub.toJSONObject()));
      }
    }
    return JwkJson.set(out);
  }

  /** The JWK with {@code keyId}, or the only one; package-private for key export. */
  JWK select(@Nullable String keyId) throws KeyException {
    if (keyId == null || keyId.isEmpty()) {
      if (keys.size() != 1) {
        throw new KeyException(
            KeyException.Reason.AMBIGUOUS,
            source
                + ": a signing key ID is required when using a JWKS that does not have exactly"
                + " one signing key (this set has "
                + keys.size()
                + "; pass --jwks-key-id)");
      }
      return keys.getFirst();
    }
    for (JWK k : keys) {
      if (keyId.equals(k.getKeyID())) {
        return k;
      }
    }
    throw new KeyException(
        KeyException.Reason.NOT_FOUND,
        source
            + ": signing key ID "
            + JsonWriter.quoteOneLine(keyId, MAX_KID_SHOWN)
            + " could not be found in JWKS");
  }

  private static void checkKeyType(JWK key, Algorithm alg, String name) throws KeyException {
    boolean ok =
        switch (alg.keyType()) {
          case OKP -> key instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve());
          case EC ->
              key instanceof ECKey ec
                  && ec.getCurve()
                      .equals(
                          switch (alg) {
                            case ES256 -> Curve.P_256;
                            case ES384 -> Curve.P_384;
                            default -> Curve.P_521;
                          });
          case RSA -> key instanceof RSAKey rsa && rsa.size() >= MIN_RSA_BITS;
          // Short HMAC keys are accepted (Buildkite's own HS256 test keys are 6 and 7 bytes), an
          // empty one is not: it verifies nothing and the JDK refuses it with an unchecked error.
          case OCT -> key instanceof OctetSequenceKey oct && oct.toByteArray().length > 0;
        };
    if (!ok) {
      String detail =
          switch (alg.keyType()) {
            case OKP -> "EdDSA needs an OKP key on curve Ed25519";
            case EC ->
                alg
                    + " needs an EC key on curve "
                    + (alg == Algorithm.ES256
                        ? "P-256"
                        : alg == Algorithm.ES384 ? "P-384" : "P-521");
            case RSA -> alg + " needs an RSA key of at least " + MIN_RSA_BITS + " bits";
            case OCT -> alg + " needs a non-empty oct key";
          };
      throw notAllowed(name + ": unsupported signing algorithm for key type (" + detail + ")");
    }
  }

  static String describeKey(JWK k) {
    return describeKeyId(k.getKeyID());
  }

  /**
   * A key named by its ID for a message. The ID comes from a key file or a JWS header, so it is
   * quoted with escapes and cut short: a message stays one line whatever the input holds.
   */
  public static String describeKeyId(@Nullable String kid) {
    return kid == null ? "key without kid" : "key " + JsonWriter.quoteOneLine(kid, MAX_KID_SHOWN);
  }

  private static KeyException notAllowed(String message) {
    return new KeyException(KeyException.Reason.NOT_ALLOWED, message);
  }

  /**
   * What a key is, without its material.
   *
   * @param thumbprint RFC 7638 SHA-256 thumbprint in hex, as Buildkite logs it
   */
  public record KeyInfo(
      @Nullable String keyId,
      @Nullable String algorithm,
      String keyType,
      boolean isPrivate,
      String thumbprint) {}

  // ---- implementations ----

  /** A class, not a record: a record would expose the secret through an accessor. */
  private static final class Ed25519Signer implements Signer, SigningKey {
    private final @Nullable String keyId;
    private final byte[] secret;
    private final byte[] rawPublicKey;
    private final PublicKey publicKey;
    private final String reference;

    Ed25519Signer(
        @Nullable String keyId,
        byte[] secret,
        byte[] rawPublicKey,
        PublicKey publicKey,
        String reference) {
      this.keyId = keyId;
      this.secret = secret.clone();
      this.rawPublicKey = rawPublicKey.clone();
      this.publicKey = publicKey;
      this.reference = reference;
    }

    @Override
    public @Nullable String keyId() {
      return keyId;
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
    public Algorithm algorithm() {
      return Algorithm.EdDSA;
    }

    @Override
    public byte[] sign(byte[] signingInput) {
      return Primitives.ed25519Sign(secret, rawPublicKey, signingInput);
    }

    @Override
    public byte[] signMessage(byte[] message) {
      return sign(message);
    }

    @Override
    public byte[] signDigest(byte[] digest) throws KeyException {
      throw noEdDsaDigest(reference);
    }

    @Override
    public String toString() {
      return "Ed25519Signer[kid=" + keyId + "]"; // never the key
    }
  }

  static KeyException noEdDsaDigest(String reference) {
    return new KeyException(
        KeyException.Reason.NOT_ALLOWED,
        reference
            + ": an Ed25519 key signs the whole message and cannot sign a precomputed digest");
  }

  private record JcaSigner(
      Algorithm algorithm,
      @Nullable String keyId,
      PrivateKey key,
      PublicKey publicKey,
      String reference)
      implements Signer, SigningKey {
    @Override
    public byte[] signMessage(byte[] message) throws KeyException {
      return nativeSign(message, false);
    }

    @Override
    public byte[] signDigest(byte[] digest) throws KeyException {
      return nativeSign(digest, true);
    }

    private byte[] nativeSign(byte[] input, boolean digest) throws KeyException {
      try {
        return Primitives.jcaSignNative(algorithm, key, input, digest);
      } catch (java.security.GeneralSecurityException e) {
        throw new KeyException(
            KeyException.Reason.SIGNING_FAILED,
            reference + ": signing failed: " + e.getClass().getSimpleName());
      }
    }

    @Override
    public byte[] sign(byte[] signingInput) throws KeyException {
      try {
        return Primitives.jcaSign(algorithm, key, signingInput);
      } catch (java.security.GeneralSecurityException e) {
        throw new KeyException(
            KeyException.Reason.SIGNING_FAILED,
            "signing with " + describeKeyId(keyId) + " failed: " + e.getClass().getSimpleName());
      }
    }

    @Override
    public String toString() {
      return "JcaSigner[" + algorithm + ", kid=" + keyId + "]";
    }
  }

  private record Ed25519Verifier(
      @Nullable String keyId, org.bouncycastle.math.ec.rfc8032.Ed25519.PublicPoint point)
      implements Verifier {
    static Ed25519Verifier create(@Nullable String keyId, byte[] x, String name)
        throws KeyException {
      var point = Primitives.ed25519Point(x);
      if (point == null) {
        throw new KeyException(
            KeyException.Reason.MALFORMED, name + ": \"x\" is not a valid Ed25519 public key");
      }
      return new Ed25519Verifier(keyId, point);
    }

    @Override
    public Algorithm algorithm() {
      return Algorithm.EdDSA;
    }

    @Override
    public boolean verify(byte[] signingInput, byte[] signature) {
      return Primitives.ed25519Verify(point, signingInput, signature);
    }
  }

  private record JcaVerifier(Algorithm algorithm, @Nullable String keyId, PublicKey key)
      implements Verifier {
    @Override
    public boolean verify(byte[] signingInput, byte[] signature) {
      return Primitives.jcaVerify(algorithm, key, signingInput, signature);
    }
  }

  /** A class, not a record: a record would expose the secret through an accessor. */
  private static final class HmacVerifier implements Verifier {
    private final Algorithm algorithm;
    private final @Nullable String keyId;
    private final byte[] secret;

    HmacVerifier(Algorithm algorithm, @Nullable String keyId, byte[] secret) {
      this.algorithm = algorithm;
      this.keyId = keyId;
      this.secret = secret.clone();
    }

    @Override
    public Algorithm algorithm() {
      return algorithm;
    }

    @Override
    public @Nullable String keyId() {
      return keyId;
    }

    @Override
    public boolean verify(byte[] signingInput, byte[] signature) {
      return Primitives.hmacVerify(algorithm, secret, signingInput, signature);
    }

    @Override
    public String toString() {
      return "HmacVerifier[" + algorithm + ", kid=" + keyId + "]";
    }
  }
}
