package dev.signet.server.custody;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.keys.Algorithm;
import dev.signet.keys.KeySet;
import dev.signet.keys.SigningKey;
import dev.signet.keys.VerifyingKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Software custody keys end to end: create, sign, publish, rotate, retire, revoke, tamper. */
class CustodyTest {
  static final byte[] MESSAGE = "a pipeline step's signing input".getBytes(StandardCharsets.UTF_8);

  /** A clock the test moves. */
  static final class TestClock extends Clock {
    volatile Instant now = Instant.parse("2026-11-22T08:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  TestClock clock;
  InMemoryCustodyStore store;
  SoftwareMasterKey master;
  Custody custody;

  @BeforeEach
  void start() throws Exception {
    clock = new TestClock();
    store = new InMemoryCustodyStore();
    master = SealingTest.master();
    custody = new Custody(store, master, clock, null);
  }

  @AfterEach
  void stop() {
    custody.close();
    master.close();
  }

  static VerifyingKey fromJwks(String jwks, String kid) throws Exception {
    return KeySet.parse(jwks, "jwks").verifyingKeys().stream()
        .filter(k -> kid.equals(k.keyId()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kid + " in " + jwks));
  }

  static List<String> kids(String jwks) throws Exception {
    if (jwks.replace(" ", "").equals("{\"keys\":[]}")) {
      return List.of(); // KeySet refuses an empty set; the endpoint serves one
    }
    return KeySet.parse(jwks, "jwks").verifyingKeys().stream().map(VerifyingKey::keyId).toList();
  }

  @ParameterizedTest
  @EnumSource(
      value = Algorithm.class,
      names = {"EdDSA", "ES256", "ES384", "ES512", "PS256", "PS512"})
  void everyAlgorithmSignsAndItsJwksVerifies(Algorithm alg) throws Exception {
    VersionRecord v1 = custody.create("acme", "release", alg, CustodyKind.SOFTWARE, "admin");
    assertThat(v1.keyId()).isEqualTo("release-v1");
    SigningKey key = custody.signingKey("acme", "release");
    assertThat(key.algorithm()).isEqualTo(alg);
    assertThat(key.keyId()).isEqualTo("release-v1");
    assertThat(key.reference()).isEqualTo("custody:acme/release/v1");
    byte[] sig = key.signMessage(MESSAGE);
    VerifyingKey published = fromJwks(custody.jwks("acme"), "release-v1");
    assertThat(published.algorithm()).isEqualTo(alg);
    assertThat(published.verifyMessage(MESSAGE, sig)).isTrue();
    assertThat(published.verifyMessage("other".getBytes(StandardCharsets.UTF_8), sig)).isFalse();
    // Cached: the same key object, unsealed once.
    assertThat(custody.signingKey("acme", "release")).isSameAs(key);
    // The sealed row holds no plaintext key material.
    VersionRecord row = store.version("acme", "release", 1).orElseThrow();
    assertThat(row.sealed()).isNotNull();
    assertThat(row.toString())
        .contains("sealed=[")
        .doesNotContain(
            java.util.Base64.getEncoder().encodeToString(row.sealed()).substring(0, 24));
  }

  @Test
  void rotationKeepsOldVersionsPublishedAndSignsWithTheNew() throws Exception {
    custody.create("acme", "release", Algorithm.EdDSA, CustodyKind.SOFTWARE, "admin");
    byte[] oldSig = custody.signingKey("acme", "release").signMessage(MESSAGE);
    VersionRecord v2 = custody.rotate("acme", "release", "admin");
    assertThat(v2.version()).isEqualTo(2);
    SigningKey now = custody.signingKey("acme", "release");
    assertThat(now.keyId()).isEqualTo("release-v2");
    byte[] newSig = now.signMessage(MESSAGE);
    String jwks = custody.jwks("acme");
    assertThat(kids(jwks)).containsExactly("release-v1", "release-v2");
    assertThat(fromJwks(jwks, "release-v1").verifyMessage(MESSAGE, oldSig)).isTrue();
    assertThat(fromJwks(jwks, "release-v2").verifyMessage(MESSAGE, newSig)).isTrue();
    assertThat(fromJwks(jwks, "release-v1").verifyMessage(MESSAGE, newSig)).isFalse();
    // A second key of the project is published beside it.
    custody.create("acme", "nightly", Algorithm.ES256, CustodyKind.SOFTWARE, "admin");
    assertThat(kids(custody.jwks("acme")))
        .containsExactly("nightly-v1", "release-v1", "release-v2");
    assertThat(kids(custody.jwks("other"))).isEmpty();
    assertThat(custody.events("acme", "release"))
        .extracting(KeyEvent::type, KeyEvent::version)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(KeyEvent.Type.CREATED, 1),
            org.assertj.core.groups.Tuple.tuple(KeyEvent.Type.ROTATED, 2));
  }

