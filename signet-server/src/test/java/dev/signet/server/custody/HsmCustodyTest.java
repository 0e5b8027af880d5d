package dev.signet.server.custody;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyRef;
import dev.signet.keys.SigningKey;
import dev.signet.keys.VerifyingKey;
import dev.signet.keys.pkcs11.Pkcs11Key;
import dev.signet.keys.pkcs11.Pkcs11Keys;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Custody with a real SoftHSM2 token: keys generated in the token (non-extractable) sign and
 * publish; the master key as an AES key in the token seals and opens across a close and reopen; a
 * wrong PIN and a missing token are clear errors.
 */
class HsmCustodyTest {
  static final Path MODULE = Path.of("/usr/lib/softhsm/libsofthsm2.so");
  static final String TOKEN = "custody";
  static final String PIN = "user-pin-2468";
  static final byte[] MESSAGE = "signed in the token".getBytes(StandardCharsets.UTF_8);

  static Path dir;

  @BeforeAll
  static void softhsm() throws Throwable {
    if (!Files.isRegularFile(MODULE)) {
      fail("SoftHSM2 is needed: run `apt-get install -y softhsm2 opensc` (CI's .ci/run does)");
    }
    dir = Files.createTempDirectory("signet-custody-hsm");
    Files.createDirectory(dir.resolve("tokens"));
    Path conf = dir.resolve("softhsm2.conf");
    Files.writeString(
        conf,
        "directories.tokendir = "
            + dir.resolve("tokens")
            + "\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
    setenv("SOFTHSM2_CONF", conf.toString());
    Process p =
        new ProcessBuilder(
                "softhsm2-util",
                "--init-token",
                "--free",
                "--label",
                TOKEN,
                "--so-pin",
                "so-pin-13579",
                "--pin",
                PIN)
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().close();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
  }

  @AfterAll
  static void cleanUp() throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }

