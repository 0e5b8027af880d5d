package dev.signet.cli;

import static dev.signet.cli.Fixtures.REPO;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    return signet(Map.of(), args);
  }

  private static Result signet(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
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
    pb.environment().putAll(env);
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

  /** Where the JVM logs the classes it loads, one file per process id. */
  private static Map<String, String> classLog(Path logs) {
    return Map.of(
        "JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + logs.resolve("classes-%p.log"));
  }

  @Test
  void versionLoadsNoServerClass() throws Exception {
    signet("--version"); // a CLI cache trained now would log its training's classes too
    Path logs = Files.createDirectories(dir.resolve("version-classes"));
    Result r = signet(classLog(logs), "--version");
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<String> loaded = new ArrayList<>();
    try (var files = Files.list(logs)) {
      for (Path f : files.toList()) {
        loaded.addAll(Files.readAllLines(f));
      }
    }
    assertThat(loaded).anyMatch(l -> l.contains(" dev.signet.cli.Main "));
    assertThat(loaded)
        .noneMatch(
            l -> l.matches(".* (dev\\.signet\\.server|io\\.helidon|org\\.h2|org\\.flywaydb)\\..*"));
  }

  /**
   * The server's own AOT cache: a stale one (older than the jar, of no known JDK) is retrained by a
   * real server run before {@code signet server} starts, without training the CLI's cache, and the
   * server then takes its classes from it; an unusable one (not a cache at all, but newer than the
   * jar) is ignored without a word on the terminal.
   */
  @Test
  void theServerHasItsOwnAotCacheRetrainedWhenStaleAndIgnoredWhenUnusable() throws Exception {
    Path cache = Files.createDirectories(dir.resolve("aot-cache"));
    Path aot = cache.resolve("signet-server.aot");
    Files.writeString(aot, "a stale cache");
    Files.setLastModifiedTime(aot, FileTime.fromMillis(0));
    Map<String, String> env = Map.of("SIGNET_CACHE_DIR", cache.toString());

    Result trained = signet(env, "server", "--help");
    assertThat(trained.exitCode()).as(trained.err()).isZero();
    assertThat(trained.errLines())
        .containsExactly(
            "signet: preparing the server's start-up cache (once per build; a training server"
                + " run of about a minute)…");
    assertThat(Files.size(aot)).isGreaterThan(1 << 20);
    Path jar = root.resolve("signet-cli/target/signet.jar");
    assertThat(Files.getLastModifiedTime(aot))
        .isGreaterThanOrEqualTo(Files.getLastModifiedTime(jar));
    try (var files = Files.list(cache)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder("signet-server.aot", "signet-server.jdk");
    }

    Path logs = Files.createDirectories(dir.resolve("server-classes"));
    Map<String, String> logged = new java.util.HashMap<>(env);
    logged.putAll(classLog(logs));
    Server cached = Server.start(logged, dir.resolve("data-cached"));
    cached.stop();
    assertThat(cached.err()).doesNotContain("signet: preparing", "[aot", "[warning]", "[error");
    assertThat(cached.out()).as("stdout").isEqualTo(cached.adminTokenLine());
    List<String> loaded = Files.readAllLines(logs.resolve("classes-" + cached.pid() + ".log"));
    // Helidon's web server, H2 and Flyway classes come mapped from the cache, not from the jar.
    for (String c :
        List.of(
            "io.helidon.webserver.LoomServer",
            "org.h2.engine.Database",
            "org.flywaydb.core.Flyway",
            "dev.signet.server.SignetServer")) {
      assertThat(loaded)
          .as(c)
          .anyMatch(line -> line.contains(" " + c + " source: shared objects file"));
    }

    Files.writeString(aot, "not an AOT cache"); // newer than the jar, from this JDK: kept
    Server unusable = Server.start(env, dir.resolve("data-unusable"));
    unusable.stop();
    assertThat(unusable.out()).as("stdout").isEqualTo(unusable.adminTokenLine());
    assertThat(unusable.err()).doesNotContain("signet: preparing", "[aot", "[cds", "[warning]");
    assertThat(Files.readString(aot)).isEqualTo("not an AOT cache");
  }

  /** {@code ./signet server} as a process, until it logs that it listens; then SIGTERM. */
  private record Server(Process process, Path outFile, Path errFile) {
    static Server start(Map<String, String> env, Path data) throws Exception {
      Path out = Files.createTempFile(dir, "server-out", ".txt");
      Path err = Files.createTempFile(dir, "server-err", ".txt");
      ProcessBuilder pb =
          new ProcessBuilder(
                  root.resolve("signet").toString(),
                  "server",
                  "--data-dir",
                  data.toString(),
                  "--listen",
                  "127.0.0.1:0")
              .directory(dir.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      pb.environment().putAll(env);
      Server s = new Server(pb.start(), out, err);
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(TIMEOUT_MINUTES);
      while (!Files.readString(err).contains("signet server listening")) {
        if (!s.process().isAlive() || System.nanoTime() > deadline) {
          s.process().destroyForcibly();
          throw new AssertionError("./signet server did not start: " + Files.readString(err));
        }
        Thread.sleep(100);
      }
      return s;
    }

    long pid() {
      return process.pid();
    }

    void stop() throws Exception {
      process.destroy();
      if (!process.waitFor(1, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("./signet server did not stop on SIGTERM");
      }
    }

    String out() throws IOException {
      return Files.readString(outFile);
    }

    String err() throws IOException {
      String e = Files.readString(errFile);
      Fixtures.assertNoStackTrace(e);
      return e;
    }

    /** What a first start prints on stdout, and nothing else (no JVM warning). */
    String adminTokenLine() throws IOException {
      List<String> lines = out().lines().toList();
      assertThat(lines).hasSize(1);
      assertThat(lines.getFirst()).startsWith("signet: admin token (shown once; store it now): ");
      return lines.getFirst() + "\n";
    }
  }
}
