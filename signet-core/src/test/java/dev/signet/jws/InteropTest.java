package dev.signet.jws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonWriter;
import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyGenerator;
import dev.signet.keys.KeySet;
import dev.signet.keys.VerificationKeys;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Signet's detached JWS against two implementations that share no code with it, in both directions:
 * npm {@code jose} (pinned in {@code interop/package-lock.json}) and a few lines of Python over
 * pyca/cryptography that parse the JWK and check the raw signature themselves ({@code
 * interop/pyca_jws.py}). Byte-compatibility with buildkite-agent is pinned elsewhere (the EdDSA
 * vector); this shows that ES256, ES512 and PS512, whose signatures are randomised and so cannot be
 * pinned, are what other JOSE implementations make and accept.
 *
 * <p>Tools are found on {@code PATH}, or through {@code SIGNET_NODE}, {@code SIGNET_NPM} and {@code
 * SIGNET_PYTHON}. When {@code interop/node_modules} is missing the test runs {@code npm ci} there
 * once (CI runs {@code npm ci --prefix interop} beforehand). A missing tool is a failure with
 * instructions, never a skip: an interop test that quietly does not run proves nothing.
 */
class InteropTest {
  private static final long TIMEOUT_SECONDS = 120;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A Buildkite-shaped canonical payload, with non-ASCII so that UTF-8 handling is exercised. */
  private static final String PAYLOAD =
      "{\"alg\":\"%s\",\"values\":{\"command\":\"echo 今日は\",\"env\":null,\"matrix\":null,"
          + "\"plugins\":null,\"repository_url\":\"git@github.com:buildkite/agent.git\"}}";

  private static Path interop;
  private static String node;
  private static String python;

