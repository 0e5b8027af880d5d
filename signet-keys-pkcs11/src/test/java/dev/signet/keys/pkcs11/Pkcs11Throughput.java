package dev.signet.keys.pkcs11;

import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyException;
import dev.signet.keys.KeyGenerator;
import dev.signet.keys.KeySet;
import dev.signet.keys.SigningKey;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Signatures per second through SoftHSM2 beside the in-process rates, measured in the same run
 * (docs/keys-pkcs11.md has the command and the figures). A plain timed loop, not a unit test: each
 * case runs a warm-up, then {@link #ROUNDS} timed rounds, and the median is reported.
 */
public final class Pkcs11Throughput {
  private Pkcs11Throughput() {}

  static final int WARMUP_MS = 2_000;
  static final int ROUND_MS = 3_000;
  static final int ROUNDS = 3;
  static final String PIN = "bench-pin-1357";

  /** A message the size of a pipeline step's JWS signing input (see docs/performance.md). */
  static final byte[] MESSAGE = new byte[560];

  interface Op {
    void run() throws Exception;
  }

  public static void main(String[] args) throws Throwable {
    new SecureRandom().nextBytes(MESSAGE);
    System.out.printf(
        Locale.ROOT,
        "JDK %s, %d CPUs, SoftHSM %s%n%n",
        Runtime.version(),
        Runtime.getRuntime().availableProcessors(),
        SoftHsm.MODULE);
    try (SoftHsm hsm = SoftHsm.start()) {
      hsm.initToken("bench", PIN);
      Pkcs11Key ed =
          Pkcs11Keys.generate(SoftHsm.ref("bench", "ed", PIN), Algorithm.EdDSA, Map.of());
      Pkcs11Key ec =
          Pkcs11Keys.generate(SoftHsm.ref("bench", "ec", PIN), Algorithm.ES256, Map.of());
      Pkcs11Key rsa =
          Pkcs11Keys.generate(SoftHsm.ref("bench", "rsa", PIN), Algorithm.PS512, Map.of());

      // In-process references: the raw primitives, and the same algorithms as file keys.
      byte[] edSecret = new byte[Ed25519.SECRET_KEY_SIZE];
      Ed25519.generatePrivateKey(new SecureRandom(), edSecret);
      byte[] edPublic = new byte[Ed25519.PUBLIC_KEY_SIZE];
      Ed25519.generatePublicKey(edSecret, 0, edPublic, 0);
      byte[] edSig = new byte[Ed25519.SIGNATURE_SIZE];
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair p256 = g.generateKeyPair();
      SigningKey edFile = fileKey(Algorithm.EdDSA);
      SigningKey ecFile = fileKey(Algorithm.ES256);
      SigningKey rsaFile = fileKey(Algorithm.PS512);

      System.out.println("| what | threads | signatures/s (median of 3) | range |");
      System.out.println("|---|---|---|---|");
      measure(
          "Ed25519 raw, BouncyCastle in-process",
          1,
          () -> Ed25519.sign(edSecret, 0, edPublic, 0, MESSAGE, 0, MESSAGE.length, edSig, 0));
      measure("Ed25519 file key (SigningKey)", 1, () -> edFile.signMessage(MESSAGE));
      measure("Ed25519 SoftHSM (CKM_EDDSA)", 1, () -> ed.signMessage(MESSAGE));
      measure("Ed25519 SoftHSM (CKM_EDDSA)", 2, () -> ed.signMessage(MESSAGE));
      Signature jdkEcdsa = Signature.getInstance("SHA256withECDSA");
      jdkEcdsa.initSign(p256.getPrivate());
      measure(
          "ES256 raw, JDK SHA256withECDSA in-process",
          1,
          () -> {
            jdkEcdsa.update(MESSAGE);
            jdkEcdsa.sign();
          });
      measure("ES256 file key (SigningKey)", 1, () -> ecFile.signMessage(MESSAGE));
      measure("ES256 SoftHSM (CKM_ECDSA)", 1, () -> ec.signMessage(MESSAGE));
      measure("ES256 SoftHSM (CKM_ECDSA)", 2, () -> ec.signMessage(MESSAGE));
      measure("PS512 file key, RSA-3072 (SigningKey)", 1, () -> rsaFile.signMessage(MESSAGE));
      measure("PS512 SoftHSM, RSA-3072 (CKM_RSA_PKCS_PSS)", 1, () -> rsa.signMessage(MESSAGE));
      ed.close();
      ec.close();
      rsa.close();
    }
  }

  private static SigningKey fileKey(Algorithm alg) throws KeyException {
    return KeySet.parse(
            KeyGenerator.generate(alg, "bench", new SecureRandom()).privateJwks(), "bench")
        .signingKey(null);
  }

  private static void measure(String what, int threads, Op op) throws Exception {
    run(op, threads, WARMUP_MS);
    double[] rates = new double[ROUNDS];
    for (int i = 0; i < ROUNDS; i++) {
      rates[i] = run(op, threads, ROUND_MS);
    }
    Arrays.sort(rates);
    System.out.printf(
        Locale.ROOT,
        "| %s | %d | %,.0f | %,.0f – %,.0f |%n",
        what,
        threads,
        rates[ROUNDS / 2],
        rates[0],
        rates[ROUNDS - 1]);
  }

  /** Operations per second over {@code millis}, all threads together. */
  private static double run(Op op, int threads, int millis) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Long>> counts = new ArrayList<>();
      long start = System.nanoTime();
      for (int t = 0; t < threads; t++) {
        counts.add(
            pool.submit(() -> {
              long n = 0;
              while (!stop.get()) {
                op.run();
                n++;
              }
              return n;
            }));
      }
      Thread.sleep(millis);
      stop.set(true);
      long total = 0;
      for (Future<Long> f : counts) {
        total += f.get();
      }
      return total / ((System.nanoTime() - start) / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }
}
