package dev.signet.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Runs the independent verifiers under {@code interop/} (node packages, Python scripts) for the
 * interop tests. A missing tool is a failure with instructions, never a skip: an interop test that
 * quietly does not run proves nothing.
 *
 * <p>Python is {@code $SIGNET_PYTHON}, else the first of {@code python3} on {@code PATH} and {@code
 * /usr/bin/python3} that can import the modules a test needs (Debian's {@code python3-nacl} and
 * {@code python3-cryptography} install into the system Python, which need not be the {@code
 * python3} on {@code PATH}).
 */
public final class Interop {
  private static final long TIMEOUT_SECONDS = 180;

  private Interop() {}

  /** What a process did. */
  public record Result(int exit, String stdout, String stderr) {}

  /** The project's {@code interop/} directory, searched upwards from the working directory. */
  public static Path dir() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("interop/package.json"))) {
        return d.resolve("interop");
      }
    }
    return fail("interop/package.json not found above %s", Path.of("").toAbsolutePath());
  }

  /** A python3 that imports every module in {@code modules}. */
  public static String python(String... modules) throws Exception {
    String imports = "import " + String.join(", ", modules);
    List<String> candidates = new ArrayList<>();
    String given = System.getenv("SIGNET_PYTHON");
    if (given != null && !given.isBlank()) {
      candidates.add(given);
    }
    String onPath = onPath("python3");
    if (onPath != null) {
      candidates.add(onPath);
    }
    candidates.add("/usr/bin/python3");
    for (String p : candidates) {
      if (Files.isExecutable(Path.of(p)) && run(dir(), List.of(p, "-c", imports)).exit == 0) {
        return p;
      }
    }
    return fail(
        "no python3 among %s can `%s`; install Debian's python3-nacl and python3-cryptography"
            + " (apt-get install python3-nacl python3-cryptography) or set SIGNET_PYTHON",
        candidates, imports);
  }

  /** {@code $SIGNET_NODE} or node on {@code PATH}, with {@code interop/node_modules} installed. */
  public static String node(String requiredPackage) throws Exception {
    String given = System.getenv("SIGNET_NODE");
    String node = given != null && !given.isBlank() ? given : onPath("node");
    if (node == null) {
      return fail("node not found on PATH; install Node.js or set SIGNET_NODE");
    }
    if (!Files.isRegularFile(dir().resolve("node_modules/" + requiredPackage + "/package.json"))) {
      String npmGiven = System.getenv("SIGNET_NPM");
      String npm = npmGiven != null && !npmGiven.isBlank() ? npmGiven : onPath("npm");
      if (npm == null) {
        return fail("npm not found; run `npm ci --prefix interop` from the project root");
      }
      Result ci = run(dir(), List.of(npm, "ci", "--no-audit", "--no-fund"));
      if (ci.exit != 0) {
        fail("npm ci in %s failed (%s); run `npm ci --prefix interop`", dir(), ci.stderr.strip());
      }
    }
    return node;
  }

  public static Result run(Path cwd, List<String> command) throws Exception {
    return run(cwd, command, Map.of());
  }

  /** Runs a command with a timeout; output goes through files so no pipe can fill and block. */
  public static Result run(Path cwd, List<String> command, Map<String, String> env)
      throws Exception {
    Path out = Files.createTempFile("interop", ".out");
    Path err = Files.createTempFile("interop", ".err");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .directory(cwd.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
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

  private static @Nullable String onPath(String name) {
    String path = System.getenv("PATH");
    for (String d : (path == null ? "" : path).split(File.pathSeparator)) {
      Path candidate = Path.of(d.isEmpty() ? "." : d, name);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }
}
