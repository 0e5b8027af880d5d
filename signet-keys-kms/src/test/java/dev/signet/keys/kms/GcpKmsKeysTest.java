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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Google Cloud KMS through our REST client against a fake speaking the v1 REST API on 127.0.0.1:
 * algorithms, CRC32C integrity checks, version resolution, credentials, retries and errors.
 */
class GcpKmsKeysTest {
  private FakeGcpKms fake;

  @AfterEach
  void stop() {
    if (fake != null) {
      fake.close();
    }
  }

  private FakeGcpKms start(Algorithm alg) throws Exception {
    fake = new FakeGcpKms(alg);
    return fake;
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put(GcpKmsKeys.TOKEN_ENV, KmsTesting.GCP_TOKEN);
    env.put(GcpKmsKeys.ENDPOINT_ENV, fake.url());
    return env;
  }

  private SigningKey open() throws Exception {
    return open(fake.reference(), env());
  }

  private SigningKey open(String reference, Map<String, String> env) throws Exception {
    return GcpKmsKeys.open((KeyRef.GcpKms) KeyRef.parse(reference), env, FAST);
  }

  @ParameterizedTest
  @EnumSource(
      value = Algorithm.class,
      names = {"ES256", "ES384", "PS256", "PS512", "EdDSA"})
  void everyAlgorithmSignsWhatTheJdkVerifies(Algorithm alg, @TempDir Path dir) throws Exception {
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
  void pipelineSignedWithKmsKeyVerifiesAtTheAgentWithoutKid() throws Exception {
    start(Algorithm.ES256);
    KmsTesting.signedPipelineJobsVerify(open(), fake.key.publicKey());
  }

  @Test
  void digestsTravelWithTheirCrc32c() throws Exception {
    start(Algorithm.ES384);
    SigningKey key = open();
    key.signMessage(new byte[10_000]);
    JsonObject sign = fake.requests.getLast();
    byte[] digest =
        Base64.getDecoder()
            .decode(((JsonString) ((JsonObject) sign.get("digest")).get("sha384")).value());
    assertThat(digest).hasSize(48);
    assertThat(((JsonString) sign.get("digestCrc32c")).value())
        .isEqualTo(Long.toString(GcpKmsKeys.crc32c(digest)));
    assertThat(fake.headers.getLast().get("Authorization"))
        .containsExactly("Bearer " + KmsTesting.GCP_TOKEN);
  }

  @Test
  void ed25519SendsTheMessageAsData() throws Exception {
    start(Algorithm.EdDSA);
    SigningKey key = open();
    byte[] message = "hello".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    key.signMessage(message);
    JsonObject sign = fake.requests.getLast();
    assertThat(Base64.getDecoder().decode(((JsonString) sign.get("data")).value()))
        .isEqualTo(message);
    assertThat(sign.has("digest")).isFalse();
  }

  @Test
  void withoutAVersionTheHighestEnabledOneIsUsed() throws Exception {
    start(Algorithm.ES256).enabledVersions = List.of(1, 3, 2);
    SigningKey key = open("gcpkms://" + FakeGcpKms.KEY, env());
    assertThat(key.reference()).isEqualTo("gcpkms://" + FakeGcpKms.KEY + "/cryptoKeyVersions/3");
    fake.enabledVersions = List.of();
    refused(
        () -> open("gcpkms://" + FakeGcpKms.KEY, env()),
        Reason.NOT_FOUND,
        "gcpkms://" + FakeGcpKms.KEY + ": the key has no enabled version");
  }

  // ---- integrity (CRC32C) ----

  @Test
  void aSignatureFailingItsCrc32cIsRetriedThenRefused() throws Exception {
    start(Algorithm.ES256);
    SigningKey key = open();
    int before = fake.calls("asymmetricSign");
    fake.corruptSignatureCrc = true;
    refused(
        () -> key.signMessage(new byte[] {1}),
        Reason.SIGNING_FAILED,
        fake.reference()
            + ": asymmetricSign got a response that failed its integrity check (the signature"
            + " does not match its CRC32C); gave up after 3 attempts");
    assertThat(fake.calls("asymmetricSign") - before).isEqualTo(3);
  }

  @Test
  void anUnconfirmedDigestCrc32cIsRefused() throws Exception {
    start(Algorithm.ES256).unverifiedDigestCrc = true;
    refused(this::open, Reason.SIGNING_FAILED, "did not confirm the CRC32C of the digest");
  }

  @Test
  void aPublicKeyFailingItsCrc32cIsRefused() throws Exception {
    start(Algorithm.ES256).corruptPemCrc = true;
    refused(this::open, Reason.SIGNING_FAILED, "the public key failed its CRC32C integrity check");
  }

  // ---- retries ----

  @Test
  void resourceExhaustedIsRetriedThenGivenUp() throws Exception {
    start(Algorithm.ES256);
    fake.fault = FakeService.Fault.THROTTLED;
    fake.faultTimes.set(2);
    open();
    assertThat(fake.calls("getPublicKey")).isEqualTo(3);
    fake.faultTimes.set(Integer.MAX_VALUE);
    refused(
        this::open,
        Reason.UNAVAILABLE,
        "getPublicKey was throttled (HTTP 429 RESOURCE_EXHAUSTED: Quota exceeded",
        "gave up after 3 attempts");
  }

  @Test
  void unavailableIsRetried() throws Exception {
    start(Algorithm.ES256);
    fake.faultOp = "asymmetricSign";
    fake.fault = FakeService.Fault.SERVER_ERROR;
    fake.faultTimes.set(2);
    open();
    assertThat(fake.calls("asymmetricSign")).isEqualTo(3);
  }

  // ---- errors ----

  @Test
  void permissionDeniedIsDeniedAndTheTokenIsCutFromTheServersMessage() throws Exception {
    start(Algorithm.ES256);
    fake.fault = FakeService.Fault.DENIED;
    refused(
        this::open,
        Reason.DENIED,
        fake.reference() + ": getPublicKey refused: HTTP 403 PERMISSION_DENIED: Permission",
        "Token [redacted]");
    assertThat(fake.calls("getPublicKey")).isEqualTo(1);
  }

  @Test
  void aRefusedTokenIsDenied() throws Exception {
    start(Algorithm.ES256).token = "another";
    refused(this::open, Reason.DENIED, "HTTP 401 UNAUTHENTICATED");
  }

  @Test
  void missingKeyIsNotFound() throws Exception {
    start(Algorithm.ES256);
    refused(
        () -> open("gcpkms://" + FakeGcpKms.KEY + "/cryptoKeyVersions/9", env()),
        Reason.NOT_FOUND,
        "cryptoKeyVersions/9: getPublicKey refused: HTTP 404 NOT_FOUND");
  }

  @Test
  void algorithmsThatCannotSignHereAreNotAllowed() throws Exception {
    start(Algorithm.ES256).algorithm = "RSA_SIGN_PKCS1_2048_SHA256";
    refused(
        this::open,
        Reason.NOT_ALLOWED,
        "key algorithm RSA_SIGN_PKCS1_2048_SHA256 cannot sign here; RSASSA-PKCS1-v1_5");
    fake.algorithm = "GOOGLE_SYMMETRIC_ENCRYPTION";
    refused(this::open, Reason.NOT_ALLOWED, "key algorithm GOOGLE_SYMMETRIC_ENCRYPTION");
    fake.algorithm = "EC_SIGN_SECP256K1_SHA256";
    refused(this::open, Reason.NOT_ALLOWED, "EC_SIGN_SECP256K1_SHA256");
  }

  @Test
  void malformedJsonIsSigningFailed() throws Exception {
    start(Algorithm.ES256);
    fake.faultOp = "asymmetricSign";
    fake.fault = FakeService.Fault.MALFORMED_JSON;
    refused(
        this::open,
        Reason.SIGNING_FAILED,
        fake.reference() + ": asymmetricSign: the service sent malformed JSON");
  }

  @Test
  void garbageOrForeignSignaturesAreSigningFailed() throws Exception {
    start(Algorithm.PS256).garbageSignature = true;
    refused(this::open, Reason.SIGNING_FAILED, "malformed PS256 signature (256 bytes expected");
    fake.garbageSignature = false;
    fake.wrongKey = true;
    refused(this::open, Reason.SIGNING_FAILED, "does not verify with the key's public key");
  }

  @Test
  void slowResponsesTimeOut() throws Exception {
    start(Algorithm.ES256).delayMillis = 1500;
    refused(
        () ->
            GcpKmsKeys.open(
                (KeyRef.GcpKms) KeyRef.parse(fake.reference()), env(), KmsTesting.IMPATIENT),
        Reason.UNAVAILABLE,
        "getPublicKey could not reach the service (no response within 400 ms); gave up after 2"
            + " attempts");
  }

  @Test
  void connectionRefusedIsUnavailable() throws Exception {
    start(Algorithm.ES256);
    Map<String, String> env = env();
    fake.close();
    refused(() -> open(fake.reference(), env), Reason.UNAVAILABLE, "connection refused");
  }

  // ---- credentials and endpoint ----

  @Test
  void theTokenMayComeFromAFile(@TempDir Path dir) throws Exception {
    start(Algorithm.ES256);
    Path file = dir.resolve("token");
    Files.writeString(file, KmsTesting.GCP_TOKEN + "\n");
    Map<String, String> env = env();
    env.remove(GcpKmsKeys.TOKEN_ENV);
    env.put(GcpKmsKeys.TOKEN_FILE_ENV, file.toString());
    assertThat(open(fake.reference(), env).algorithm()).isEqualTo(Algorithm.ES256);
    env.put(GcpKmsKeys.TOKEN_FILE_ENV, dir.resolve("missing").toString());
    refused(() -> open(fake.reference(), env), Reason.DENIED, "cannot read the access token file");
  }

  @Test
  void withoutATokenTheMetadataServerIsAsked() throws Exception {
    start(Algorithm.ES256).token = fake.metadataToken;
    Map<String, String> env = env();
    env.remove(GcpKmsKeys.TOKEN_ENV);
    env.put(GcpKmsKeys.METADATA_HOST_ENV, fake.hostPort());
    SigningKey key = open(fake.reference(), env);
    key.signMessage(new byte[] {1});
    // One token fetch, cached for later calls.
    assertThat(fake.calls("metadata")).isEqualTo(1);
    assertThat(fake.headers.getLast().get("Authorization"))
        .containsExactly("Bearer " + fake.metadataToken);
  }

  @Test
  void noCredentialsAtAllIsDeniedWithTheWaysToProvideThem() throws Exception {
    start(Algorithm.ES256);
    Map<String, String> env = env();
    env.remove(GcpKmsKeys.TOKEN_ENV);
    env.put(GcpKmsKeys.METADATA_HOST_ENV, "127.0.0.1:1");
    refused(
        () -> open(fake.reference(), env),
        Reason.DENIED,
        "no Google credentials: set GOOGLE_OAUTH_ACCESS_TOKEN",
        "CLOUDSDK_AUTH_ACCESS_TOKEN_FILE",
        "metadata server: connection refused");
  }

  @Test
  void plainHttpIsOnlyForThisMachine() throws Exception {
    start(Algorithm.ES256);
    Map<String, String> env = env();
    env.put(GcpKmsKeys.ENDPOINT_ENV, "http://kms.example.com/");
    refused(
        () -> open(fake.reference(), env),
        Reason.NOT_ALLOWED,
        "CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDKMS uses plain http to kms.example.com");
  }

  @Test
  void dotSegmentsInTheResourceNameAreRefusedBeforeAnyRequest() throws Exception {
    start(Algorithm.ES256);
    refused(
        () -> open("gcpkms://projects/../locations/global/keyRings/ci/cryptoKeys/release", env()),
        Reason.MALFORMED,
        "\"..\" is not a valid resource name segment");
    assertThat(fake.totalCalls()).isZero();
  }
}
