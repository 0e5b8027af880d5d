package dev.signet.bench;

import dev.signet.SuppressForbidden;
import dev.signet.keys.Algorithm;
import dev.signet.keys.SoftwareKey;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * ES256 over a SHA-256 digest, as custody signs for {@code sign/digest}: through {@link
 * SoftwareKey} (whatever randomness {@code keys.Primitives} gives the JDK's ECDSA), beside the raw
 * JDK signer with its default {@code SecureRandom} (one shared instance per JVM) and with a
 * per-thread DRBG. Run with {@code -t 1} and {@code -t 4}: a shared, locked nonce source shows as a
 * rate that does not grow, or falls, with threads.
 *
 * <pre>java -jar signet-bench/target/signet-bench.jar EcdsaNonceBenchmark -t 4</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1)
@SuppressForbidden(reason = "the raw JDK signer is the reference this benchmark compares with")
public class EcdsaNonceBenchmark {
  SoftwareKey key;
  PrivateKey jdkKey;
  byte[] digest = new byte[32];

  private static final ThreadLocal<SecureRandom> DRBG =
      ThreadLocal.withInitial(() -> {
        try {
          return SecureRandom.getInstance("DRBG");
        } catch (java.security.NoSuchAlgorithmException e) {
          throw new IllegalStateException(e);
        }
      });

  @Setup
  public void setup() throws Exception {
    SecureRandom random = new SecureRandom();
    byte[] pkcs8 = SoftwareKey.generatePkcs8(Algorithm.ES256, random);
    key = SoftwareKey.fromPkcs8(pkcs8.clone(), Algorithm.ES256, "bench", "bench");
    jdkKey = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    random.nextBytes(digest);
  }

  @Benchmark
  public byte[] softwareKeySignDigest() throws Exception {
    return key.signDigest(digest);
  }

  @Benchmark
  public byte[] jdkDefaultRandom() throws Exception {
    Signature s = Signature.getInstance("NONEwithECDSA");
    s.initSign(jdkKey);
    s.update(digest);
    return s.sign();
  }

  @Benchmark
  public byte[] jdkPerThreadDrbg() throws Exception {
    Signature s = Signature.getInstance("NONEwithECDSA");
    s.initSign(jdkKey, DRBG.get());
    s.update(digest);
    return s.sign();
  }
}
