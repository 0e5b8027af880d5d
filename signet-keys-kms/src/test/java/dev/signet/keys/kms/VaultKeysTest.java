package dev.signet.keys.kms;

import static dev.signet.keys.kms.KmsTesting.FAST;
import static dev.signet.keys.kms.KmsTesting.refused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.json.JsonBool;
import dev.signet.json.JsonInteger;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyException.Reason;
import dev.signet.keys.KeyRef;
import dev.signet.keys.SigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Vault/OpenBao transit through our REST client against a fake speaking the transit HTTP API on
 * 127.0.0.1.
 */
class VaultKeysTest {
  private FakeVault fake;

  @AfterEach
  void stop() {
    if (fake != null) {
      fake.close();
    }
  }

  private FakeVault start(Algorithm alg) throws Exception {
    fake = new FakeVault(alg);
    return fake;
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("VAULT_ADDR", fake.url());
    env.put("VAULT_TOKEN", KmsTesting.VAULT_TOKEN);
    return env;
  }

  private SigningKey open() throws Exception {
    return open("hashivault://" + FakeVault.NAME, env());
  }

  private SigningKey open(String reference, Map<String, String> env) throws Exception {
    return VaultKeys.open((KeyRef.Vault) KeyRef.parse(reference), env, FAST);
  }

  @ParameterizedTest
  @EnumSource(
      value = Algorithm.class,
      names = {"ES256", "ES384", "ES512", "PS512", "EdDSA"})
  void everyKeyTypeSignsWhatTheJdkVerifies(Algorithm alg, @TempDir Path dir) throws Exception {
    start(alg);
    SigningKey key = open();
    assertThat(key.algorithm()).isEqualTo(alg);
    assertThat(key.reference()).isEqualTo("hashivault://release");
    KmsTesting.nativeSignaturesVerifyWithTheJdk(key, fake.key.publicKey());
    byte[] message =
        "release-1.2.3.tar.gz contents".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    OpenSsl.assertVerifies(alg, fake.key, message, key.signMessage(message), dir);
  }

  @Test
  void pipelineSignedWithTransitKeyVerifiesAtTheAgentWithoutKid() throws Exception {
    start(Algorithm.ES256);
    KmsTesting.signedPipelineJobsVerify(open(), fake.key.publicKey());
  }

  @Test
  void ed25519PipelinesToo() throws Exception {
    start(Algorithm.EdDSA);
    KmsTesting.signedPipelineJobsVerify(open(), fake.key.publicKey());
  }

  @Test
  void requestsArePrehashedPinnedToTheVersionAndUseJwsPssSalt() throws Exception {
    start(Algorithm.PS512);
    SigningKey key = open();
    key.signMessage(new byte[1000]);
    JsonObject sign = fake.requests.getLast();
    assertThat(((JsonString) sign.get("path")).value())
        .isEqualTo("/v1/transit/sign/release/sha2-512");
    assertThat(sign.get("prehashed")).isEqualTo(JsonBool.TRUE);
    assertThat(((JsonInteger) sign.get("key_version")).value().intValue()).isEqualTo(2);
    assertThat(((JsonString) sign.get("salt_length")).value()).isEqualTo("hash");
    assertThat(((JsonString) sign.get("signature_algorithm")).value()).isEqualTo("pss");
    assertThat(fake.headers.getLast().get("X-vault-token")).containsExactly(KmsTesting.VAULT_TOKEN);
  }

