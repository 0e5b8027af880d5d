package dev.signet.keys.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.signet.keys.KeyRef;
import dev.signet.keys.SigningKey;
import org.junit.jupiter.api.Test;

/**
 * The opt-in profile against the real services. No network is reachable where the suite normally
 * runs, so each test runs only when its key reference is in the environment, and is skipped
 * (visibly, as an assumption) otherwise; the credentials come from the usual places (see
 * docs/keys-kms.md):
 *
 * <ul>
 *   <li>{@code SIGNET_TEST_AWSKMS_KEY=awskms:///alias/…} with AWS credentials and region;
 *   <li>{@code SIGNET_TEST_GCPKMS_KEY=gcpkms://projects/…} with {@code GOOGLE_OAUTH_ACCESS_TOKEN};
 *   <li>{@code SIGNET_TEST_VAULT_KEY=hashivault://…} (or {@code openbao://…}) with {@code
 *       VAULT_ADDR} and {@code VAULT_TOKEN}.
 * </ul>
 *
 * Each signs with the real key, checks its native signatures with the JDK, and signs a pipeline
 * whose jobs must then verify with the key's public half.
 */
class RealServicesTest {

  @Test
  void awsKms() throws Exception {
    roundTrip("SIGNET_TEST_AWSKMS_KEY");
  }

  @Test
  void googleCloudKms() throws Exception {
    roundTrip("SIGNET_TEST_GCPKMS_KEY");
  }

  @Test
  void vaultOrOpenBaoTransit() throws Exception {
    roundTrip("SIGNET_TEST_VAULT_KEY");
  }

  private static void roundTrip(String variable) throws Exception {
    String reference = System.getenv(variable);
    assumeTrue(
        reference != null && !reference.isBlank(),
        variable + " is not set; the real-service test is opt-in (docs/keys-kms.md)");
    SigningKey key = KmsKeys.open(KeyRef.parse(reference), System.getenv());
    assertThat(KmsKeys.handles(KeyRef.parse(reference))).isTrue();
    KmsTesting.nativeSignaturesVerifyWithTheJdk(key, key.publicKey());
    KmsTesting.signedPipelineJobsVerify(key, key.publicKey());
  }
}
