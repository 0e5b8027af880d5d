package dev.signet.keys.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyException;
import dev.signet.keys.KeyRef;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One key signs from several threads at once (each signature in its own pooled session), keys on
 * one token are opened and closed concurrently without disturbing each other, and closing a key
 * while others sign with it ends cleanly: every signature either verifies or is refused as closed.
 */
class Pkcs11ConcurrencyTest {
  static final String TOKEN = "threads";
  static final String PIN = "thread-pin-2468";
  static final int THREADS = 4;
  static final int SIGNATURES = 50;

  static SoftHsm hsm;
  static Pkcs11Key ed;
  static Pkcs11Key ec;

  @BeforeAll
  static void token() throws Throwable {
    hsm = SoftHsm.start();
    hsm.initToken(TOKEN, PIN);
    ed = Pkcs11Keys.generate(SoftHsm.ref(TOKEN, "ed", PIN), Algorithm.EdDSA, Map.of());
    ec = Pkcs11Keys.generate(SoftHsm.ref(TOKEN, "ec", PIN), Algorithm.ES256, Map.of());
  }

  @AfterAll
  static void close() throws Exception {
    ed.close();
    ec.close();
    assertThat(Token.modulesInUse()).isZero();
    hsm.close();
  }

  @ParameterizedTest
  @EnumSource(
      value = Algorithm.class,
      names = {"EdDSA", "ES256"})
  void oneKeySignsFromFourThreads(Algorithm alg) throws Exception {
    Pkcs11Key key = alg == Algorithm.EdDSA ? ed : ec;
    List<Callable<Integer>> work = new ArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      work.add(() -> {
        start.await();
        int verified = 0;
        for (int i = 0; i < SIGNATURES; i++) {
          byte[] message = ("thread " + thread + " message " + i).getBytes(StandardCharsets.UTF_8);
          byte[] sig = key.signMessage(message);
          if (Pkcs11SigningTest.jdkVerify(alg, key.publicKey(), message, sig)) {
            verified++;
          }
        }
        return verified;
      });
    }
    assertThat(runAll(work, start)).containsOnly(SIGNATURES).hasSize(THREADS);
  }

  @Test
  void keysOpenAndCloseConcurrentlyOnOneToken() throws Exception {
    KeyRef.Pkcs11 ref = SoftHsm.ref(TOKEN, "ec", PIN);
    List<Callable<Integer>> work = new ArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    for (int t = 0; t < THREADS; t++) {
      work.add(() -> {
        start.await();
        int verified = 0;
        for (int i = 0; i < 10; i++) {
          try (Pkcs11Key k = Pkcs11Keys.open(ref, Map.of())) {
            byte[] m = new byte[] {(byte) i};
            if (Pkcs11SigningTest.jdkVerify(Algorithm.ES256, k.publicKey(), m, k.signMessage(m))
                && Pkcs11SigningTest.jdkVerify(
                    Algorithm.EdDSA, ed.publicKey(), m, ed.signMessage(m))) {
              verified++;
            }
          }
        }
        return verified;
      });
    }
    assertThat(runAll(work, start)).containsOnly(10);
    // The long-lived keys still work: their token stayed logged in throughout.
    assertThat(ec.signMessage(new byte[1])).isNotEmpty();
  }

  @Test
  void aModuleReachedThroughASymlinkAndItsTargetIsOneModule() throws Exception {
    java.nio.file.Path target = SoftHsm.MODULE.toRealPath();
    assertThat(target).isNotEqualTo(SoftHsm.MODULE); // Debian links it from /usr/lib/softhsm
    KeyRef.Pkcs11 viaTarget =
        (KeyRef.Pkcs11)
            KeyRef.parse(
                "pkcs11:token=" + TOKEN + ";object=ed?module-path=" + target + "&pin-value=" + PIN);
    Pkcs11Key viaLink = Pkcs11Keys.open(SoftHsm.ref(TOKEN, "ed", PIN), Map.of());
    try (Pkcs11Key k = Pkcs11Keys.open(viaTarget, Map.of())) {
      viaLink.close();
      // Had the link and its target been two modules, closing the first would have finalised the
      // library under the second.
      assertThat(k.signMessage(new byte[1])).hasSize(64);
    }
  }

  @Test
  void closingWhileOthersSignEndsCleanly() throws Exception {
    Pkcs11Key key = Pkcs11Keys.open(SoftHsm.ref(TOKEN, "ed", PIN), Map.of());
    AtomicBoolean stop = new AtomicBoolean();
    List<Callable<Integer>> work = new ArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    for (int t = 0; t < THREADS; t++) {
      work.add(() -> {
        start.await();
        int refused = 0;
        while (!stop.get()) {
          byte[] m = "m".getBytes(StandardCharsets.UTF_8);
          try {
            byte[] sig = key.signMessage(m);
            assertThat(Pkcs11SigningTest.jdkVerify(Algorithm.EdDSA, key.publicKey(), m, sig))
                .isTrue();
          } catch (KeyException e) {
            assertThat(e.reason()).isEqualTo(KeyException.Reason.UNAVAILABLE);
            assertThat(e.getMessage()).endsWith("the key has been closed");
            refused++;
            stop.set(true);
          }
        }
        return refused;
      });
    }
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<Integer>> futures = new ArrayList<>();
      for (Callable<Integer> c : work) {
        futures.add(pool.submit(c));
      }
      start.countDown();
      Thread.sleep(200);
      key.close();
      int refused = 0;
      for (Future<Integer> f : futures) {
        refused += f.get(60, TimeUnit.SECONDS);
      }
      assertThat(refused).isPositive();
    } finally {
      stop.set(true);
      pool.shutdownNow();
    }
  }

  private static List<Integer> runAll(List<Callable<Integer>> work, CountDownLatch start)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(work.size());
    try {
      List<Future<Integer>> futures = new ArrayList<>();
      for (Callable<Integer> c : work) {
        futures.add(pool.submit(c));
      }
      start.countDown();
      List<Integer> results = new ArrayList<>();
      for (Future<Integer> f : futures) {
        results.add(f.get(120, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