  @Test
  void ed25519SendsTheMessageUnhashed() throws Exception {
    start(Algorithm.EdDSA);
    open().signMessage("hello".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    JsonObject sign = fake.requests.getLast();
    assertThat(((JsonString) sign.get("path")).value()).isEqualTo("/v1/transit/sign/release");
    assertThat(sign.has("prehashed")).isFalse();
    assertThat(((JsonString) sign.get("input")).value()).isEqualTo("aGVsbG8=");
  }

  @Test
  void openBaoSettingsMountNamespaceAndPrefixAreHonoured() throws Exception {
    start(Algorithm.ES256).mount = "ci/transit";
    fake.prefix = "bao";
    Map<String, String> env = new HashMap<>();
    env.put("BAO_ADDR", fake.url());
    env.put("BAO_TOKEN", KmsTesting.VAULT_TOKEN);
    env.put("VAULT_ADDR", "https://wrong.example");
    env.put("BAO_NAMESPACE", "team-a");
    env.put("TRANSIT_SECRET_ENGINE_PATH", "/ci/transit/");
    env.put("VAULT_KEY_PREFIX", "bao");
    SigningKey key = open("openbao://release", env);
    assertThat(key.reference()).isEqualTo("openbao://release");
    assertThat(fake.headers.getLast().get("X-vault-namespace")).containsExactly("team-a");
  }

  @Test
  void theTokenMayComeFromTheVaultCliTokenFile(@TempDir Path home) throws Exception {
    start(Algorithm.ES256);
    Files.writeString(home.resolve(".vault-token"), KmsTesting.VAULT_TOKEN);
    Map<String, String> env = env();
    env.remove("VAULT_TOKEN");
    env.put("HOME", home.toString());
    assertThat(open("hashivault://release", env).algorithm()).isEqualTo(Algorithm.ES256);
    Files.delete(home.resolve(".vault-token"));
    refused(
        () -> open("hashivault://release", env),
        Reason.DENIED,
        "hashivault://release: no token; set VAULT_TOKEN");
  }

  // ---- retries ----

  @Test
  void rateLimitsAreRetriedThenGivenUp() throws Exception {
    start(Algorithm.ES256);
    fake.fault = FakeService.Fault.THROTTLED;
    fake.faultTimes.set(2);
    open();
    assertThat(fake.calls("read")).isEqualTo(3);
    fake.faultTimes.set(Integer.MAX_VALUE);
    fake.faultOp = "sign";
    refused(
        this::open,
        Reason.UNAVAILABLE,
        "hashivault://release: sign was throttled (HTTP 429: request path",
        "gave up after 3 attempts");
  }

  @Test
  void aSealedVaultIsRetriedThenUnavailable() throws Exception {
    start(Algorithm.ES256).fault = FakeService.Fault.SERVER_ERROR;
    refused(
        this::open, Reason.UNAVAILABLE, "read key met a server error (HTTP 503: Vault is sealed)");
    assertThat(fake.calls("read")).isEqualTo(3);
  }

  // ---- errors ----

  @Test
  void permissionDeniedIsDeniedInOneLine() throws Exception {
    start(Algorithm.ES256).fault = FakeService.Fault.DENIED;
    refused(
        this::open,
        Reason.DENIED,
        "hashivault://release: read key refused: HTTP 403: 1 error occurred: * permission denied");
    assertThat(fake.calls("read")).isEqualTo(1);
    fake.fault = null;
    fake.token = "another";
    refused(this::open, Reason.DENIED, "HTTP 403: permission denied");
  }

  @Test
  void missingKeyIsNotFound() throws Exception {
    start(Algorithm.ES256);
    refused(
        () -> open("hashivault://nope", env()),
        Reason.NOT_FOUND,
        "hashivault://nope: read key refused: HTTP 404: no such key at this mount");
  }

  @Test
  void keyTypesThatCannotSignHereAreNotAllowed() throws Exception {
    start(Algorithm.ES256).type = "aes256-gcm96";
    refused(this::open, Reason.NOT_ALLOWED, "a transit key of type aes256-gcm96 cannot sign here");
    fake.type = "ecdsa-p256";
    fake.derived = true;
    refused(this::open, Reason.NOT_ALLOWED, "the transit key is derived");
  }

  @Test
  void malformedJsonIsSigningFailed() throws Exception {
    start(Algorithm.ES256);
    fake.faultOp = "sign";
    fake.fault = FakeService.Fault.MALFORMED_JSON;
    refused(
        this::open,
        Reason.SIGNING_FAILED,
        "hashivault://release: sign: the service sent malformed JSON");
  }

  @Test
  void garbageForeignOrWronglyVersionedSignaturesAreSigningFailed() throws Exception {
    start(Algorithm.ES384).garbageSignature = true;
    refused(this::open, Reason.SIGNING_FAILED, "malformed ES384 signature");
    fake.garbageSignature = false;
    fake.wrongKey = true;
    refused(this::open, Reason.SIGNING_FAILED, "does not verify with the key's public key");
    fake.wrongKey = false;
    fake.prefix = "vault2";
    refused(this::open, Reason.SIGNING_FAILED, "is not \"vault:v2:…\"");
  }

  @Test
  void slowResponsesTimeOut() throws Exception {
    start(Algorithm.ES256).delayMillis = 1500;
    refused(
        () ->
            VaultKeys.open(
                (KeyRef.Vault) KeyRef.parse("hashivault://release"), env(), KmsTesting.IMPATIENT),
        Reason.UNAVAILABLE,
        "read key could not reach the service (no response within 400 ms)");
  }

  @Test
  void configurationErrorsAreClear() throws Exception {
    start(Algorithm.ES256);
    Map<String, String> env = env();
    env.remove("VAULT_ADDR");
    refused(
        () -> open("hashivault://release", env),
        Reason.UNAVAILABLE,
        "no server address; set VAULT_ADDR");
    env.put("VAULT_ADDR", "http://vault.example:8200");
    refused(
        () -> open("hashivault://release", env),
        Reason.NOT_ALLOWED,
        "VAULT_ADDR uses plain http to vault.example");
    env.put("VAULT_ADDR", fake.url());
    env.put("TRANSIT_SECRET_ENGINE_PATH", "../sys");
    refused(() -> open("hashivault://release", env), Reason.MALFORMED, "is not a mount path");
    env.remove("TRANSIT_SECRET_ENGINE_PATH");
    env.put("VAULT_CACERT", "/nonexistent/ca.pem");
    refused(
        () -> open("hashivault://release", env), Reason.UNREADABLE, "VAULT_CACERT: cannot be read");
  }

  @Test
  void httpsWithAPrivateCaNeedsVaultCacert(@TempDir Path dir) throws Exception {
    Path keystore = dir.resolve("server.p12");
    OpenSsl.run(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
            "-genkeypair",
            "-alias",
            "vault",
            "-keyalg",
            "EC",
            "-groupname",
            "secp256r1",
            "-dname",
            "CN=vault test CA",
            "-ext",
            "san=ip:127.0.0.1",
            "-validity",
            "2",
            "-keystore",
            keystore.toString(),
            "-storepass",
            "changeit"));
    String pem =
        OpenSsl.run(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-exportcert",
                "-rfc",
                "-alias",
                "vault",
                "-keystore",
                keystore.toString(),
                "-storepass",
                "changeit"));
    Path ca = Files.writeString(dir.resolve("ca.pem"), pem);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(keystore)) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);

    fake = new FakeVault(Algorithm.ES256, tls);
    Map<String, String> env = env();
    assertThat(env.get("VAULT_ADDR")).startsWith("https://127.0.0.1:");
    refused(
        () -> open("hashivault://release", env),
        Reason.UNAVAILABLE,
        "hashivault://release: read key: TLS handshake failed (",
        "PKIX path building failed",
        "name its PEM file in VAULT_CACERT");
    assertThat(fake.totalCalls()).isZero();
    env.put("VAULT_CACERT", ca.toString());
    assertThat(open("hashivault://release", env).algorithm()).isEqualTo(Algorithm.ES256);
    Files.writeString(ca, "not a certificate");
    refused(
        () -> open("hashivault://release", env),
        Reason.MALFORMED,
        "VAULT_CACERT: is not a PEM file of CA certificates");
  }
}
