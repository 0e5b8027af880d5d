package dev.signet.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.testing.Interop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code cosign.key} against an implementation that shares no code with Signet: PyNaCl's secretbox
 * and Python's hashlib.scrypt ({@code interop/cosign_key.py}, the recipe cosign's format follows).
 * Both directions, every key type cosign reads.
 */
class CosignInteropTest {
  private static final Map<String, String> PASSWORD = Map.of("COSIGN_PASSWORD", "correct horse ✓");
  private static String python;

  @BeforeAll
  static void tools() throws Exception {
    python = Interop.python("nacl", "cryptography");
  }

  @ParameterizedTest
  @ValueSource(strings = {"EdDSA", "ES256", "ES384", "ES512", "PS256"})
  void pythonDecryptsWhatSignetEncrypts(String alg, @TempDir Path dir) throws Exception {
    Algorithm a = Algorithm.valueOf(alg);
    SigningKey key =
        PemKeys.readPrivateKey(CosignKeyFileTest.pkcs8Pem(a), "k.pem", CosignKeyFileTest.rsaAlg(a));
    Path file =
        Files.writeString(
            dir.resolve("cosign.key"),
            CosignKeyFile.encrypt(
                key, PASSWORD.get("COSIGN_PASSWORD").toCharArray(), new SecureRandom()));
    Interop.Result r =
        Interop.run(
            Interop.dir(), List.of(python, "cosign_key.py", "decrypt", file.toString()), PASSWORD);
    assertThat(r.exit()).as(r.stderr()).isZero();
    JsonObject out = (JsonObject) JsonReader.withDefaultLimits().parse(r.stdout(), "python");
    assertThat(Base64.getDecoder().decode(CosignKeyFileTest.str(out, "spki")))
        .isEqualTo(key.publicKey().getEncoded());
    assertThat(Base64.getDecoder().decode(CosignKeyFileTest.str(out, "pkcs8")))
        .isEqualTo(((LocalKey) key).pkcs8());

    Interop.Result wrong =
        Interop.run(
            Interop.dir(),
            List.of(python, "cosign_key.py", "decrypt", file.toString()),
            Map.of("COSIGN_PASSWORD", "wrong"));
    assertThat(wrong.exit()).isEqualTo(1);
  }

  @ParameterizedTest
  @CsvSource({
    "p256, 32768, SIGSTORE, ES256",
    "p256, 65536, COSIGN, ES256",
    "p384, 131072, SIGSTORE, ES384",
    "p521, 65536, SIGSTORE, ES512",
    "ed25519, 65536, SIGSTORE, EdDSA",
    "rsa2048, 65536, SIGSTORE, PS256"
  })
  void signetDecryptsWhatPythonEncrypts(
      String kind, int n, String label, String alg, @TempDir Path dir) throws Exception {
    Interop.Result gen =
        Interop.run(Interop.dir(), List.of(python, "cosign_key.py", "generate", kind));
    assertThat(gen.exit()).as(gen.stderr()).isZero();
    Path pkcs8 = Files.writeString(dir.resolve("k.pem"), gen.stdout());
    Interop.Result enc =
        Interop.run(
            Interop.dir(),
            List.of(python, "cosign_key.py", "encrypt", pkcs8.toString(), String.valueOf(n), label),
            PASSWORD);
    assertThat(enc.exit()).as(enc.stderr()).isZero();
    assertThat(enc.stdout()).startsWith("-----BEGIN ENCRYPTED " + label + " PRIVATE KEY-----");

    SigningKey key =
        CosignKeyFile.decrypt(
            enc.stdout(), PASSWORD.get("COSIGN_PASSWORD").toCharArray(), "py.key", null);
    assertThat(key.algorithm()).isEqualTo(Algorithm.valueOf(alg));
    assertThat(key.publicKey().getEncoded())
        .isEqualTo(PemKeys.readPrivateKey(gen.stdout(), "k.pem", null).publicKey().getEncoded());
  }
}