  @Test
  void retiredVersionsStayPublishedAndNeverSign() throws Exception {
    custody.create("acme", "release", Algorithm.ES256, CustodyKind.SOFTWARE, "admin");
    custody.signingKey("acme", "release"); // cached, then retired: the cache must not serve it
    custody.retire("acme", "release", 1, "admin");
    assertThatThrownBy(() -> custody.signingKey("acme", "release"))
        .isInstanceOfSatisfying(
            CustodyException.class,
            e -> assertThat(e.reason()).isEqualTo(CustodyException.Reason.RETIRED))
        .hasMessage(
            "acme/release v1 is retired and never signs; rotate to sign with a new version");
    assertThat(kids(custody.jwks("acme"))).containsExactly("release-v1");
    assertThat(custody.retire("acme", "release", 1, "admin").state())
        .isEqualTo(VersionState.RETIRED); // idempotent
    custody.rotate("acme", "release", "admin");
    assertThat(custody.signingKey("acme", "release").keyId()).isEqualTo("release-v2");
  }

  @Test
  void revocationStopsSigningAtOnceAndUnpublishesAtItsEffectiveTime() throws Exception {
    custody.create("acme", "release", Algorithm.EdDSA, CustodyKind.SOFTWARE, "admin");
    custody.rotate("acme", "release", "admin");
    Instant t0 = clock.now;
    // v2 (current) revoked from a day ahead: it stops signing now, stays published until then.
    custody.revoke("acme", "release", 2, t0.plus(Duration.ofDays(1)), "admin");
    assertThatThrownBy(() -> custody.signingKey("acme", "release"))
        .isInstanceOfSatisfying(
            CustodyException.class,
            e -> assertThat(e.reason()).isEqualTo(CustodyException.Reason.REVOKED))
        .hasMessage(
            "acme/release v2 is revoked (effective 2026-11-23T08:00:00Z) and never signs; rotate"
                + " to sign with a new version");
    assertThat(kids(custody.jwks("acme"))).containsExactly("release-v1", "release-v2");
    // Moving it later is refused; earlier is allowed.
    assertThatThrownBy(
            () -> custody.revoke("acme", "release", 2, t0.plus(Duration.ofDays(2)), "admin"))
        .isInstanceOfSatisfying(
            CustodyException.class,
            e -> assertThat(e.reason()).isEqualTo(CustodyException.Reason.NOT_ALLOWED))
        .hasMessage(
            "acme/release v2 is revoked effective 2026-11-23T08:00:00Z; the time may be moved"
                + " earlier, never later (asked: 2026-11-24T08:00:00Z)");
    custody.revoke("acme", "release", 2, t0.plus(Duration.ofHours(1)), "admin");
    assertThat(store.version("acme", "release", 2).orElseThrow().revokedAt())
        .isEqualTo(t0.plus(Duration.ofHours(1)));
    assertThat(custody.published("acme", t0.plus(Duration.ofMinutes(59))))
        .extracting(VerifyingKey::keyId)
        .containsExactly("release-v1", "release-v2");
    clock.now = t0.plus(Duration.ofHours(1));
    assertThat(kids(custody.jwks("acme"))).containsExactly("release-v1");
    // A revoked version cannot be retired; a retired one can be revoked.
    assertThatThrownBy(() -> custody.retire("acme", "release", 2, "admin"))
        .hasMessage("acme/release v2 is revoked; a revoked version cannot be retired");
    custody.retire("acme", "release", 1, "admin");
    custody.revoke("acme", "release", 1, t0.minus(Duration.ofDays(30)), "admin");
    assertThat(kids(custody.jwks("acme"))).isEmpty();
    // Rotation is the way out.
    custody.rotate("acme", "release", "admin");
    assertThat(custody.signingKey("acme", "release").keyId()).isEqualTo("release-v3");
    assertThat(custody.events("acme", "release"))
        .extracting(KeyEvent::type)
        .containsExactly(
            KeyEvent.Type.CREATED,
            KeyEvent.Type.ROTATED,
            KeyEvent.Type.REVOKED,
            KeyEvent.Type.REVOKED,
            KeyEvent.Type.RETIRED,
            KeyEvent.Type.REVOKED,
            KeyEvent.Type.ROTATED);
    KeyEvent moved = custody.events("acme", "release").get(3);
    assertThat(moved.effectiveAt()).isEqualTo(t0.plus(Duration.ofHours(1)));
    assertThat(moved.actor()).isEqualTo("admin");
    assertThat(moved.thumbprint())
        .isEqualTo(
            VerifyingKey.fromSpki(store.version("acme", "release", 2).orElseThrow().spki(), "x")
                .thumbprint());
  }

