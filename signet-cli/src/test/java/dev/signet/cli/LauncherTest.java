package dev.signet.cli;

import static dev.signet.cli.Fixtures.REPO;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code ./signet} launcher as a separate process: exit codes survive {@code System.exit}
 * and the shell script, and stderr carries no stack trace. Runs in the package phase (see the POM),
 * after the shaded jar exists; run alone, the first call builds it.
 */
class LauncherTest {
  /** The first call may build the jar with Maven. */
  private static final long TIMEOUT_MINUTES = 5;

  @TempDir static Path dir;
  static Path root;
  static Fixtures.Keys keys;

  @BeforeAll
  static void setUp() {
    Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    while (p != null
        && !(Files.isRegularFile(p.resolve("signet"))
            && Files.isRegularFile(p.resolve("pom.xml")))) {
      p = p.getParent();
    }
    assertThat(p)
        .as("repository root with ./signet above " + System.getProperty("user.dir"))
        .isNotNull();
    root = p;
    keys = Fixtures.keygen(dir, "k");
  }

  record Result(int exitCode, String out, String err) {
    /** stderr without the launcher's own build notice. */
    List<String> errLines() {
      return err.lines().filter(l -> !l.startsWith("signet: building")).toList();
    }
  }

  private static Result signet(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(root.resolve("signet").toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    // Defaults from the environment would change what the commands do.
    pb.environment().keySet().removeIf(k -> k.startsWith("BUILDKITE_") || k.equals("SIGNET_DEBUG"));
    Process proc =
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    if (!proc.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      proc.destroyForcibly();
      throw new AssertionError(
          "./signet "
              + String.join(" ", args)
              + " did not finish in "
              + TIMEOUT_MINUTES
              + " minutes");
    }
    Result r = new Result(proc.exitValue(), Files.readString(out), Files.readString(err));
    Fixtures.assertNoStackTrace(r.err());
    return r;
  }

  @Test
  void versionExits0() throws Exception {
    Result r = signet("--version");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("signet 0.1.0\n");
    assertThat(r.errLines()).isEmpty();
  }

  @Test
  void aMissingKeyFileExits3AndAMissingJobExits2() throws Exception {
    Result noKey = signet("job", "verify", "missing.json", "--jwks-file", "x");
    assertThat(noKey.exitCode()).isEqualTo(ExitCode.KEY);
    assertThat(noKey.errLines()).containsExactly("signet: x: no such file");
    assertThat(noKey.out()).isEmpty();

    Result noJob =
        signet("job", "verify", "missing.json", "--jwks-file", keys.publicJwks().toString());
    assertThat(noJob.exitCode()).isEqualTo(ExitCode.INPUT);
    assertThat(noJob.errLines()).containsExactly("signet: missing.json: no such file");
  }

  @Test
  void badPipelineExits2WithOneLineAndNoOutputFile() throws Exception {
    Path in = Fixtures.write(dir, "bad.yml", "steps:\n  - command: echo a\n  - frobnicate: yes\n");
    Path out = dir.resolve("signed.yml");
    Result r =
        signet(
            "pipeline",
            "sign",
            in.toString(),
            "--jwks-file",
            keys.privateJwks().toString(),
            "--repo",
            REPO,
            "--output",
            out.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.INPUT);
    assertThat(r.errLines())
        .singleElement()
        .asString()
        .startsWith("signet: " + in)
        .contains("steps[1]");
    assertThat(out).doesNotExist();
  }

  @Test
  void jobRunExitsWithTheCommandsStatusAndARefusedJobWith1() throws Exception {
    Path signed = Fixtures.sign(dir, keys, "steps:\n  - command: \"echo ran; exit 7\"\n");
    Path job = Fixtures.jobs(dir, signed).getFirst();
    Result ran = signet("job", "run", job.toString(), "--jwks-file", keys.publicJwks().toString());
    assertThat(ran.exitCode()).as(ran.err()).isEqualTo(7);
    assertThat(ran.out()).endsWith("ran\n");

    Path tampered =
        Fixtures.write(
            dir,
            "tampered.json",
            Fixtures.edit(Fixtures.read(job), "env.BUILDKITE_COMMAND", "echo pwned"));
    Result refused =
        signet("job", "run", tampered.toString(), "--jwks-file", keys.publicJwks().toString());
    assertThat(refused.exitCode()).isEqualTo(ExitCode.REFUSED);
    assertThat(refused.out()).doesNotContain("pwned");
    assertThat(refused.errLines()).first().isEqualTo("+++ ⛔ Job signature verification failed");
  }

  @Test
  void unknownOptionExits2WithAHint() throws Exception {
    Result r = signet("pipeline", "sign", "--bogus");
    assertThat(r.exitCode()).isEqualTo(ExitCode.INPUT);
    assertThat(r.errLines())
        .containsExactly("signet: Unknown option: '--bogus'", "Try 'signet pipeline sign --help'.");
  }
}
