package dev.signet.keys.kms;

import dev.signet.keys.KeyException;
import dev.signet.keys.KeyRef;
import dev.signet.keys.SigningKey;
import java.util.Map;

/**
 * Opens a signing key held by a cloud KMS or Vault/OpenBao transit from its key reference: {@code
 * awskms://}, {@code gcpkms://}, {@code hashivault://} or {@code openbao://}.
 *
 * <p>The keys have no key ID: JWS signatures made with them carry a header of {@code alg} only,
 * exactly as Buildkite's KMS signatures do, and verify with {@link
 * dev.signet.keys.VerificationKeys#of} over {@link SigningKey#publicKey()}.
 */
public final class KmsKeys {
  private KmsKeys() {}

  /** Whether {@code ref} names a key this module opens. */
  public static boolean handles(KeyRef ref) {
    return ref instanceof KeyRef.AwsKms
        || ref instanceof KeyRef.GcpKms
        || ref instanceof KeyRef.Vault;
  }

  /** Opens the key with {@link KmsOptions#DEFAULT}; see {@link #open(KeyRef, Map, KmsOptions)}. */
  public static SigningKey open(KeyRef ref, Map<String, String> env) throws KeyException {
    return open(ref, env, KmsOptions.DEFAULT);
  }

  /**
   * Opens the key, reading credentials and endpoints from {@code env} (normally {@link
   * System#getenv()}).
   *
   * @throws KeyException as {@link AwsKmsKeys}, {@link GcpKmsKeys} and {@link VaultKeys} describe;
   *     NOT_ALLOWED for a reference of another kind
   */
  public static SigningKey open(KeyRef ref, Map<String, String> env, KmsOptions options)
      throws KeyException {
    // AwsKmsKeys is touched only in its own branch, so the AWS SDK stays unloaded otherwise.
    return switch (ref) {
      case KeyRef.AwsKms aws -> AwsKmsKeys.open(aws, env, options);
      case KeyRef.GcpKms gcp -> GcpKmsKeys.open(gcp, env, options);
      case KeyRef.Vault vault -> VaultKeys.open(vault, env, options);
      default ->
          throw new KeyException(
              KeyException.Reason.NOT_ALLOWED,
              ref.display() + " is not a KMS or Vault key reference");
    };
  }
}