  @Test
  void compareAndSetLetsOnlyOneOfTwoWritersCreateVersionNPlusOne() throws Exception {
    custody.create("acme", "release", Algorithm.EdDSA, CustodyKind.SOFTWARE, "admin");
    KeyRecord k = store.key("acme", "release").orElseThrow();
    VersionRecord v1 = store.version("acme", "release", 1).orElseThrow();
    KeyRecord next =
        new KeyRecord(
            "acme", "release", k.algorithm(), k.kind(), 2, k.revision() + 1, k.createdAt());
    VersionRecord v2 =
        new VersionRecord(
            "acme",
            "release",
            2,
            v1.algorithm(),
            v1.kind(),
            v1.spki(),
            v1.sealed(),
            null,
            VersionState.ACTIVE,
            clock.now,
            null,
            null);
    KeyEvent e =
        new KeyEvent(
            KeyEvent.Type.ROTATED,
            "acme",
            "release",
            2,
            v1.algorithm(),
            v1.kind(),
            "t",
            clock.now,
            null,
            "a");
    assertThat(store.commit(new CustodyStore.Change(k.revision(), next, List.of(v2), e))).isTrue();
    assertThat(store.commit(new CustodyStore.Change(k.revision(), next, List.of(v2), e))).isFalse();
    assertThat(store.events("acme", "release")).hasSize(2);
    // Creation is a compare-and-set against "absent".
    assertThat(store.commit(new CustodyStore.Change(0, k, List.of(v1), e))).isFalse();
  }

