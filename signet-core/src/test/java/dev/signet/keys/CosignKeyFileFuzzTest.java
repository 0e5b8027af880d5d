package dev.signet.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.signet.input.InputException;
import dev.signet.json.JsonInteger;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonValue;
import dev.signet.testing.FuzzChecks;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fuzzes encrypted {@code cosign.key} files: {@link #body} the JSON inside the PEM, {@link #file}
 * the whole file (armor and labels too). The seeds are one key (Ed25519) encrypted with {@link
 * #PASSWORD} at N = 32768, the cheapest parameter set cosign accepts.
 *
 * <p>scrypt at cosign's parameters takes tens of milliseconds and 32 MiB or more, so a fuzz run
 * cannot afford it on every input. An input that would reach scrypt (its N, r and p are an allowed
 * set and salt, nonce and ciphertext have their lengths) runs only {@link #SCRYPT_BUDGET} times per
 * run; every other input must be refused before scrypt, and an input that is refused but would have
 * run scrypt with parameters outside the allowed sets shows up as a timeout or an out-of-memory
 * finding.
 *
 * <p>Properties: every refusal is a {@link KeyException} with a one-line message without the
 * password; parameters other than cosign's are refused with {@link KeyException.Reason#NOT_ALLOWED}
 * or {@link KeyException.Reason#MALFORMED}; and a file that decrypts yields the seed key, never
 * another (the Poly1305 tag covers the ciphertext).
 */
class CosignKeyFileFuzzTest {
  static final String PASSWORD = "correct horse battery staple";

  /** The public key of the seed files' Ed25519 key. */
  static final String SEED_PUBLIC_KEY =
      "MCowBQYDK2VwAyEAsMvHDi36d7fjefEQeUE9XoqFpbxLHm/x3m5RFPB9X54=";

  private static final int SCRYPT_BUDGET = 200;
  private static final AtomicInteger SCRYPT_RUNS = new AtomicInteger();
  private static final Set<Long> ACCEPTED_N = Set.of(32768L, 65536L, 131072L);

  @FuzzTest(maxDuration = "2m")
  void body(@NotNull String json) {
    decrypt(Pem.encode(CosignKeyFile.SIGSTORE_LABEL, json.getBytes(StandardCharsets.UTF_8)), json);
  }

  @FuzzTest(maxDuration = "2m")
  void file(@NotNull String text) {
    String json;
    try {
      json = new String(Pem.single(text, "fuzz", "x").der(), StandardCharsets.UTF_8);
    } catch (KeyException e) {
      json = "";
    }
    decrypt(text, json);
  }

  private static void decrypt(String pem, String json) {
    boolean scrypt = reachesScrypt(json);
    if (scrypt && SCRYPT_RUNS.incrementAndGet() > SCRYPT_BUDGET) {
      return;
    }
    SigningKey key;
    try {
      key = CosignKeyFile.decrypt(pem, PASSWORD.toCharArray(), "fuzz.key", null);
    } catch (KeyException e) {
      FuzzChecks.typed(e, List.of(PASSWORD));
      if (!scrypt && e.reason() == KeyException.Reason.DENIED) {
        throw new AssertionError("ran scrypt for parameters it should refuse: " + json, e);
      }
      return;
    }
    assertThat(scrypt).as("decrypted without an allowed parameter set: %s", json).isTrue();
    assertThat(Base64.getEncoder().encodeToString(key.publicKey().getEncoded()))
        .as("a changed cosign.key decrypts to another key")
        .isEqualTo(SEED_PUBLIC_KEY);
    FuzzChecks.noSecret(key.toString(), List.of(PASSWORD), new AssertionError("toString"));
  }

  /**
   * Whether the body names an allowed scrypt parameter set with well-sized salt, nonce and
   * ciphertext, that is, whether decryption may run scrypt for it.
   */
  private static boolean reachesScrypt(String json) {
    JsonValue tree;
    try {
      tree = JsonReader.withDefaultLimits().parse(json, "body");
    } catch (InputException e) {
      return false;
    }
    if (!(tree instanceof JsonObject doc)
        || !(doc.get("kdf") instanceof JsonObject kdf)
        || !(kdf.get("params") instanceof JsonObject params)) {
      return false;
    }
    return params.get("N") instanceof JsonInteger n
        && n.value().bitLength() < 63
        && ACCEPTED_N.contains(n.value().longValue())
        && params.get("r") instanceof JsonInteger r
        && r.value().longValue() == CosignKeyFile.R
        && r.value().bitLength() < 63
        && params.get("p") instanceof JsonInteger p
        && p.value().longValue() == CosignKeyFile.P
        && p.value().bitLength() < 63;
  }
}
