package dev.signet.bench;

import dev.signet.job.Job;
import dev.signet.job.JobExpander;
import dev.signet.job.JobVerdict;
import dev.signet.job.JobVerifier;
import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyGenerator;
import dev.signet.keys.KeySet;
import dev.signet.keys.Signer;
import dev.signet.pipeline.Pipeline;
import dev.signet.signing.PipelineSigner;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Steps signed and jobs verified per second on one thread for a 1,000-step pipeline, beside the raw
 * Ed25519 primitive (BouncyCastle low-level sign/verify over a message of the same size as a step's
 * JWS signing input) measured in the same run. The ratio is the figure that matters: it shows how
 * much the pipeline machinery (field map, canonical JSON, base64url, JWS) costs on top of the
 * signature itself.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class SigningBenchmark {
  static final int STEPS = 1000;

  Pipeline pipeline;
  Signer signer;
  PipelineSigner.Options options;
  byte[] secret = new byte[Ed25519.SECRET_KEY_SIZE];
  byte[] publicKey = new byte[Ed25519.PUBLIC_KEY_SIZE];
  Ed25519.PublicPoint point;
  byte[] message;
  byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
  java.security.KeyPair jdkKeyPair;
  byte[] jdkSignature;
  List<Job> jobs;
  JobVerifier verifier;

  @Setup
  public void setup() throws Exception {
    SecureRandom random = new SecureRandom();
    KeyGenerator.GeneratedKey key = KeyGenerator.generate(Algorithm.EdDSA, "bench", random);
    signer = KeySet.parse(key.privateJwks(), "bench").signer(null);
    pipeline = SampleWorkload.pipeline(STEPS);
    options = PipelineSigner.Options.forRepository(SampleWorkload.REPO);
    Ed25519.generatePrivateKey(random, secret);
    Ed25519.generatePublicKey(secret, 0, publicKey, 0);
    point = Ed25519.validatePublicKeyFullExport(publicKey, 0);
    // A step's JWS signing input is ~560 bytes: header, dot, base64url of a ~400-byte payload.
    message = new byte[560];
    random.nextBytes(message);
    Ed25519.sign(secret, 0, publicKey, 0, message, 0, message.length, signature, 0);
    jdkKeyPair = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    jdkSignature = jdkEd25519Sign();
    Pipeline signed = PipelineSigner.sign(pipeline, signer, options);
    jobs = JobExpander.expand(signed, SampleWorkload.REPO, Map.of());
    verifier =
        new JobVerifier(
            KeySet.parse(key.publicJwks(), "bench").verificationKeys(),
            JobVerifier.FailureBehavior.BLOCK);
    for (Job j : jobs) {
      if (!(verifier.verify(j) instanceof JobVerdict.Verified)) {
        throw new IllegalStateException("benchmark job does not verify: " + j.id());
      }
    }
  }

  @Benchmark
  public byte[] rawEd25519Sign() {
    byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
    Ed25519.sign(secret, 0, publicKey, 0, message, 0, message.length, sig, 0);
    return sig;
  }

  /** The JDK's own Ed25519 (SunEC), for the record of why Signet uses BouncyCastle's. */
  @Benchmark
  @dev.signet.SuppressForbidden(reason = "the JDK's Ed25519 is the reference being measured")
  public byte[] jdkEd25519Sign() throws Exception {
    java.security.Signature s = java.security.Signature.getInstance("Ed25519");
    s.initSign(jdkKeyPair.getPrivate());
    s.update(message);
    return s.sign();
  }

  @Benchmark
  @dev.signet.SuppressForbidden(reason = "the JDK's Ed25519 is the reference being measured")
  public boolean jdkEd25519Verify() throws Exception {
    java.security.Signature s = java.security.Signature.getInstance("Ed25519");
    s.initVerify(jdkKeyPair.getPublic());
    s.update(message);
    return s.verify(jdkSignature);
  }

  @Benchmark
  public boolean rawEd25519Verify() {
    return Ed25519.verify(signature, 0, point, message, 0, message.length);
  }

  /** All checks of spec §6 for each job: signature, permutation, command, env, plugins. */
  @Benchmark
  @OperationsPerInvocation(STEPS)
  public int verifyJobs() {
    int ok = 0;
    for (Job j : jobs) {
      if (verifier.verify(j).mayRun()) {
        ok++;
      }
    }
    return ok;
  }

  @Benchmark
  @OperationsPerInvocation(STEPS)
  public Pipeline signPipelineSteps() throws Exception {
    return PipelineSigner.sign(pipeline, signer, options);
  }
}