  @Test
  void concurrentRotationsOnTwoServersNeverMakeTwoVersionNPlusOne() throws Exception {
    custody.create("acme", "release", Algorithm.EdDSA, CustodyKind.SOFTWARE, "admin");
    int threads = 4;
    int rounds = 25;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Custody> servers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      servers.add(new Custody(store, master, clock, null)); // four servers, one database
    }
    int won = 0;
    int lost = 0;
    try {
      for (int r = 0; r < rounds; r++) {
        CyclicBarrier go = new CyclicBarrier(threads);
        List<Future<Boolean>> results = new ArrayList<>();
        for (Custody server : servers) {
          results.add(
              pool.submit(() -> {
                go.await(10, TimeUnit.SECONDS);
                try {
                  server.rotate("acme", "release", "admin");
                  return true;
                } catch (CustodyException e) {
                  assertThat(e.reason()).isEqualTo(CustodyException.Reason.CONFLICT);
                  assertThat(e.getMessage())
                      .isEqualTo(
                          "acme/release: another server changed the key at the same time; nothing"
                              + " was changed here, re-read and retry");
                  return false;
                }
              }));
        }
        int roundWins = 0;
        for (Future<Boolean> f : results) {
          roundWins += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
        }
        assertThat(roundWins).isGreaterThanOrEqualTo(1);
        won += roundWins;
        lost += threads - roundWins;
      }
    } finally {
      pool.shutdownNow();
      servers.forEach(Custody::close);
    }
    List<VersionRecord> versions = store.versions("acme", "release");
    assertThat(versions).hasSize(1 + won);
    for (int i = 0; i < versions.size(); i++) {
      assertThat(versions.get(i).version()).isEqualTo(i + 1); // contiguous, none twice
    }
    assertThat(store.key("acme", "release").orElseThrow().currentVersion()).isEqualTo(1 + won);
    assertThat(store.events("acme", "release")).hasSize(1 + won);
    assertThat(custody.signingKey("acme", "release").keyId()).isEqualTo("release-v" + (1 + won));
    System.out.printf("concurrent rotations: %d won, %d lost a compare-and-set%n", won, lost);
  }

  @Test
  void aSealedKeyMovedToAnotherRowOrUnderAnotherMasterKeyIsRefused() throws Exception {
    custody.create("acme", "release", Algorithm.ES256, CustodyKind.SOFTWARE, "admin");
    custody.create("acme", "nightly", Algorithm.ES256, CustodyKind.SOFTWARE, "admin");
    VersionRecord nightly = store.version("acme", "nightly", 1).orElseThrow();
    // A database edited by an attacker: release v1's row gets nightly's sealed key and public key.
    InMemoryCustodyStore edited = new InMemoryCustodyStore();
    KeyRecord k = store.key("acme", "release").orElseThrow();
    VersionRecord swapped =
        new VersionRecord(
            "acme",
            "release",
            1,
            Algorithm.ES256,
            CustodyKind.SOFTWARE,
            nightly.spki(),
            nightly.sealed(),
            null,
            VersionState.ACTIVE,
            clock.now,
            null,
            null);
    KeyEvent e =
        new KeyEvent(
            KeyEvent.Type.CREATED,
            "acme",
            "release",
            1,
            Algorithm.ES256,
            CustodyKind.SOFTWARE,
            "t",
            clock.now,
            null,
            "a");
    assertThat(
            edited.commit(
                new CustodyStore.Change(
                    0,
                    new KeyRecord(
                        "acme",
                        "release",
                        Algorithm.ES256,
                        CustodyKind.SOFTWARE,
                        1,
                        1,
                        k.createdAt()),
                    List.of(swapped),
                    e)))
        .isTrue();
    try (Custody attacked = new Custody(edited, master, clock, null)) {
      assertThatThrownBy(() -> attacked.signingKey("acme", "release"))
          .isInstanceOfSatisfying(
              CustodyException.class,
              x -> assertThat(x.reason()).isEqualTo(CustodyException.Reason.UNSEAL_FAILED))
          .hasMessage(
              "acme/release v1: cannot unseal: the sealed key does not authenticate (altered,"
                  + " moved from another key or version, or sealed under another master key)");
    }
    // The right database under the wrong master key.
    try (SoftwareMasterKey wrong = SealingTest.master();
        Custody other = new Custody(store, wrong, clock, null)) {
      assertThatThrownBy(() -> other.signingKey("acme", "release"))
          .isInstanceOfSatisfying(
              CustodyException.class,
              x -> assertThat(x.reason()).isEqualTo(CustodyException.Reason.UNSEAL_FAILED))
          .hasMessageContaining("sealed under another master key");
    }
  }

