package dev.signet.testing;

import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.json.JsonWriter;
import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyException;
import dev.signet.keys.KeySet;
import dev.signet.keys.Signer;
import dev.signet.keys.VerificationKeys;
import dev.signet.keys.Verifier;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * The fixture keys of {@code buildkite/keys.json} as signers and verification keys, by the ids the
 * vectors use ({@code EdDSA/TEST_DO_NOT_USE}, {@code HS256/llamas#llamas}, ...). HMAC signing
 * exists only here: production code never signs with a shared secret.
 */
public final class TestKeys {
  private TestKeys() {}

  /** HMAC-SHA256 over the JWS signing input, as the Go tests' symmetric keys do. */
  public record HmacSigner(@Nullable String keyId, byte[] secret) implements Signer {
    @Override
    public Algorithm algorithm() {
      return Algorithm.HS256;
    }

    @Override
    public byte[] sign(byte[] signingInput) {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        return mac.doFinal(signingInput);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** A signer for a key id such as {@code EdDSA/TEST_DO_NOT_USE} or {@code HS256/llamas#llamas}. */
  public static Signer signer(String id) throws KeyException {
    if (id.startsWith("HS256/")) {
      JsonObject k = testCodeKey(id);
      return new HmacSigner(
          Vectors.str(k, "jwk", "kid"),
          Vectors.str(k, "raw_secret_utf8").getBytes(StandardCharsets.UTF_8));
    }
    return KeySet.parse(Vectors.buildkiteJwks(id + "-private"), id).signer(null);
  }

  /** Verification keys for one or more key ids (HS256 ids, fixture JWKS ids, or the P-256 PEM). */
  public static VerificationKeys verificationKeys(String... ids) throws Exception {
    if (ids.length == 1 && ids[0].startsWith("ES256/P256-crypto-signer")) {
      return pemVerificationKeys();
    }
    if (ids.length == 1 && !ids[0].startsWith("HS256/")) {
      return KeySet.parse(Vectors.buildkiteJwks(ids[0] + "-public"), ids[0]).verificationKeys();
    }
    List<JsonValue> jwks = new ArrayList<>();
    for (String id : ids) {
      jwks.add(testCodeKey(id).get("jwk"));
    }
    String json = JsonWriter.compact(JsonObject.builder().put("keys", new JsonArray(jwks)).build());
    return KeySet.parse(json, "test keys").verificationKeys();
  }

  /**
   * HS256 verification keys whose bytes are the kid string, as the agent integration tests build.
   */
  public static VerificationKeys hmacKeysNamed(String... kids) throws KeyException {
    List<JsonValue> jwks = new ArrayList<>();
    for (String kid : kids) {
      jwks.add(
          JsonObject.builder()
              .put("kty", "oct")
              .put(
                  "k",
                  Base64.getUrlEncoder()
                      .withoutPadding()
                      .encodeToString(kid.getBytes(StandardCharsets.UTF_8)))
              .put("alg", "HS256")
              .put("kid", kid)
              .build());
    }
    String json = JsonWriter.compact(JsonObject.builder().put("keys", new JsonArray(jwks)).build());
    return KeySet.parse(json, "hmac keys").verificationKeys();
  }

  private static JsonObject testCodeKey(String id) {
    String wanted = id.contains(" (") ? id.substring(0, id.indexOf(" (")) : id;
    for (JsonValue k :
        ((JsonArray) Vectors.load("buildkite/keys.json").get("test_code_keys")).items()) {
      if (((JsonString) ((JsonObject) k).get("id")).value().equals(wanted)) {
        return (JsonObject) k;
      }
    }
    throw new IllegalArgumentException("no test key " + id);
  }

  /**
   * The KMS-style verifier of the ES256 crypto-signer fixture: no kid, ES256 only, as the agent
   * verifies with a KMS key (spec §5).
   */
  private static VerificationKeys pemVerificationKeys() throws GeneralSecurityException {
    String pem = null;
    for (JsonValue f : ((JsonArray) Vectors.load("buildkite/keys.json").get("pem_files")).items()) {
      if (Vectors.str(f, "id").equals("ES256/P256-crypto-signer/public")) {
        pem = Vectors.str(f, "raw");
      }
    }
    String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    PublicKey key =
        KeyFactory.getInstance("EC")
            .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
    Verifier verifier =
        new Verifier() {
          @Override
          public Algorithm algorithm() {
            return Algorithm.ES256;
          }

          @Override
          public @Nullable String keyId() {
            return null;
          }

          @Override
          public boolean verify(byte[] signingInput, byte[] signature) {
            try {
              Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
              s.initVerify(key);
              s.update(signingInput);
              return s.verify(signature);
            } catch (GeneralSecurityException e) {
              return false;
            }
          }
        };
    return new VerificationKeys() {
      @Override
      public Verifier select(Algorithm alg, @Nullable String kid) throws KeyException {
        if (alg != Algorithm.ES256) {
          throw new KeyException(KeyException.Reason.NOT_ALLOWED, "KMS key is ES256");
        }
        return verifier;
      }

      @Override
      public String source() {
        return "P-256 PEM";
      }
    };
  }
}
