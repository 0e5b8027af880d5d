package dev.signet.keys.pkcs11;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.signet.keys.KeyException;
import dev.signet.keys.KeyRef;
import java.io.File;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away SoftHSM2 in a temporary directory: its own config and token directory, tokens made
 * with {@code softhsm2-util}, keys made with {@code pkcs11-tool} or through the code under test.
 *
 * <p>SoftHSM reads {@code SOFTHSM2_CONF} when the module is initialised. The JVM cannot change its
 * own environment through Java, so the fixture sets the variable with libc's {@code setenv}; every
 * key opened on the previous instance must be closed first (the module is finalised when the last
 * key closes), which {@link #start} checks.
 */
final class SoftHsm implements AutoCloseable {
  static final Path MODULE = Path.of("/usr/lib/softhsm/libsofthsm2.so");
  static final String SO_PIN = "so-pin-87654321";
  static final String INSTALL =
      "SoftHSM2 and OpenSC are needed for the PKCS#11 tests: run"
          + " `apt-get install -y softhsm2 opensc` (CI's .ci/run installs them)";

  final Path dir;
  final Path conf;

  private SoftHsm(Path dir, Path conf) {
    this.dir = dir;
    this.conf = conf;
  }

  /** A fresh SoftHSM with no tokens; fails the test class if SoftHSM is not installed. */
  static SoftHsm start() throws Throwable {
    if (!Files.isRegularFile(MODULE) || !onPath("softhsm2-util") || !onPath("pkcs11-tool")) {
      fail(INSTALL);
    }
    assertThat(Token.modulesInUse()).as("a previous test class left PKCS#11 keys open").isZero();
    Path dir = Files.createTempDirectory("signet-softhsm");
    Files.createDirectory(dir.resolve("tokens"));
    Path conf = dir.resolve("softhsm2.conf");
    Files.writeString(
        conf,
        "directories.tokendir = "
            + dir.resolve("tokens")
            + "\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
    setenv("SOFTHSM2_CONF", conf.toString());
    return new SoftHsm(dir, conf);
  }

  private static boolean onPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator, -1)) {
      if (Files.isExecutable(Path.of(d, program))) {
        return true;
      }
    }
    return false;
  }

  /** libc setenv: what the module's getenv will see at its next C_Initialize. */
  @SuppressWarnings("restricted") // a downcall, like the code under test makes
  private static void setenv(String name, String value) throws Throwable {
    Linker linker = Linker.nativeLinker();
    MethodHandle setenv =
        linker.downcallHandle(
            linker.defaultLookup().find("setenv").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    try (Arena a = Arena.ofConfined()) {
      int rc = (int) setenv.invokeExact(a.allocateFrom(name), a.allocateFrom(value), 1);
      assertThat(rc).isZero();
    }
  }

  /** Initialises a token in the free slot. */
  void initToken(String label, String pin) throws Exception {
    run(
        "softhsm2-util",
        "--init-token",
        "--free",
        "--label",
        label,
        "--so-pin",
        SO_PIN,
        "--pin",
        pin);
  }

  /** Runs pkcs11-tool against the module; returns its output. */
  String pkcs11Tool(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("pkcs11-tool", "--module", MODULE.toString()));
    cmd.addAll(List.of(args));
    return run(cmd.toArray(String[]::new));
  }

  String run(String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("SOFTHSM2_CONF", conf.toString());
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s:%n%s", String.join(" ", cmd), out).isZero();
    return out;
  }

  /** A reference to a key on this SoftHSM, PIN inline. */
  static KeyRef.Pkcs11 ref(String token, String object, String pin) throws KeyException {
    return ref("token=" + token + ";object=" + object, pin);
  }

  /** A reference with the given path attributes, the SoftHSM module and the PIN inline. */
  static KeyRef.Pkcs11 ref(String path, String pin) throws KeyException {
    return (KeyRef.Pkcs11)
        KeyRef.parse("pkcs11:" + path + "?module-path=" + MODULE + "&pin-value=" + pin);
  }

  /**
   * Sets CKF_USER_PIN_LOCKED in a token's stored flags. SoftHSM has no retry counter that would
   * lock a PIN after wrong tries (it only sets CKF_USER_PIN_COUNT_LOW), so the locked state a real
   * HSM reaches is written into SoftHSM's object store: CKA_OS_TOKENFLAGS (0x8000534B), an unsigned
   * long attribute stored big-endian after its type tag (2).
   */
  void lockUserPin(String tokenLabel) throws IOException {
    byte[] marker = {
      0, 0, 0, 0, (byte) 0x80, 0, 0x53, 0x4b, 0, 0, 0, 0, 0, 0, 0, 2,
    };
    try (Stream<Path> files = Files.walk(dir.resolve("tokens"))) {
      for (Path f : files.filter(p -> p.getFileName().toString().equals("token.object")).toList()) {
        byte[] b = Files.readAllBytes(f);
        if (!new String(b, StandardCharsets.ISO_8859_1).contains(padded(tokenLabel))) {
          continue;
        }
        int at = indexOf(b, marker);
        assertThat(at).as("CKA_OS_TOKENFLAGS in %s", f).isNotNegative();
        ByteBuffer buf = ByteBuffer.wrap(b);
        long flags = buf.getLong(at + marker.length);
        buf.putLong(at + marker.length, flags | Cryptoki.CKF_USER_PIN_LOCKED);
        Files.write(f, b);
        return;
      }
    }
    fail("no token labelled " + tokenLabel);
  }

  private static String padded(String label) {
    return label + " ".repeat(32 - label.length());
  }

  private static int indexOf(byte[] b, byte[] marker) {
    outer:
    for (int i = 0; i + marker.length + 8 <= b.length; i++) {
      for (int j = 0; j < marker.length; j++) {
        if (b[i + j] != marker[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** The environment a test passes to {@link Pkcs11Keys}: none of the process's own. */
  static Map<String, String> noEnv() {
    return Map.of();
  }

  @Override
  public void close() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
