package dev.signet.keys.kms;

import dev.signet.keys.KeyException;
import dev.signet.keys.KeyRef;
import dev.signet.keys.SigningKey;
import java.util.Map;

/**
 * Signing keys in AWS KMS ({@code awskms://[ENDPOINT]/KEY-ID-OR-ALIAS-OR-ARN}), through the AWS SDK
 * for Java v2 (the slim client: {@code kms} and the JDK URL-connection transport).
 *
 * <p>Key specs: {@code ECC_NIST_P256} → ES256 (what Buildkite's agent signs and verifies with),
 * {@code ECC_NIST_P384} → ES384, {@code ECC_NIST_P521} → ES512, {@code RSA_2048/3072/4096} → PS512
 * (or PS256 when the key offers only that), {@code ECC_NIST_EDWARDS25519} → EdDSA. The key usage
 * must be {@code SIGN_VERIFY}; anything else — {@code SYMMETRIC_DEFAULT}, HMAC, secp256k1, SM2,
 * ML-DSA, encryption keys — is refused, naming the spec. Digests travel as {@code
 * MessageType=DIGEST}; Ed25519 signs the message itself ({@code RAW}, at most 4096 bytes). An alias
 * is resolved to its key once, at open, and later signatures are made by that key, so re-pointing
 * the alias cannot switch keys under a running signer.
 *
 * <p>Credentials and region come from the AWS SDK's usual places: {@code AWS_ACCESS_KEY_ID} /
 * {@code AWS_SECRET_ACCESS_KEY} / {@code AWS_SESSION_TOKEN} in {@code env}, else the default
 * provider chain (profiles, web identity, container and instance roles); {@code AWS_REGION} or
 * {@code AWS_DEFAULT_REGION} in {@code env}, else the region inside a key ARN, else the SDK's
 * region chain. An endpoint in the reference, else {@code AWS_ENDPOINT_URL_KMS} or {@code
 * AWS_ENDPOINT_URL} in {@code env}, replaces the service endpoint: https, or plain http when it is
 * this machine (LocalStack, test servers).
 *
 * <p>This class refers to no SDK type; the SDK is loaded only when a key is opened.
 */
public final class AwsKmsKeys {
  private AwsKmsKeys() {}

  /** Opens the key with {@link KmsOptions#DEFAULT}. */
  public static SigningKey open(KeyRef.AwsKms ref, Map<String, String> env) throws KeyException {
    return open(ref, env, KmsOptions.DEFAULT);
  }

  /**
   * Opens the key: fetches the public key and key spec once ({@code GetPublicKey}), then signs and
   * verifies a probe.
   *
   * @throws KeyException DENIED (no or refused credentials), NOT_FOUND, NOT_ALLOWED (key spec,
   *     usage or state), UNAVAILABLE (unreachable, throttled, no region), SIGNING_FAILED (malformed
   *     responses); every message names the key and never a secret
   */
  public static SigningKey open(KeyRef.AwsKms ref, Map<String, String> env, KmsOptions options)
      throws KeyException {
    return AwsKmsClient.open(ref, env, options);
  }
}
