package dev.signet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.keys.Algorithm;
import dev.signet.keys.kms.KmsFakes;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * AWS KMS and Cloud KMS keys through the CLI's key references, against the kms module's fakes on
 * 127.0.0.1 (each speaks its service's wire protocol): a pipeline signed through the KMS has jobs
 * that verify, an artifact signed through it verifies with the exported public key, and an
 * attestation signed through it verifies. Issue 3: "every backend signs a pipeline whose jobs then
 * verify, and an artifact that then verifies".
 */
class CloudKmsCliTest {
  enum Cloud {
    AWS,
    GCP
  }

  @TempDir Path dir;

  @AfterEach
  void restoreEnv() {
    KeyRefs.env = System::getenv;
  }

  @ParameterizedTest
  @EnumSource(Cloud.class)
  void aCloudKmsKeySignsPipelinesArtifactsAndAttestations(Cloud cloud) throws Exception {
    try (KmsFakes.Fake kms =
        cloud == Cloud.AWS ? KmsFakes.aws(Algorithm.ES256) : KmsFakes.gcp(Algorithm.ES256)) {
      KeyRefs.env = kms::env;
      String ref = kms.reference();
      Path pub = dir.resolve("kms.pub");
      Cli k = Cli.run("key", "public", ref, "--format", "pem", "--output", pub.toString());
      assertThat(k.exitCode()).as(k.err()).isZero();

      Path in = Fixtures.write(dir, "pipeline.yml", Fixtures.PIPELINE);
      Path signed = dir.resolve("signed.yml");
      Cli s =
          Cli.run(
              "pipeline",
              "sign",
              in.toString(),
              "--signing-key",
              ref,
              "--repo",
              Fixtures.REPO,
              "--output",
              signed.toString());
      assertThat(s.exitCode()).as(s.err()).isZero();
      assertThat(Files.readString(signed)).as("KMS signatures carry no kid").doesNotContain("kid");
      for (Path job : Fixtures.jobs(dir, signed)) {
        Cli v = Cli.run("job", "verify", job.toString(), "--verification-key", pub.toString());
        assertThat(v.exitCode()).as(v.err()).isZero();
      }

      Path art = Fixtures.write(dir, "release.tar", "release ".repeat(1000));
      Path bundle = dir.resolve("release.tar.sigstore.json");
      Path sig = dir.resolve("release.tar.sig");
      int before = kms.signCalls();
      Cli a =
          Cli.run(
              "artifact",
              "sign",
              art.toString(),
              "--key",
              ref,
              "--bundle",
              bundle.toString(),
              "--output-signature",
              sig.toString());
      assertThat(a.exitCode()).as(a.err()).isZero();
      assertThat(kms.signCalls()).isGreaterThan(before);
      for (String[] how :
          new String[][] {{"--bundle", bundle.toString()}, {"--signature", sig.toString()}}) {
        Cli v =
            Cli.run("artifact", "verify", art.toString(), "--key", pub.toString(), how[0], how[1]);
        assertThat(v.exitCode()).as(v.err()).isZero();
      }
      Files.writeString(art, "tampered");
      Cli tampered =
          Cli.run(
              "artifact",
              "verify",
              art.toString(),
              "--key",
              pub.toString(),
              "--bundle",
              bundle.toString());
      assertThat(tampered.exitCode()).isEqualTo(ExitCode.REFUSED);

      Path app = Fixtures.write(dir, "app.bin", "app");
      Path envelope = dir.resolve("att.json");
      Cli at =
          Cli.run(
              "attest", "--subject", app.toString(), "--key", ref, "--output", envelope.toString());
      assertThat(at.exitCode()).as(at.err()).isZero();
      Cli av =
          Cli.run(
              "attest",
              "verify",
              envelope.toString(),
              "--key",
              pub.toString(),
              "--subject",
              app.toString());
      assertThat(av.exitCode()).as(av.err()).isZero();
    }
  }

  @org.junit.jupiter.api.Test
  void buildkitesAwsKmsFlagTakesTheEndpointFromTheAwsSdkSetting() throws Exception {
    try (KmsFakes.Fake kms = KmsFakes.aws(Algorithm.ES256)) {
      java.util.Map<String, String> env = new java.util.HashMap<>(kms.env());
      env.put("AWS_ENDPOINT_URL_KMS", kms.url());
      KeyRefs.env = () -> env;
      Path in = Fixtures.write(dir, "pipeline.yml", Fixtures.PIPELINE);
      Path signed = dir.resolve("signed.yml");
      Cli s =
          Cli.run(
              "pipeline",
              "sign",
              in.toString(),
              "--signing-aws-kms-key",
              "alias/release",
              "--repo",
              Fixtures.REPO,
              "--output",
              signed.toString());
      assertThat(s.exitCode()).as(s.err()).isZero();
      assertThat(kms.signCalls()).isPositive();

      env.put("AWS_ENDPOINT_URL_KMS", "http://kms.example.com");
      Cli plain =
          Cli.run(
              "pipeline",
              "sign",
              in.toString(),
              "--signing-aws-kms-key",
              "alias/release",
              "--repo",
              Fixtures.REPO);
      assertThat(plain.exitCode()).isEqualTo(ExitCode.KEY);
      assertThat(plain.err()).contains("AWS_ENDPOINT_URL_KMS").hasLineCount(1);
    }
  }
}
