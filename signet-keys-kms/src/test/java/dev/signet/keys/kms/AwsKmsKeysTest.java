package dev.signet.keys.kms;

import static dev.signet.keys.kms.KmsTesting.FAST;
import static dev.signet.keys.kms.KmsTesting.refused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyException.Reason;
import dev.signet.keys.KeyRef;
import dev.signet.keys.SigningKey;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * AWS KMS through the real AWS SDK against a fake speaking the JSON 1.1 protocol on 127.0.0.1:
 * every supported key spec signs what the JDK verifies, pipelines signed Buildkite's way verify at
 * an agent, and every failure becomes the right {@link Reason} in a one-line message.
 */
class AwsKmsKeysTest {
  private FakeAwsKms fake;

  @AfterEach
  void stop() {
    if (fake != null) {
      fake.close();
    }
  }

  private FakeAwsKms start(Algorithm alg) throws Exception {
    fake = new FakeAwsKms(alg);
    return fake;
  }

  static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
    env.put("AWS_SECRET_ACCESS_KEY", KmsTesting.AWS_SECRET);
    env.put("AWS_SESSION_TOKEN", KmsTesting.AWS_SESSION);
    env.put("AWS_REGION", "eu-west-1");
    return env;
  }

  private SigningKey open() throws Exception {
    return open(fake.reference());
  }

  private SigningKey open(String reference) throws Exception {
    return AwsKmsKeys.open((KeyRef.AwsKms) KeyRef.parse(reference), env(), FAST);
  }

  @ParameterizedTest
  @EnumSource(
      value = Algorithm.class,
      names = {"ES256", "ES384", "ES512", "PS512", "EdDSA"})
  void everyKeySpecSignsWhatTheJdkVerifies(Algorithm alg, @TempDir Path dir) throws Exception {
    start(alg);
    SigningKey key = open();
    assertThat(key.algorithm()).isEqualTo(alg);
    assertThat(key.reference()).isEqualTo(fake.reference());
    KmsTesting.nativeSignaturesVerifyWithTheJdk(key, fake.key.publicKey());
    byte[] message =
        "release-1.2.3.tar.gz contents".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    OpenSsl.assertVerifies(alg, fake.key, message, key.signMessage(message), dir);
  }

  @Test
  void rsaKeysWithoutPss512FallBackToPs256() throws Exception {
    start(Algorithm.PS256).signingAlgorithms = List.of("RSASSA_PSS_SHA_256");
    SigningKey key = open();
    assertThat(key.algorithm()).isEqualTo(Algorithm.PS256);
    KmsTesting.nativeSignaturesVerifyWithTheJdk(key, fake.key.publicKey());
  }

  @Test
  void pipelineSignedWithKmsKeyVerifiesAtTheAgentWithoutKid() throws Exception {
    start(Algorithm.ES256);
    KmsTesting.signedPipelineJobsVerify(open(), fake.key.publicKey());
  }

  @Test
  void digestsTravelAsDigestsToTheKeyTheAliasNamedAtOpen() throws Exception {
    start(Algorithm.ES256);
    SigningKey key = open();
    fake.requests.clear();
    key.signMessage(new byte[100_000]);
    JsonObject sign = fake.requests.getLast();
    assertThat(str(sign, "Op")).isEqualTo("Sign");
    assertThat(str(sign, "MessageType")).isEqualTo("DIGEST");
    assertThat(str(sign, "SigningAlgorithm")).isEqualTo("ECDSA_SHA_256");
    assertThat(java.util.Base64.getDecoder().decode(str(sign, "Message"))).hasSize(32);
    // The alias was resolved once: signing names the key itself.
    assertThat(str(sign, "KeyId")).isEqualTo(FakeAwsKms.ARN);
    assertThat(fake.headers.getLast().get("X-amz-target")).containsExactly("TrentService.Sign");
  }

  @Test
  void ed25519SignsTheMessageRawAndRefusesMoreThan4096Bytes() throws Exception {
    start(Algorithm.EdDSA);
    SigningKey key = open();
    key.signMessage(new byte[4096]);
    assertThat(str(fake.requests.getLast(), "MessageType")).isEqualTo("RAW");
    assertThat(str(fake.requests.getLast(), "SigningAlgorithm")).isEqualTo("ED25519_SHA_512");
    int before = fake.calls("Sign");
    refused(() -> key.signMessage(new byte[4097]), Reason.NOT_ALLOWED, "4096", "ECC_NIST_P256");
    assertThat(fake.calls("Sign")).isEqualTo(before);
  }

  @Test
  void keyIdsAndArnsWorkToo() throws Exception {
    start(Algorithm.ES256);
    assertThat(open("awskms://" + fake.hostPort() + "/" + FakeAwsKms.KEY_UUID).algorithm())
        .isEqualTo(Algorithm.ES256);
    assertThat(open("awskms://" + fake.hostPort() + "/" + FakeAwsKms.ARN).algorithm())
        .isEqualTo(Algorithm.ES256);
  }

  // ---- retries ----

  @Test
  void throttlingIsRetriedAndThenSucceeds() throws Exception {
    start(Algorithm.ES256);
    fake.fault = FakeService.Fault.THROTTLED;
    fake.faultTimes.set(2);
    open();
    // GetPublicKey throttled twice, then answered; then the probe's Sign.
    assertThat(fake.calls("GetPublicKey")).isEqualTo(3);
    assertThat(fake.calls("Sign")).isEqualTo(1);
  }

  @Test
  void persistentThrottlingGivesUpAfterTheBoundedAttempts() throws Exception {
    start(Algorithm.ES256);
    SigningKey key = open();
    fake.faultOp = "Sign";
    fake.fault = FakeService.Fault.THROTTLED;
    refused(
        () -> key.signMessage(new byte[] {1}),
        Reason.UNAVAILABLE,
        fake.reference()
            + ": Sign was throttled (ThrottlingException: Rate exceeded);"
            + " gave up after 3 attempts");
    assertThat(fake.calls("Sign")).isEqualTo(1 + FAST.maxAttempts());
  }

  @Test
  void serverErrorsAreRetriedABoundedNumberOfTimes() throws Exception {
    start(Algorithm.ES256);
    fake.fault = FakeService.Fault.SERVER_ERROR;
    fake.faultTimes.set(1);
    open();
    assertThat(fake.calls("GetPublicKey")).isEqualTo(2);
    fake.fault = FakeService.Fault.SERVER_ERROR;
    fake.faultTimes.set(Integer.MAX_VALUE);
    refused(
        this::open,
        Reason.UNAVAILABLE,
        "GetPublicKey met a server error (KMSInternalException: An internal error occurred. Try"
            + " again.)",
        "gave up after 3 attempts");
    assertThat(fake.calls("GetPublicKey")).isEqualTo(2 + 3);
  }

  // ---- errors that are not retried ----

  @Test
  void accessDeniedIsDeniedAtOnceAndTheSessionTokenNeverShows() throws Exception {
    start(Algorithm.ES256);
    fake.fault = FakeService.Fault.DENIED;
    refused(
        this::open,
        Reason.DENIED,
        fake.reference() + ": GetPublicKey refused: AccessDeniedException: User:",
        "[redacted]");
    assertThat(fake.calls("GetPublicKey")).isEqualTo(1);
  }

  @Test
  void missingKeyIsNotFound() throws Exception {
    start(Algorithm.ES256);
    refused(
        () -> open("awskms://" + fake.hostPort() + "/alias/nope"),
        Reason.NOT_FOUND,
        "awskms://" + fake.hostPort() + "/alias/nope: GetPublicKey refused: NotFoundException");
  }

  @Test
  void wrongKeySpecsAndUsagesAreNotAllowedNamingTheSpec() throws Exception {
    start(Algorithm.ES256).keySpec = "ECC_SECG_P256K1";
    refused(this::open, Reason.NOT_ALLOWED, "key spec ECC_SECG_P256K1 cannot sign here");
    fake.keySpec = "HMAC_256";
    refused(this::open, Reason.NOT_ALLOWED, "key spec HMAC_256 cannot sign here");
    fake.keySpec = "RSA_2048";
    fake.keyUsage = "ENCRYPT_DECRYPT";
    refused(
        this::open,
        Reason.NOT_ALLOWED,
        "key usage is ENCRYPT_DECRYPT (key spec RSA_2048); a signing key needs usage SIGN_VERIFY");
    fake.keyUsage = "SIGN_VERIFY";
    fake.signingAlgorithms = List.of("RSASSA_PKCS1_V1_5_SHA_256");
    refused(
        this::open, Reason.NOT_ALLOWED, "offers none of [RSASSA_PSS_SHA_512, RSASSA_PSS_SHA_256]");
  }

  @Test
  void aPublicKeyThatIsNotTheSpecsOrNotAKeyIsRefused() throws Exception {
    start(Algorithm.ES256).publicKeyOverride = SoftKey.of(Algorithm.ES384).spki();
    refused(this::open, Reason.NOT_ALLOWED, "ES256 needs an EC public key on curve P-256");
    fake.publicKeyOverride = new byte[] {0x30, 0x03, 0x02, 0x01, 0x01};
    refused(this::open, Reason.MALFORMED, fake.reference() + ": the service's public key");
  }

  @Test
  void malformedJsonIsSigningFailed() throws Exception {
    start(Algorithm.ES256);
    SigningKey key = open();
    fake.faultOp = "Sign";
    fake.fault = FakeService.Fault.MALFORMED_JSON;
    refused(
        () -> key.signMessage(new byte[] {1}),
        Reason.SIGNING_FAILED,
        fake.reference()
            + ": Sign: the service sent a response the AWS SDK could not read"
            + " (malformed JSON)");
  }

  @Test
  void garbageOrForeignSignaturesAreSigningFailedAtOpen() throws Exception {
    start(Algorithm.ES256).garbageSignature = true;
    refused(
        this::open,
        Reason.SIGNING_FAILED,
        fake.reference() + ": the key backend returned a" + " malformed ES256 signature");
    fake.garbageSignature = false;
    fake.wrongKey = true;
    refused(
        this::open,
        Reason.SIGNING_FAILED,
        fake.reference() + ": the service returned a signature that does not verify");
  }

  @Test
  void slowResponsesTimeOutAndAreRetriedThenUnavailable() throws Exception {
    start(Algorithm.ES256);
    fake.delayMillis = 1500;
    refused(
        () ->
            AwsKmsKeys.open(
                (KeyRef.AwsKms) KeyRef.parse(fake.reference()), env(), KmsTesting.IMPATIENT),
        Reason.UNAVAILABLE,
        "GetPublicKey could not reach the service (no response within 400 ms); gave up after 2"
            + " attempts");
  }

  @Test
  void connectionRefusedIsUnavailable() throws Exception {
    start(Algorithm.ES256);
    String reference = fake.reference();
    fake.close();
    refused(
        () -> open(reference),
        Reason.UNAVAILABLE,
        reference + ": GetPublicKey could not" + " reach the service",
        "gave up after 3 attempts");
  }

  @Test
  void noRegionIsUnavailableUnlessTheArnHasOne() throws Exception {
    start(Algorithm.ES256);
    Map<String, String> env = env();
    env.remove("AWS_REGION");
    // The ARN carries the region.
    assertThat(
            AwsKmsKeys.open(
                    (KeyRef.AwsKms)
                        KeyRef.parse("awskms://" + fake.hostPort() + "/" + FakeAwsKms.ARN),
                    env,
                    FAST)
                .algorithm())
        .isEqualTo(Algorithm.ES256);
  }

  @Test
  void kmsKeysDispatchesByScheme() throws Exception {
    start(Algorithm.ES256);
    assertThat(KmsKeys.handles(KeyRef.parse(fake.reference()))).isTrue();
    assertThat(KmsKeys.handles(KeyRef.parse("key.json"))).isFalse();
    assertThat(KmsKeys.open(KeyRef.parse(fake.reference()), env(), FAST).algorithm())
        .isEqualTo(Algorithm.ES256);
    refused(
        () -> KmsKeys.open(KeyRef.parse("file:key.json"), env()),
        Reason.NOT_ALLOWED,
        "file:key.json is not a KMS or Vault key reference");
  }

  private static String str(JsonObject o, String name) {
    return o.get(name) instanceof JsonString s ? s.value() : "";
  }
}
