package dev.signet.keys.kms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.keys.Algorithm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The AWS SDK is a few megabytes of classes that every CLI command would pay for if anything on a
 * common path referred to it. In a fresh JVM, opening a Vault key through {@link KmsKeys} loads no
 * SDK class at all, while opening an {@code awskms://} key does (which shows the probe can see
 * them). Both JVMs must also end on their own: no backend may leave a non-daemon thread behind.
 */
class AwsSdkLoadingTest {

  @Test
  void theSdkIsLoadedOnlyForAwsKeysAndNoBackendKeepsTheJvmAlive() throws Exception {
    try (FakeVault vault = new FakeVault(Algorithm.ES256);
        FakeAwsKms aws = new FakeAwsKms(Algorithm.ES256)) {
      List<String> vaultRun =
          probe(
              "hashivault://" + FakeVault.NAME,
              "VAULT_ADDR=" + vault.url(),
              "VAULT_TOKEN=" + KmsTesting.VAULT_TOKEN);
      assertThat(vaultRun).contains("PROBE-SIGNED ES256");
      assertThat(vaultRun).noneMatch(l -> l.contains("software.amazon.awssdk"));

      List<String> awsRun =
          probe(
              aws.reference(),
              "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
              "AWS_SECRET_ACCESS_KEY=" + KmsTesting.AWS_SECRET,
              "AWS_REGION=eu-west-1");
      assertThat(awsRun).contains("PROBE-SIGNED ES256");
      assertThat(awsRun).anyMatch(l -> l.contains("software.amazon.awssdk.services.kms.KmsClient"));
    }
  }

  private static List<String> probe(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xlog:class+load=info");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(LoadProbe.class.getName());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    boolean ended = p.waitFor(60, TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly();
    }
    assertThat(ended).as("the probe JVM ended by itself").isTrue();
    List<String> lines = new String(out, StandardCharsets.UTF_8).lines().toList();
    assertThat(p.exitValue())
        .as(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())))
        .isZero();
    return lines;
  }
}