  @BeforeAll
  static void locateTools() throws Exception {
    interop = findInteropDir();
    node = executable("SIGNET_NODE", "node");
    python = executable("SIGNET_PYTHON", "python3");
    Result py = run(interop, List.of(python, "-c", "import cryptography"));
    if (py.exit != 0) {
      fail(
          "%s cannot import pyca/cryptography (%s); install it (pip install cryptography) or"
              + " point SIGNET_PYTHON at a python3 that has it",
          python, py.stderr.strip());
    }
    if (!Files.isRegularFile(interop.resolve("node_modules/jose/package.json"))) {
      String npm = executable("SIGNET_NPM", "npm");
      Result ci = run(interop, List.of(npm, "ci", "--no-audit", "--no-fund"));
      if (ci.exit != 0) {
        fail(
            "npm ci in %s failed (%s); run `npm ci --prefix interop` from the project root",
            interop, ci.stderr.strip());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"EdDSA", "ES256", "ES512", "PS512"})
  void joseVerifiesSignet(Algorithm alg, @TempDir Path dir) throws Exception {
    Signed s = signWithSignet(alg, dir);
    assertThat(joseVerify(dir, s.publicJwks, payload(alg), s.value).exit)
        .as("jose verifies Signet's %s signature", alg)
        .isZero();
    assertThat(joseVerify(dir, s.publicJwks, tampered(alg), s.value).exit)
        .as("jose refuses Signet's %s signature over a changed payload", alg)
        .isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(names = {"EdDSA", "ES256", "ES512", "PS512"})
  void pythonCryptographyVerifiesSignet(Algorithm alg, @TempDir Path dir) throws Exception {
    Signed s = signWithSignet(alg, dir);
    assertThat(pythonVerify(dir, s.publicJwks, payload(alg), s.value).exit)
        .as("pyca/cryptography verifies Signet's %s signature", alg)
        .isZero();
    assertThat(pythonVerify(dir, s.publicJwks, tampered(alg), s.value).exit)
        .as("pyca/cryptography refuses Signet's %s signature over a changed payload", alg)
        .isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(names = {"EdDSA", "ES256", "ES512", "PS512"})
  void signetVerifiesJose(Algorithm alg, @TempDir Path dir) throws Exception {
    Path payloadFile = write(dir, "payload", payload(alg));
    Result r =
        run(interop, List.of(node, "jose-sign.mjs", alg.jwa(), "jose-key", payloadFile.toString()));
    assertThat(r.exit).as("jose-sign: %s", r.stderr).isZero();
    assertSignetVerifies(alg, r.stdout, "jose-key");
  }

  @ParameterizedTest
  @EnumSource(names = {"EdDSA", "ES256", "ES512", "PS512"})
  void signetVerifiesPythonCryptography(Algorithm alg, @TempDir Path dir) throws Exception {
    Path payloadFile = write(dir, "payload", payload(alg));
    Result r =
        run(
            interop,
            List.of(python, "pyca_jws.py", "sign", alg.jwa(), "pyca-key", payloadFile.toString()));
    assertThat(r.exit).as("pyca_jws.py sign: %s", r.stderr).isZero();
    assertSignetVerifies(alg, r.stdout, "pyca-key");
  }

  // ---- helpers ----

  private record Signed(String value, String publicJwks) {}

  private record Result(int exit, String stdout, String stderr) {}

  private static Signed signWithSignet(Algorithm alg, Path dir) throws Exception {
    KeyGenerator.GeneratedKey key = KeyGenerator.generate(alg, "signet-" + alg.jwa(), RANDOM);
    String value =
        DetachedJws.sign(KeySet.parse(key.privateJwks(), "generated").signer(null), payload(alg));
    return new Signed(value, key.publicJwks());
  }

  private static void assertSignetVerifies(Algorithm alg, String output, String kid)
      throws Exception {
    JsonObject out = (JsonObject) JsonReader.withDefaultLimits().parse(output, "signer output");
    String value = ((dev.signet.json.JsonString) out.get("value")).value();
    VerificationKeys keys =
        KeySet.parse(JsonWriter.compact(out.get("publicJwks")), "foreign JWKS").verificationKeys();
    VerifiedJws verified = DetachedJws.verify(value, payload(alg), keys);
    assertThat(verified.algorithm()).isEqualTo(alg);
    assertThat(verified.keyId()).isEqualTo(kid);
    assertThatThrownBy(() -> DetachedJws.verify(value, tampered(alg), keys))
        .isInstanceOf(SignatureVerificationException.class)
        .extracting(e -> ((SignatureVerificationException) e).reason())
        .isEqualTo(SignatureVerificationException.Reason.BAD_SIGNATURE);
  }

  private static Result joseVerify(Path dir, String jwks, byte[] payload, String value)
      throws Exception {
    Path jwksFile = write(dir, "jwks.json", jwks.getBytes(StandardCharsets.UTF_8));
    Path payloadFile = write(dir, "payload", payload);
    Result r =
        run(
            interop,
            List.of(node, "jose-verify.mjs", jwksFile.toString(), payloadFile.toString(), value));
    assertThat(r.exit).as("jose-verify usage or I/O error: %s", r.stderr).isNotEqualTo(2);
    return r;
  }

  private static Result pythonVerify(Path dir, String jwks, byte[] payload, String value)
      throws Exception {
    Path jwksFile = write(dir, "jwks.json", jwks.getBytes(StandardCharsets.UTF_8));
    Path payloadFile = write(dir, "payload", payload);
    Result r =
        run(
            interop,
            List.of(
                python,
                "pyca_jws.py",
                "verify",
                jwksFile.toString(),
                payloadFile.toString(),
                value));
    assertThat(r.exit).as("pyca_jws.py usage or I/O error: %s", r.stderr).isNotEqualTo(2);
    return r;
  }

  private static byte[] payload(Algorithm alg) {
    return PAYLOAD.formatted(alg.jwa()).getBytes(StandardCharsets.UTF_8);
  }

  /** The same payload with one signed value changed, as an attacker editing a step would. */
  private static byte[] tampered(Algorithm alg) {
    return PAYLOAD.formatted(alg.jwa()).replace("echo", "curl").getBytes(StandardCharsets.UTF_8);
  }

  private static Path write(Path dir, String name, byte[] content) throws IOException {
    return Files.write(dir.resolve(name), content);
  }

  /** Runs a command with a timeout; output goes through files so no pipe can fill and block. */
  private static Result run(Path cwd, List<String> command) throws Exception {
    Path out = Files.createTempFile("interop", ".out");
    Path err = Files.createTempFile("interop", ".err");
    try {
      Process p =
          new ProcessBuilder(command)
              .directory(cwd.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("timed out after %d s: %s", TIMEOUT_SECONDS, command);
      }
      return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** The project's {@code interop/} directory, searched upwards from the working directory. */
  private static Path findInteropDir() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("interop/package.json"))) {
        return d.resolve("interop");
      }
    }
    return fail("interop/package.json not found above %s", Path.of("").toAbsolutePath());
  }

  /** {@code $override} if set, else the first {@code name} on {@code PATH}. */
  private static String executable(String override, String name) {
    String given = System.getenv(override);
    if (given != null && !given.isBlank()) {
      return given;
    }
    @Nullable String path = System.getenv("PATH");
    List<String> dirs =
        new ArrayList<>(List.of((path == null ? "" : path).split(File.pathSeparator)));
    for (String d : dirs) {
      Path candidate = Path.of(d.isEmpty() ? "." : d, name);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return fail("%s not found on PATH; install it or set %s to its path", name, override);
  }
}