  @Test
  void refusalsNameTheKey() throws Exception {
    assertRefused(
        () -> custody.signingKey("acme", "missing"),
        CustodyException.Reason.UNKNOWN_KEY,
        "acme/missing: no such key");
    custody.create("acme", "release", Algorithm.EdDSA, CustodyKind.SOFTWARE, "admin");
    assertRefused(
        () -> custody.create("acme", "release", Algorithm.ES256, CustodyKind.SOFTWARE, "admin"),
        CustodyException.Reason.EXISTS,
        "acme/release: the key already exists");
    assertRefused(
        () -> custody.retire("acme", "release", 7, "admin"),
        CustodyException.Reason.UNKNOWN_KEY,
        "acme/release v7: no such version");
    assertRefused(
        () -> custody.create("acme", "hmac", Algorithm.HS256, CustodyKind.SOFTWARE, "admin"),
        CustodyException.Reason.INVALID,
        "acme/hmac: cannot keep HS256 keys; choose EdDSA, ES256, ES384, ES512, PS256 or PS512");
    assertRefused(
        () -> custody.create("Acme\n", "x", Algorithm.EdDSA, CustodyKind.SOFTWARE, "admin"),
        CustodyException.Reason.INVALID,
        "invalid project name \"Acme\\n\": use 1–63 characters from a-z 0-9 _ -, starting with a"
            + " letter or digit");
    assertRefused(
        () -> custody.create("acme", "hsm", Algorithm.EdDSA, CustodyKind.HSM, "admin"),
        CustodyException.Reason.UNAVAILABLE,
        "acme/hsm v1: no PKCS#11 token is configured for HSM keys");
    custody.close();
    assertRefused(
        () -> custody.signingKey("acme", "release"),
        CustodyException.Reason.UNAVAILABLE,
        "acme/release: custody is closed");
  }

  @Test
  void closeWipesUnsealedKeys() throws Exception {
    custody.create("acme", "release", Algorithm.EdDSA, CustodyKind.SOFTWARE, "admin");
    SigningKey key = custody.signingKey("acme", "release");
    key.signMessage(MESSAGE);
    custody.close();
    assertThatThrownBy(() -> key.signMessage(MESSAGE))
        .hasMessage("custody:acme/release/v1: the key has been closed");
  }

  /** An independent verifier: openssl checks a custody ES256 signature against the JWKS key. */
  @Test
  void opensslVerifiesAnEs256Signature(@TempDir Path dir) throws Exception {
    custody.create("acme", "release", Algorithm.ES256, CustodyKind.SOFTWARE, "admin");
    byte[] sig = custody.signingKey("acme", "release").signMessage(MESSAGE); // DER
    VerifyingKey pub = fromJwks(custody.jwks("acme"), "release-v1");
    Path data = Files.write(dir.resolve("data"), MESSAGE);
    Path sigFile = Files.write(dir.resolve("sig.der"), sig);
    Path pem = Files.writeString(dir.resolve("pub.pem"), pub.toPem());
    assertThat(openssl(dir, "dgst", "-sha256", "-verify", pem, "-signature", sigFile, data))
        .contains("Verified OK");
    Path other = Files.write(dir.resolve("other"), "tampered".getBytes(StandardCharsets.UTF_8));
    assertThat(openssl(dir, "dgst", "-sha256", "-verify", pem, "-signature", sigFile, other))
        .contains("Verification failure");
  }

  static String openssl(Path dir, Object... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    for (Object a : args) {
      cmd.add(a.toString());
    }
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  static void assertRefused(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call,
      CustodyException.Reason reason,
      String message) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            CustodyException.class, e -> assertThat(e.reason()).isEqualTo(reason))
        .hasMessage(message);
  }

  static {
    new SecureRandom(); // warm the entropy source before timed tests
  }
}
