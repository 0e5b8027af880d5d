package dev.signet.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.signet.input.InputException;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.jws.DetachedJws;
import dev.signet.jws.SignatureVerificationException;
import dev.signet.testing.FuzzChecks;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Fuzzes JWKS loading ({@code --jwks-file}, {@code --verification-jwks-file}) and what is derived
 * from a loaded set: the signer, the verification keys, the public JWKS and the key descriptions.
 *
 * <p>Properties: every refusal is a {@link KeyException} with a one-line message that contains no
 * private key member of the input; the public JWKS has no private members, and reading and writing
 * it again gives the same text; a signer the set yields makes signatures that its public JWKS
 * verifies.
 */
class KeySetFuzzTest {
  /** RFC 7518 private members (RSA, EC, OKP) and the HMAC secret. */
  private static final Set<String> PRIVATE_MEMBERS =
      Set.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");

  private static final byte[] PAYLOAD =
      "{\"alg\":\"EdDSA\",\"values\":{\"command\":\"fuzz\"}}".getBytes(StandardCharsets.UTF_8);

  @FuzzTest
  void parse(@NotNull String json) throws Exception {
    List<String> secrets = privateValues(json);
    KeySet set;
    try {
      set = KeySet.parse(json, "fuzz.jwks");
    } catch (KeyException e) {
      FuzzChecks.typed(e, secrets);
      return;
    }
    for (KeySet.KeyInfo info : set.describe()) {
      FuzzChecks.noSecret(info.toString(), secrets, new AssertionError(info));
    }

    String publicJson = set.toPublicJson();
    FuzzChecks.noSecret(publicJson, secrets, new AssertionError("toPublicJson"));
    JsonObject published = (JsonObject) JsonReader.withDefaultLimits().parse(publicJson, "public");
    for (JsonValue k : ((JsonArray) published.get("keys")).items()) {
      assertThat(((JsonObject) k).members().keySet())
          .as("public JWKS %s", publicJson)
          .doesNotContainAnyElementsOf(PRIVATE_MEMBERS);
    }
    KeySet publicSet = null;
    if (!((JsonArray) published.get("keys")).isEmpty()) {
      publicSet = KeySet.parse(publicJson, "public.jwks");
      assertThat(publicSet.toPublicJson()).isEqualTo(publicJson);
    }

    try {
      set.verificationKeys();
    } catch (KeyException e) {
      FuzzChecks.typed(e, secrets);
    }

    Signer signer;
    try {
      signer = set.signer(null);
    } catch (KeyException e) {
      FuzzChecks.typed(e, secrets);
      return;
    }
    FuzzChecks.noSecret(signer.toString(), secrets, new AssertionError("signer"));
    String value = DetachedJws.sign(signer, PAYLOAD);
    assertThat(publicSet).as("a signing key has a public half").isNotNull();
    VerificationKeys keys;
    try {
      keys = publicSet.verificationKeys();
    } catch (KeyException e) {
      FuzzChecks.typed(e, secrets);
      return; // e.g. key_ops that allow signing only: such a key never verifies
    }
    if (signer.keyId() == null) {
      return; // a JWKS verifier selects by kid; a key without one cannot be selected
    }
    try {
      DetachedJws.verify(value, PAYLOAD, keys);
    } catch (SignatureVerificationException e) {
      throw new AssertionError("the public JWKS does not verify its own signer's signature", e);
    }
  }

  /**
   * The string values of private members anywhere in {@code json}, when it is JSON at all, less
   * those that also occur as a public value (which may be printed).
   */
  private static List<String> privateValues(String json) {
    List<String> secret = new ArrayList<>();
    List<String> open = new ArrayList<>();
    try {
      collect(JsonReader.withDefaultLimits().parse(json, "secrets"), secret, open);
    } catch (InputException e) {
      // not JSON: KeySet refuses it before any member is read
    }
    secret.removeIf(s -> open.stream().anyMatch(o -> o.contains(s)));
    return secret;
  }

  private static void collect(JsonValue v, List<String> secret, List<String> open) {
    switch (v) {
      case JsonObject o ->
          o.members()
              .forEach((name, member) -> {
                open.add(name);
                if (member instanceof JsonString s) {
                  // Short values can occur in any message by chance; real key material is long.
                  if (!PRIVATE_MEMBERS.contains(name)) {
                    open.add(s.value());
                  } else if (s.value().length() >= 8) {
                    secret.add(s.value());
                  }
                }
                collect(member, secret, open);
              });
      case JsonArray a -> a.items().forEach(i -> collect(i, secret, open));
      default -> {}
    }
  }
}
