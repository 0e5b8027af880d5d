package dev.signet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobRunCommandTest {
  @TempDir static Path shared;
  static Fixtures.Keys keys;
  static Path marker;
  static List<Path> jobs;

  @TempDir Path dir;

  /**
   * Job 0 prints to both streams and exits 7; job 1 creates a marker file, so a test can prove a
   * refused job never started; jobs 2 and 3 are a matrix; job 4 streams with a pause.
   */
  @BeforeAll
  static void signAndExpand() {
    keys = Fixtures.keygen(shared, "k");
    marker = shared.resolve("marker");
    String pipeline =
        """
        env:
          DEPLOY_ENV: staging
        steps:
          - command: "echo out-line; echo err-line >&2; printenv DEPLOY_ENV; exit 7"
          - command: "touch %s"
          - command: "echo testing {{matrix}}"
            matrix: [linux, darwin]
          - command: "echo first; sleep 1; echo second"
        """
            .formatted(marker);
    jobs = Fixtures.jobs(shared, Fixtures.sign(shared, keys, pipeline));
  }

  private static Cli run(Path job, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of("job", "run", job.toString(), "--jwks-file", keys.publicJwks().toString()));
    args.addAll(List.of(more));
    return Cli.run(args.toArray(String[]::new));
  }

  private Path tampered(int job, String path, String value) {
    return Fixtures.write(
        dir, "tampered.json", Fixtures.edit(Fixtures.read(jobs.get(job)), path, value));
  }

  @Test
  void runsAVerifiedJobInItsEnvAndExitsWithTheCommandsStatus() {
    Cli r = run(jobs.getFirst());
    assertThat(r.exitCode()).as(r.err()).isEqualTo(7);
    String id = Fixtures.get(Fixtures.read(jobs.getFirst()), "id");
    assertThat(r.out().lines())
        .containsExactly(
            "~~~ ✅ Job signature verified",
            "signature: " + Fixtures.get(Fixtures.read(jobs.getFirst()), "step.signature.value"),
            "~~~ Running job " + id,
            "out-line",
            "staging");
    assertThat(r.err()).isEqualTo("err-line\n");
  }

  @Test
  void runsTheMatrixCommandOfItsPermutation() {
    assertThat(run(jobs.get(2)).out()).endsWith("testing linux\n");
    assertThat(run(jobs.get(3)).out()).endsWith("testing darwin\n");
  }

  @Test
  void aRefusedJobNeverStarts() {
    // The attacker's command would create the marker.
    Cli r = run(tampered(0, "env.BUILDKITE_COMMAND", "touch " + marker));
    assertThat(r.exitCode()).isEqualTo(ExitCode.REFUSED);
    assertThat(r.out()).doesNotContain("Running job");
    assertThat(marker).doesNotExist();

    // Here the signed command itself would create it, but the job's env was tampered with.
    Cli r2 = run(tampered(1, "env.DEPLOY_ENV", "production"));
    assertThat(r2.exitCode()).isEqualTo(ExitCode.REFUSED);
    assertThat(r2.err()).startsWith("+++ ⛔ Job signature verification failed");
    assertThat(marker).doesNotExist();

    Path unsigned =
        Fixtures.write(
            dir, "unsigned.json", Fixtures.remove(Fixtures.read(jobs.get(1)), "step.signature"));
    assertThat(run(unsigned).exitCode()).isEqualTo(ExitCode.REFUSED);
    assertThat(marker).doesNotExist();
  }

  @Test
  void warnRunsWhatTheAgentWouldRunAfterSayingSo() {
    Cli r =
        run(
            tampered(0, "env.BUILDKITE_COMMAND", "echo unverified; exit 3"),
            "--failure-behavior",
            "warn");
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err())
        .startsWith("+++ ⚠️ Job signature verification failed")
        .contains("Job will be run without verification");
    assertThat(r.out()).contains("~~~ Running job", "unverified");
  }

  @Test
  void streamsOutputWhileTheCommandRuns() {
    List<Long> firstAt = new ArrayList<>();
    List<Long> secondAt = new ArrayList<>();
    StringWriter all = new StringWriter();
    Writer timing =
        new Writer() {
          @Override
          public void write(char[] buf, int off, int len) {
            String s = new String(buf, off, len);
            all.write(s);
            if (s.contains("first")) {
              firstAt.add(System.nanoTime());
            }
            if (s.contains("second")) {
              secondAt.add(System.nanoTime());
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    int code =
        Main.run(
            new String[] {
              "job", "run", jobs.get(4).toString(), "--jwks-file", keys.publicJwks().toString()
            },
            new PrintWriter(timing, true),
            new PrintWriter(new StringWriter(), true));
    assertThat(code).as(all.toString()).isZero();
    assertThat(firstAt).as(all.toString()).hasSize(1);
    assertThat(secondAt).hasSize(1);
    // "first" arrived about a second before "second": it was not held back until the end.
    assertThat(secondAt.getFirst() - firstAt.getFirst()).isGreaterThan(500_000_000L);
  }
}
