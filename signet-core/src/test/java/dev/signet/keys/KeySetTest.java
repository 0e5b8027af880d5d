package dev.signet.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.RSAKey;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.json.JsonWriter;
import dev.signet.testing.Vectors;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Key loading: the signing rules of spec §7.2 (with Buildkite's error wording), key selection, the
 * Buildkite fixture keys, {@link KeyGenerator}'s output, and that no error message ever carries key
 * material.
 */
class KeySetTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  // ---- spec §7.2 signing rules and their messages ----

  @Test
  void keyWithoutAlgIsRefusedForSigningAndVerification() throws Exception {
    String jwks = edit(generated(Algorithm.EdDSA).privateJwks(), k -> k.remove("alg"));
    assertRefused(() -> KeySet.parse(jwks, "k.json").signer(null), "key is missing algorithm");
    assertRefused(
        () -> KeySet.parse(jwks, "k.json").verificationKeys(), "is missing algorithm (\"alg\")");
  }

  @ParameterizedTest
  @ValueSource(strings = {"foo", "ES256K", "RS256", "RS512", "none", "PS384"})
  void algorithmsSignetDoesNotKnowAreRefusedForSigning(String alg) throws Exception {
    String jwks = edit(generated(Algorithm.PS512).privateJwks(), k -> k.put("alg", str(alg)));
    assertRefused(() -> KeySet.parse(jwks, "k.json").signer(null), "unsupported signing algorithm");
  }

  @Test
  void anAlgorithmNameWithLineBreaksIsQuotedOnOneLine() throws Exception {
    // Found by KeySetFuzzTest (crash-115915aa…): "alg" went into the message raw.
    String jwks =
        edit(
            generated(Algorithm.EdDSA).privateJwks(),
            k -> k.put("alg", str("EdDSA\nFAKE\u2028LINE")));
    assertRefused(
        () -> KeySet.parse(jwks, "k.json").signer(null),
        "unsupported signing algorithm \"EdDSA\\nFAKE\\u2028LINE\"");
    assertRefused(
        () -> KeySet.parse(jwks, "k.json").verificationKeys(),
        "has unsupported algorithm \"EdDSA\\nFAKE\\u2028LINE\"");
  }

  @Test
  void rs256IsRefusedWithTheReason() throws Exception {
    String jwks = edit(generated(Algorithm.PS512).privateJwks(), k -> k.put("alg", str("RS256")));
    assertRefused(() -> KeySet.parse(jwks, "k.json").signer(null), "PKCS1-v1_5", "use PS512");
  }

  @Test
  void noneIsRefusedWithTheReason() throws Exception {
    String jwks = edit(generated(Algorithm.EdDSA).privateJwks(), k -> k.put("alg", str("none")));
    assertRefused(() -> KeySet.parse(jwks, "k.json").signer(null), "no signature at all");
    assertRefused(() -> KeySet.parse(jwks, "k.json").verificationKeys(), "unsupported algorithm");
  }

  @Test
  void hmacIsRefusedForSigningSayingWhy() throws Exception {
    String jwks =
        "{\"keys\":[{\"alg\":\"HS256\",\"k\":\""
            + "A".repeat(43)
            + "\",\"kid\":\"h\",\"kty\":\"oct\"}]}";
    assertRefused(
        () -> KeySet.parse(jwks, "k.json").signer(null),
        "unsupported signing algorithm HS256",
        "shared secret",
        "forge");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ES256", "ES512", "PS512"})
  void algorithmMustMatchKeyType(String wrongAlg) throws Exception {
    // An Ed25519 key labelled with an EC or RSA algorithm.
    String jwks = edit(generated(Algorithm.EdDSA).privateJwks(), k -> k.put("alg", str(wrongAlg)));
    assertRefused(
        () -> KeySet.parse(jwks, "k.json").signer(null),
        "unsupported signing algorithm for key type");
    assertRefused(
        () -> KeySet.parse(jwks, "k.json").verificationKeys(),
        "unsupported signing algorithm for key type");
  }

  @Test
  void p256KeyLabelledEs512IsRefused() throws Exception {
    // Buildkite's Validate lets this through (spec §7.2 "Not checked"); Signet checks the curve,
    // since an ES512 signature from a P-256 key is not what any verifier expects.
    String jwks = edit(generated(Algorithm.ES256).privateJwks(), k -> k.put("alg", str("ES512")));
    assertRefused(
        () -> KeySet.parse(jwks, "k.json").signer(null),
        "unsupported signing algorithm for key type",
        "P-521");
    assertRefused(() -> KeySet.parse(jwks, "k.json").verificationKeys(), "P-521");
  }

  @Test
  void rsa1024IsRefusedForSigningAndVerification() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(1024, RANDOM);
    var kp = g.generateKeyPair();
    RSAKey jwk =
        new RSAKey.Builder((RSAPublicKey) kp.getPublic())
            .privateKey((RSAPrivateCrtKey) kp.getPrivate())
            .keyID("small")
            .algorithm(com.nimbusds.jose.JWSAlgorithm.PS512)
            .build();
    String jwks = "{\"keys\":[" + jwk.toJSONString() + "]}";
    assertRefused(() -> KeySet.parse(jwks, "k.json").signer(null), "at least 2048 bits");
    assertRefused(() -> KeySet.parse(jwks, "k.json").verificationKeys(), "at least 2048 bits");
  }

  @ParameterizedTest
  @EnumSource(names = {"EdDSA", "ES256", "ES512", "PS512"})
  void publicKeyIsRefusedForSigning(Algorithm alg) throws Exception {
    assertRefused(
        () -> KeySet.parse(generated(alg).publicJwks(), "pub.json").signer(null),
        "is a public key",
        "private key");
  }

  @Test
  void ecPointNotOnTheCurveIsRefused() throws Exception {
    // Invalid-curve attacks feed points off the curve; such a key must never load.
    String jwks =
        edit(
            generated(Algorithm.ES256).publicJwks(),
            k -> {
              byte[] y = java.util.Base64.getUrlDecoder().decode(((JsonString) k.get("y")).value());
              y[y.length - 1] ^= 1;
              k.put("y", str(java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(y)));
            });
    assertThatThrownBy(() -> KeySet.parse(jwks, "k.json").verificationKeys())
        .isInstanceOf(KeyException.class)
        .hasMessageContaining("curve");
  }

  /**
   * Wycheproof json_web_key tcId 9 ("exponentOne") is refused there for its RS256 label alone;
   * relabelled PS512, the key must still be refused: with e = 1 every message is its own signature.
   */
  @Test
  void rsaPublicExponentOneIsRefused() throws Exception {
    JsonObject key = null;
    for (JsonValue g :
        ((JsonArray) Vectors.load("wycheproof/json_web_key_test.json").get("testGroups")).items()) {
      if (Vectors.str(g, "comment").equals("exponentOne")) {
        key =
            (JsonObject)
                ((JsonArray) ((JsonObject) ((JsonObject) g).get("public")).get("keys")).get(0);
      }
    }
    assertThat(key).isNotNull();
    String jwks =
        edit("{\"keys\":[" + JsonWriter.compact(key) + "]}", k -> k.put("alg", str("PS512")));
    assertRefused(() -> KeySet.parse(jwks, "e1.json").verificationKeys(), "invalid key material");
  }

  // ---- key selection ----

  @Test
  void keyIdSelectsTheSigningKey() throws Exception {
    KeySet set = KeySet.parse(rotationSet(true), "rotation.json");
    assertThat(set.signer("old").keyId()).isEqualTo("old");
    assertThat(set.signer("new").keyId()).isEqualTo("new");
    assertThat(set.signer("new").algorithm()).isEqualTo(Algorithm.ES256);
  }

  @Test
  void ambiguousSetWithoutKeyIdIsRefused() throws Exception {
    assertThatThrownBy(() -> KeySet.parse(rotationSet(true), "rotation.json").signer(null))
        .isInstanceOf(KeyException.class)
        .hasMessageContaining(
            "a signing key ID is required when using a JWKS that does not have exactly one signing"
                + " key")
        .extracting(e -> ((KeyException) e).reason())
        .isEqualTo(KeyException.Reason.AMBIGUOUS);
  }

  @Test
  void unknownKeyIdIsRefused() throws Exception {
    assertThatThrownBy(() -> KeySet.parse(rotationSet(true), "rotation.json").signer("nope"))
        .isInstanceOf(KeyException.class)
        .hasMessageContaining("signing key ID \"nope\" could not be found in JWKS")
        .extracting(e -> ((KeyException) e).reason())
        .isEqualTo(KeyException.Reason.NOT_FOUND);
  }

  @Test
  void duplicateKeyIdsAreRefused() throws Exception {
    String one = keyObject(generated(Algorithm.EdDSA, "same").publicJwks());
    String two = keyObject(generated(Algorithm.EdDSA, "same").publicJwks());
    assertThatThrownBy(() -> KeySet.parse("{\"keys\":[" + one + "," + two + "]}", "dup.json"))
        .isInstanceOf(KeyException.class)
        .hasMessageContaining("more than one key has kid \"same\"");
  }

  @Test
  void bareJwkIsASetOfOne() throws Exception {
    KeyGenerator.GeneratedKey key = generated(Algorithm.EdDSA);
    KeySet set = KeySet.parse(keyObject(key.privateJwks()), "bare.json");
    assertThat(set.describe()).hasSize(1);
    Signer signer = set.signer(null);
    byte[] sig = signer.sign("msg".getBytes(StandardCharsets.UTF_8));
    Verifier v =
        KeySet.parse(keyObject(key.publicJwks()), "bare-pub.json")
            .verificationKeys()
            .select(Algorithm.EdDSA, key.keyId());
    assertThat(v.verify("msg".getBytes(StandardCharsets.UTF_8), sig)).isTrue();
  }

  @Test
  void duplicateJsonMembersAreRefused() {
    String jwks =
        "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"alg\":\"EdDSA\",\"alg\":\"HS256\","
            + "\"x\":\"1qWvxwM10mDkEp1iKU2ODZqaxYkIW6qCiuaJEV1JWrY\"}]}";
    assertThatThrownBy(() -> KeySet.parse(jwks, "dup-member.json"))
        .isInstanceOf(KeyException.class)
        .extracting(e -> ((KeyException) e).reason())
        .isEqualTo(KeyException.Reason.MALFORMED);
  }

  @Test
  void truncatedJsonIsRefused() throws Exception {
    String jwks = generated(Algorithm.EdDSA).publicJwks();
    for (int cut : new int[] {1, jwks.length() / 2, jwks.length() - 1}) {
      assertThatThrownBy(() -> KeySet.parse(jwks.substring(0, cut), "cut.json"))
          .as("cut at %d", cut)
          .isInstanceOf(KeyException.class)
          .extracting(e -> ((KeyException) e).reason())
          .isEqualTo(KeyException.Reason.MALFORMED);
    }
  }

  @Test
  void verificationSkipsKeysNotForSignatures() throws Exception {
    String enc = edit(generated(Algorithm.ES256).publicJwks(), k -> k.put("use", str("enc")));
    assertRefused(() -> KeySet.parse(enc, "enc.json").verificationKeys(), "no key in the set");
    String ops =
        edit(
            generated(Algorithm.ES256).publicJwks(),
            k -> {
              k.remove("use");
              k.put("key_ops", new JsonArray(List.of(str("encrypt"))));
            });
    assertRefused(() -> KeySet.parse(ops, "ops.json").verificationKeys(), "no key in the set");
  }

  @Test
  void hmacKeysCannotBeMixedWithPublicKeysInAVerificationSet() throws Exception {
    String hmac =
        "{\"alg\":\"HS256\",\"k\":\"" + "A".repeat(43) + "\",\"kid\":\"h\",\"kty\":\"oct\"}";
    String pub = keyObject(generated(Algorithm.EdDSA).publicJwks());
    assertRefused(
        () ->
            KeySet.parse("{\"keys\":[" + hmac + "," + pub + "]}", "mixed.json").verificationKeys(),
        "mixes HMAC shared secrets with public keys");
  }

  @Test
  void emptyHmacKeyIsRefused() throws Exception {
    String jwks = "{\"keys\":[{\"alg\":\"HS256\",\"k\":\"\",\"kid\":\"h\",\"kty\":\"oct\"}]}";
    assertRefused(() -> KeySet.parse(jwks, "empty.json").verificationKeys(), "non-empty");
  }

  /** Buildkite's integration tests verify with 6- and 7-byte HMAC secrets; those must load. */
  @Test
  void buildkiteTestHmacKeysLoadForVerificationOnly() throws Exception {
    for (JsonValue v :
        ((JsonArray) Vectors.load("buildkite/keys.json").get("test_code_keys")).items()) {
      String jwk = JsonWriter.compact(((JsonObject) v).get("jwk"));
      KeySet set = KeySet.parse(jwk, Vectors.str(v, "id"));
      String kid = set.describe().getFirst().keyId();
      assertThat(set.verificationKeys().select(Algorithm.HS256, kid).algorithm())
          .isEqualTo(Algorithm.HS256);
      assertRefused(() -> set.signer(null), "HMAC");
    }
  }

  // ---- Buildkite fixtures ----

  @Test
  void buildkiteFixtureKeysLoadSignVerifyAndHaveTheirThumbprints() throws Exception {
    JsonObject keys = Vectors.load("buildkite/keys.json");
    JsonObject thumbprints = (JsonObject) keys.get("thumbprints");
    int checkedThumbprints = 0;
    for (JsonValue f : ((JsonArray) keys.get("jwks_files")).items()) {
      String id = Vectors.str(f, "id");
      KeySet set = KeySet.parse(Vectors.str(f, "raw"), id);
      KeySet.KeyInfo info = set.describe().getFirst();
      assertThat(info.keyId()).isEqualTo("TEST_DO_NOT_USE");
      assertThat(info.isPrivate()).isEqualTo(id.endsWith("-private"));
      String keyName = id.substring(0, id.lastIndexOf('-'));
      if (thumbprints.get(keyName) instanceof JsonObject t && t.has("sha256_hex")) {
        assertThat(info.thumbprint()).as(id).isEqualTo(Vectors.str(t, "sha256_hex"));
        // And the vector is what RFC 7638 says: SHA-256 of the canonical required members.
        byte[] digest =
            MessageDigest.getInstance("SHA-256")
                .digest(Vectors.str(t, "rfc7638_input").getBytes(StandardCharsets.UTF_8));
        assertThat(HexFormat.of().formatHex(digest)).isEqualTo(info.thumbprint());
        checkedThumbprints++;
      }
      if (id.endsWith("-private")) {
        // The public file of the same key has the same thumbprint and verifies its signatures.
        KeySet pub = KeySet.parse(Vectors.buildkiteJwks(keyName + "-public"), keyName);
        assertThat(pub.describe().getFirst().thumbprint()).isEqualTo(info.thumbprint());
        Signer signer = set.signer(null);
        byte[] msg = ("fixture " + id).getBytes(StandardCharsets.UTF_8);
        assertThat(
                pub.verificationKeys()
                    .select(signer.algorithm(), "TEST_DO_NOT_USE")
                    .verify(msg, signer.sign(msg)))
            .as(id)
            .isTrue();
        assertThat(JsonWriter.compact(reparse(set.toPublicJson())))
            .isEqualTo(JsonWriter.compact(reparse(Vectors.buildkiteJwks(keyName + "-public"))));
      }
    }
    assertThat(checkedThumbprints).isEqualTo(2); // EdDSA private and public
  }

  // ---- KeyGenerator ----

  @ParameterizedTest
  @EnumSource(names = {"EdDSA", "ES256", "ES512", "PS512"})
  void generatedKeysHaveBuildkitesFormat(Algorithm alg) throws Exception {
    // Only JSON text comes back: writing files (and their 0600 mode) is the CLI's job.
    KeyGenerator.GeneratedKey key = generated(alg, "brave-llama-1234");
    for (String jwks : List.of(key.privateJwks(), key.publicJwks())) {
      assertThat(jwks).doesNotContain(" ", "\n").startsWith("{\"keys\":[{");
      JsonObject k = (JsonObject) ((JsonArray) ((JsonObject) reparse(jwks)).get("keys")).get(0);
      List<String> names = new ArrayList<>(k.members().keySet());
      assertThat(names).isSorted();
      assertThat(Vectors.str(k, "alg")).isEqualTo(alg.jwa());
      assertThat(Vectors.str(k, "kid")).isEqualTo("brave-llama-1234");
      assertThat(Vectors.str(k, "use")).isEqualTo("sig");
    }
    List<String> privateMembers =
        switch (alg) {
          case EdDSA -> List.of("alg", "crv", "d", "kid", "kty", "use", "x");
          case ES256, ES512 -> List.of("alg", "crv", "d", "kid", "kty", "use", "x", "y");
          default -> List.of("alg", "d", "dp", "dq", "e", "kid", "kty", "n", "p", "q", "qi", "use");
        };
    assertThat(members(key.privateJwks())).containsExactlyElementsOf(privateMembers);
    assertThat(members(key.publicJwks()))
        .containsExactlyElementsOf(
            privateMembers.stream()
                .filter(m -> !List.of("d", "dp", "dq", "p", "q", "qi").contains(m))
                .toList());
    assertThat(key.toString()).doesNotContain(key.privateJwks()).contains("redacted");
  }

  @ParameterizedTest
  @EnumSource(names = {"EdDSA", "ES256", "ES512", "PS512"})
  void generatedKeysSignAndVerify(Algorithm alg) throws Exception {
    KeyGenerator.GeneratedKey key = generated(alg);
    Signer signer = KeySet.parse(key.privateJwks(), "priv").signer(key.keyId());
    assertThat(signer.algorithm()).isEqualTo(alg);
    byte[] msg = "signing input".getBytes(StandardCharsets.UTF_8);
    byte[] sig = signer.sign(msg);
    Verifier v = KeySet.parse(key.publicJwks(), "pub").verificationKeys().select(alg, key.keyId());
    assertThat(v.verify(msg, sig)).isTrue();
    assertThat(v.verify("signing inpuT".getBytes(StandardCharsets.UTF_8), sig)).isFalse();
    int expected =
        switch (alg) {
          case EdDSA, ES256 -> 64;
          case ES512 -> 132;
          default -> KeyGenerator.RSA_BITS / 8;
        };
    assertThat(sig).hasSize(expected);
  }

  @Test
  void keyGeneratorRefusesHmacAndBadKeyIds() {
    assertRefused(() -> KeyGenerator.generate(Algorithm.HS256, "k", RANDOM), "cannot generate");
    assertRefused(() -> KeyGenerator.generate(Algorithm.EdDSA, "a\"b", RANDOM), "invalid key ID");
  }

  // ---- no key material in messages ----

  @Test
  void errorMessagesNeverContainKeyMaterial() throws Exception {
    List<String> secrets = new ArrayList<>();
    List<ThrowingCallable> failures = new ArrayList<>();
    for (Algorithm alg :
        List.of(Algorithm.EdDSA, Algorithm.ES256, Algorithm.ES512, Algorithm.PS512)) {
      String priv = generated(alg).privateJwks();
      JsonObject k = (JsonObject) ((JsonArray) ((JsonObject) reparse(priv)).get("keys")).get(0);
      for (String m : List.of("d", "p", "q", "dp", "dq", "qi")) {
        if (k.get(m) instanceof JsonString s) {
          secrets.add(s.value());
        }
      }
      // Every way a private key file can be refused.
      for (Consumer<Map<String, JsonValue>> breakIt :
          List.<Consumer<Map<String, JsonValue>>>of(
              m -> m.remove("alg"),
              m -> m.put("alg", str("RS256")),
              m -> m.put("alg", str("none")),
              m -> m.put("alg", str("HS256")),
              m -> m.put("alg", str(alg == Algorithm.EdDSA ? "ES512" : "EdDSA")),
              m -> m.put("crv", str("P-384")),
              m -> m.put("x", str("AAAA")),
              m -> m.put("d", str("AAAA")),
              m -> m.put("d", new JsonArray(List.of())),
              m -> m.put("kty", str("oct")),
              m -> m.remove("kty"))) {
        String broken = edit(priv, breakIt);
        failures.add(() -> KeySet.parse(broken, "broken.json").signer(null));
        failures.add(() -> KeySet.parse(broken, "broken.json").verificationKeys());
        failures.add(() -> KeySet.parse(broken, "broken.json").signer("other"));
      }
      failures.add(() -> KeySet.parse(priv.substring(0, priv.length() - 3), "cut.json"));
      failures.add(() -> KeySet.parse(priv.replace("\"kid\"", "\"d\":\"x\",\"kid\""), "dup.json"));
    }
    String hmacSecret = "c2VjcmV0LWhtYWMta2V5LW1hdGVyaWFsLTAxMjM0NTY3";
    secrets.add(hmacSecret);
    String hmac =
        "{\"keys\":[{\"alg\":\"HS256\",\"k\":\""
            + hmacSecret
            + "\",\"kid\":\"h\",\"kty\":\"oct\"}]}";
    failures.add(() -> KeySet.parse(hmac, "hmac.json").signer(null));
    failures.add(
        () -> KeySet.parse(hmac.replace("HS256", "ES256"), "hmac.json").verificationKeys());
    failures.add(() -> KeySet.parse(hmac.replace("\"oct\"", "\"RSA\""), "hmac.json"));

    int thrown = 0;
    for (ThrowingCallable f : failures) {
      Throwable t = org.assertj.core.api.Assertions.catchThrowable(f);
      if (t == null) {
        continue; // some edits still give a loadable key (e.g. verification ignores "d")
      }
      thrown++;
      assertThat(t).isInstanceOf(KeyException.class);
      for (Throwable c = t; c != null; c = c.getCause()) {
        String msg = String.valueOf(c.getMessage());
        for (String secret : secrets) {
          assertThat(msg).doesNotContain(secret).doesNotContain(secret.substring(0, 12));
        }
      }
    }
    assertThat(thrown).isGreaterThan(failures.size() / 2);
  }

  // ---- helpers ----

  private static KeyGenerator.GeneratedKey generated(Algorithm alg) throws KeyException {
    return generated(alg, KeyGenerator.randomKeyId(RANDOM));
  }

  private static KeyGenerator.GeneratedKey generated(Algorithm alg, String kid)
      throws KeyException {
    return KeyGenerator.generate(alg, kid, RANDOM);
  }

  /** Two private keys, "old" (EdDSA) and "new" (ES256), as a rotation set. */
  private static String rotationSet(boolean priv) throws KeyException {
    var old = generated(Algorithm.EdDSA, "old");
    var neu = generated(Algorithm.ES256, "new");
    return "{\"keys\":["
        + keyObject(priv ? old.privateJwks() : old.publicJwks())
        + ","
        + keyObject(priv ? neu.privateJwks() : neu.publicJwks())
        + "]}";
  }

  private static void assertRefused(ThrowingCallable call, String... fragments) {
    assertThatThrownBy(call).isInstanceOf(KeyException.class).hasMessageContainingAll(fragments);
  }

  private static JsonString str(String s) {
    return new JsonString(s);
  }

  private static JsonValue reparse(String json) throws Exception {
    return JsonReader.withDefaultLimits().parse(json, "test");
  }

  private static List<String> members(String jwks) throws Exception {
    JsonObject k = (JsonObject) ((JsonArray) ((JsonObject) reparse(jwks)).get("keys")).get(0);
    return List.copyOf(k.members().keySet());
  }

  /** The single key of a JWKS as bare JWK JSON. */
  private static String keyObject(String jwks) throws KeyException {
    try {
      return JsonWriter.compact(((JsonArray) ((JsonObject) reparse(jwks)).get("keys")).get(0));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Applies {@code change} to the members of the JWKS's single key. */
  private static String edit(String jwks, Consumer<Map<String, JsonValue>> change) {
    try {
      JsonObject k = (JsonObject) ((JsonArray) ((JsonObject) reparse(jwks)).get("keys")).get(0);
      Map<String, JsonValue> m = new java.util.LinkedHashMap<>(k.members());
      change.accept(m);
      JsonObject.Builder b = JsonObject.builder();
      m.forEach(b::put);
      return "{\"keys\":[" + JsonWriter.compact(b.build()) + "]}";
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Private {@code d} (and for RSA the CRT members) of one key with the public half of another. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(names = {"ES256", "ES512", "PS512"})
  void aPrivateKeyThatDoesNotMatchItsPublicHalfIsRefused(Algorithm alg) throws Exception {
    var random = new java.security.SecureRandom();
    String a = KeyGenerator.generate(alg, "k", random).privateJwks();
    String b = KeyGenerator.generate(alg, "k", random).privateJwks();
    var reader = dev.signet.json.JsonReader.withDefaultLimits();
    var keyA =
        (dev.signet.json.JsonObject)
            ((dev.signet.json.JsonArray)
                    ((dev.signet.json.JsonObject) reader.parse(a, "a")).get("keys"))
                .get(0);
    var keyB =
        (dev.signet.json.JsonObject)
            ((dev.signet.json.JsonArray)
                    ((dev.signet.json.JsonObject) reader.parse(b, "b")).get("keys"))
                .get(0);
    var mixed = dev.signet.json.JsonObject.builder();
    java.util.Set<String> publicMembers =
        java.util.Set.of("kty", "crv", "x", "y", "n", "e", "alg", "kid", "use");
    keyA.members().forEach((k, v) -> mixed.put(k, publicMembers.contains(k) ? v : keyB.get(k)));
    String jwks = "{\"keys\":[" + dev.signet.json.JsonWriter.compact(mixed.build()) + "]}";
    assertThatThrownBy(() -> KeySet.parse(jwks, "mixed.json").signer(null))
        .isInstanceOf(KeyException.class)
        .hasMessage("mixed.json: key \"k\": the private key does not match its public key");
  }
}