  /** libc setenv: what SoftHSM's getenv sees at its next C_Initialize (Java cannot set env). */
  @SuppressWarnings("restricted")
  static void setenv(String name, String value) throws Throwable {
    Linker linker = Linker.nativeLinker();
    MethodHandle setenv =
        linker.downcallHandle(
            linker.defaultLookup().find("setenv").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    try (Arena a = Arena.ofConfined()) {
      assertThat((int) setenv.invokeExact(a.allocateFrom(name), a.allocateFrom(value), 1)).isZero();
    }
  }

  static KeyRef.Pkcs11 ref(String path, String pin) throws Exception {
    return (KeyRef.Pkcs11)
        KeyRef.parse("pkcs11:" + path + "?module-path=" + MODULE + "&pin-value=" + pin);
  }

  @Test
  void hsmKeysSignArePublishedAndNeverLeaveTheToken() throws Exception {
    Custody.HsmSlot slot =
        new Custody.HsmSlot(ref("token=" + TOKEN + ";object=signet", PIN), Map.of());
    InMemoryCustodyStore store = new InMemoryCustodyStore();
    try (SoftwareMasterKey master = SealingTest.master();
        Custody custody = new Custody(store, master, Clock.systemUTC(), slot)) {
      for (Algorithm alg : List.of(Algorithm.EdDSA, Algorithm.ES256)) {
        String name = "hsm-" + alg.jwa().toLowerCase(java.util.Locale.ROOT);
        VersionRecord v1 = custody.create("acme", name, alg, CustodyKind.HSM, "admin");
        // Only a reference is stored: no PIN, no module path, no key material.
        assertThat(v1.sealed()).isNull();
        assertThat(v1.hsmReference())
            .startsWith("pkcs11:token=custody;object=signet.acme." + name + ".v1.")
            .contains(";id=%")
            .doesNotContain(PIN)
            .doesNotContain("module-path");
        SigningKey key = custody.signingKey("acme", name);
        assertThat(key.keyId()).isEqualTo(name + "-v1");
        byte[] sig = key.signMessage(MESSAGE);
        VerifyingKey published = CustodyTest.fromJwks(custody.jwks("acme"), name + "-v1");
        assertThat(published.verifyMessage(MESSAGE, sig)).isTrue();
        // Read the token's own attributes back: sensitive, never extractable.
        KeyRef.Pkcs11 stored = (KeyRef.Pkcs11) KeyRef.parse(v1.hsmReference());
        try (Pkcs11Key raw =
            Pkcs11Keys.open(
                new KeyRef.Pkcs11(stored.pathAttributes(), slot.token().queryAttributes()),
                alg,
                Map.of())) {
          Pkcs11Keys.Protection p = raw.protection();
          assertThat(p.sensitive()).isTrue();
          assertThat(p.extractable()).isFalse();
          assertThat(p.neverExtractable()).isTrue();
        }
        // Rotation makes a new token object; the old one stays published.
        custody.rotate("acme", name, "admin");
        assertThat(custody.signingKey("acme", name).keyId()).isEqualTo(name + "-v2");
        assertThat(CustodyTest.kids(custody.jwks("acme"))).contains(name + "-v1", name + "-v2");
      }
    }
  }

  @Test
  void theTokenMasterKeySealsAndOpensAcrossAReopen() throws Exception {
    KeyRef.Pkcs11 ref = ref("token=" + TOKEN + ";object=signet-master", PIN);
    InMemoryCustodyStore store = new InMemoryCustodyStore();
    byte[] sig;
    try (HsmMasterKey master = HsmMasterKey.open(ref, Map.of(), true);
        Custody custody = new Custody(store, master, Clock.systemUTC(), null)) {
      assertThat(master.describe()).contains("pin-value=[redacted]").doesNotContain(PIN);
      custody.create("acme", "release", Algorithm.ES256, CustodyKind.SOFTWARE, "admin");
      sig = custody.signingKey("acme", "release").signMessage(MESSAGE);
      assertThat(store.version("acme", "release", 1).orElseThrow().sealed()[5])
          .isEqualTo(SealedBlob.PKCS11);
    }
    // The token was released (module finalised); a new start finds the key by its label.
    try (HsmMasterKey master = HsmMasterKey.open(ref, Map.of(), false);
        Custody custody = new Custody(store, master, Clock.systemUTC(), null)) {
      SigningKey key = custody.signingKey("acme", "release");
      VerifyingKey pub = VerifyingKey.of(key);
      assertThat(pub.verifyMessage(MESSAGE, sig)).isTrue();
      assertThat(pub.verifyMessage(MESSAGE, key.signMessage(MESSAGE))).isTrue();
    }
    // A software master key cannot open what the token sealed, and says why.
    try (SoftwareMasterKey soft = SealingTest.master();
        Custody custody = new Custody(store, soft, Clock.systemUTC(), null)) {
      assertThatThrownBy(() -> custody.signingKey("acme", "release"))
          .hasMessage(
              "acme/release v1: cannot unseal: the key was sealed under a PKCS#11 master key, but"
                  + " this server's master key is a software master key");
    }
  }

  @Test
  void aWrongPinOrAMissingTokenIsAClearError() throws Exception {
    assertThatThrownBy(() ->
            HsmMasterKey.open(
                ref("token=" + TOKEN + ";object=signet-master", "wrong-pin-1111"), Map.of(), true))
        .isInstanceOfSatisfying(
            CustodyException.class,
            e -> assertThat(e.reason()).isEqualTo(CustodyException.Reason.UNAVAILABLE))
        .hasMessageContaining("master key: pkcs11:token=custody;object=signet-master")
        .hasMessageContaining("wrong PIN (CKR_PIN_INCORRECT for the PIN from pin-value)")
        .hasMessageNotContaining("wrong-pin-1111");
    assertThatThrownBy(
            () -> HsmMasterKey.open(ref("token=absent;object=signet-master", PIN), Map.of(), true))
        .hasMessageContaining("no token matches token=absent");
    InMemoryCustodyStore store = new InMemoryCustodyStore();
    try (SoftwareMasterKey master = SealingTest.master();
        Custody custody =
            new Custody(
                store,
                master,
                Clock.systemUTC(),
                new Custody.HsmSlot(
                    ref("token=" + TOKEN + ";object=signet", "wrong-pin-2222"), Map.of()))) {
      assertThatThrownBy(
              () -> custody.create("acme", "release", Algorithm.EdDSA, CustodyKind.HSM, "admin"))
          .isInstanceOfSatisfying(
              CustodyException.class,
              e -> assertThat(e.reason()).isEqualTo(CustodyException.Reason.UNAVAILABLE))
          .hasMessageStartingWith("acme/release v1: pkcs11:token=custody;object=signet.acme.")
          .hasMessageContaining("wrong PIN")
          .hasMessageNotContaining("wrong-pin-2222");
      assertThat(store.key("acme", "release")).isEmpty(); // nothing half-created
    }
  }
}
