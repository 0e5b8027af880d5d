package dev.signet.keys;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import dev.signet.SuppressForbidden;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Generates signing key pairs as JWKS files, like {@code buildkite-agent tool keygen} (spec §7.1):
 * EdDSA by default, a random readable key ID, members in alphabetical order, {@code use: sig}.
 *
 * <p>One deliberate difference: PS512 keys are RSA-3072 (Buildkite makes 2048), the size NIST
 * recommends for keys used beyond 2030. Verification is unaffected by the size.
 */
public final class KeyGenerator {
  /** Key IDs are restricted so they can never need escaping in a JWS header or a file name. */
  static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  static final int RSA_BITS = 3072;

  private KeyGenerator() {}

  /**
   * A generated key pair.
   *
   * @param privateJwks the private JWKS JSON: secret, never log it
   * @param publicJwks the public JWKS JSON
   */
  public record GeneratedKey(
      String keyId, Algorithm algorithm, String privateJwks, String publicJwks) {
    @Override
    public String toString() {
      return "GeneratedKey[" + algorithm + ", kid=" + keyId + ", private=[redacted]]";
    }
  }

  public static boolean isValidKeyId(String keyId) {
    return KEY_ID.matcher(keyId).matches();
  }

  @SuppressForbidden(reason = "writing the new private JWKS is the purpose; it goes to a 0600 file")
  public static GeneratedKey generate(Algorithm alg, String keyId, SecureRandom random)
      throws KeyException {
    if (!alg.allowedForFileSigning()) {
      throw new KeyException(
          KeyException.Reason.NOT_ALLOWED,
          "cannot generate " + alg + " keys; choose EdDSA, ES256, ES512 or PS512");
    }
    if (!isValidKeyId(keyId)) {
      throw new KeyException(
          KeyException.Reason.NOT_ALLOWED,
          "invalid key ID: use 1–128 characters from A-Z a-z 0-9 . _ -, starting with a letter or digit");
    }
    try {
      JWK jwk =
          switch (alg) {
            case EdDSA -> {
              byte[] d = Primitives.ed25519NewSecret(random);
              byte[] x = Primitives.ed25519PublicFromSecret(d);
              yield new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x))
                  .d(Base64URL.encode(d))
                  .keyUse(KeyUse.SIGNATURE)
                  .algorithm(JWSAlgorithm.EdDSA)
                  .keyID(keyId)
                  .build();
            }
            case ES256, ES512 -> {
              KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
              g.initialize(
                  new ECGenParameterSpec(alg == Algorithm.ES256 ? "secp256r1" : "secp521r1"),
                  random);
              KeyPair kp = g.generateKeyPair();
              yield new ECKey.Builder(
                      alg == Algorithm.ES256 ? Curve.P_256 : Curve.P_521,
                      (ECPublicKey) kp.getPublic())
                  .privateKey((ECPrivateKey) kp.getPrivate())
                  .keyUse(KeyUse.SIGNATURE)
                  .algorithm(JWSAlgorithm.parse(alg.jwa()))
                  .keyID(keyId)
                  .build();
            }
            case PS512 -> {
              KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
              g.initialize(new RSAKeyGenParameterSpec(RSA_BITS, RSAKeyGenParameterSpec.F4), random);
              KeyPair kp = g.generateKeyPair();
              yield new RSAKey.Builder((RSAPublicKey) kp.getPublic())
                  .privateKey((RSAPrivateKey) kp.getPrivate())
                  .keyUse(KeyUse.SIGNATURE)
                  .algorithm(JWSAlgorithm.PS512)
                  .keyID(keyId)
                  .build();
            }
            default -> throw new IllegalStateException("unreachable: " + alg);
          };
      String priv = JwkJson.set(List.of(JwkJson.sorted(jwk.toJSONObject())));
      String pub = JwkJson.set(List.of(JwkJson.sorted(jwk.toPublicJWK().toJSONObject())));
      return new GeneratedKey(keyId, alg, priv, pub);
    } catch (GeneralSecurityException e) {
      throw new KeyException(
          KeyException.Reason.SIGNING_FAILED,
          "key generation failed: " + e.getClass().getSimpleName());
    }
  }

  private static final String[] ADJECTIVES = {
    "amber", "brave", "calm", "clever", "cosmic", "crisp", "daring", "eager", "fancy", "gentle",
    "golden", "happy", "humble", "jolly", "keen", "lively", "lucky", "mellow", "merry", "mighty",
    "nimble", "noble", "patient", "plucky", "proud", "quick", "quiet", "rapid", "royal", "rustic",
    "shiny", "silent", "silver", "sleek", "smart", "snowy", "solid", "spry", "steady", "sturdy",
    "sunny", "swift", "tidy", "trusty", "vivid", "warm", "wise", "witty", "zesty", "bold"
  };
  private static final String[] ANIMALS = {
    "alpaca", "badger", "beaver", "bison", "camel", "condor", "cougar", "coyote", "crane", "dingo",
    "dolphin", "eagle", "falcon", "ferret", "gazelle", "gecko", "heron", "ibex", "jackal", "koala",
    "lemur", "llama", "lynx", "marmot", "marten", "moose", "narwhal", "ocelot", "otter", "owl",
    "panda", "pelican", "puffin", "quokka", "raven", "robin", "salmon", "seal", "sparrow", "stoat",
    "swan", "tapir", "tiger", "toucan", "turtle", "walrus", "weasel", "wombat", "yak", "zebra"
  };

  /** A random two-word key ID such as {@code happy-llama}, plus a short suffix against clashes. */
  public static String randomKeyId(SecureRandom random) {
    return ADJECTIVES[random.nextInt(ADJECTIVES.length)]
        + "-"
        + ANIMALS[random.nextInt(ANIMALS.length)]
        + "-"
        + Integer.toString(1000 + random.nextInt(9000));
  }
}
