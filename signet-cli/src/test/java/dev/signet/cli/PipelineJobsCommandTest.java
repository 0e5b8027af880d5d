package dev.signet.cli;

import static dev.signet.cli.Fixtures.PIPELINE;
import static dev.signet.cli.Fixtures.REPO;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineJobsCommandTest {
  @TempDir static Path shared;
  static Path signed;

  @TempDir Path dir;

  @BeforeAll
  static void signPipeline() {
    signed = Fixtures.sign(shared, Fixtures.keygen(shared, "k"), PIPELINE);
  }

  private static List<JsonObject> jobs(String out) {
    return ((JsonArray) Fixtures.parse(out)).items().stream().map(j -> (JsonObject) j).toList();
  }

  private static String env(JsonObject job, String name) {
    return BuildkiteVectors.str(job, "env", name);
  }

  @Test
  void oneJobPerCommandStepAndMatrixPermutation() {
    Cli r = Cli.run("pipeline", "jobs", signed.toString(), "--repo", REPO);
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    List<JsonObject> jobs = jobs(r.out());
    assertThat(jobs)
        .extracting(j -> env(j, "BUILDKITE_COMMAND"))
        .containsExactly(
            "echo built", "echo testing linux", "echo testing darwin", "echo deployed");
    assertThat(jobs)
        .allSatisfy(j -> {
          assertThat(env(j, "BUILDKITE_REPO")).isEqualTo(REPO);
          assertThat(env(j, "DEPLOY_ENV")).isEqualTo("staging");
          assertThat(((JsonObject) j.get("step")).has("signature")).isTrue();
        });
    assertThat(jobs).extracting(j -> BuildkiteVectors.str(j, "id")).doesNotHaveDuplicates();
    assertThat(BuildkiteVectors.str(jobs.get(1), "matrix_permutation", "os")).isEqualTo("linux");
    // Job ids are stable, so the same pipeline gives the same jobs.
    assertThat(Cli.run("pipeline", "jobs", signed.toString(), "--repo", REPO).out())
        .isEqualTo(r.out());
  }

  @Test
  void extraEnvIsAppliedToEveryJob() {
    Cli r =
        Cli.run(
            "pipeline",
            "jobs",
            signed.toString(),
            "--repo",
            REPO,
            "--env",
            "BUILDKITE_BUILD_NUMBER=42",
            "--env",
            "EMPTY=");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(jobs(r.out()))
        .allSatisfy(j -> {
          assertThat(env(j, "BUILDKITE_BUILD_NUMBER")).isEqualTo("42");
          assertThat(env(j, "EMPTY")).isEmpty();
        });
  }

  @Test
  void malformedEnvIsAUsageErrorThatDoesNotEchoTheValue() {
    Cli r =
        Cli.run(
            "pipeline", "jobs", signed.toString(), "--repo", REPO, "--env", "=" + Fixtures.SECRET);
    assertThat(r.exitCode()).isEqualTo(ExitCode.INPUT);
    assertThat(r.errLines())
        .singleElement()
        .asString()
        .startsWith("signet: --env")
        .contains("NAME=VALUE");
    assertThat(r.err()).doesNotContain(Fixtures.SECRET);
    assertThat(r.out()).isEmpty();
  }

  @Test
  void readsStdin() {
    Cli r =
        Cli.runWithStdin(
            Fixtures.read(signed).getBytes(java.nio.charset.StandardCharsets.UTF_8),
            "pipeline",
            "jobs",
            "-",
            "--repo",
            REPO);
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(jobs(r.out())).hasSize(4);
  }

  @Test
  void outputIsWrittenAtomically() throws Exception {
    Path out = dir.resolve("jobs.json");
    Cli r =
        Cli.run("pipeline", "jobs", signed.toString(), "--repo", REPO, "--output", out.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(Files.readString(out))
        .isEqualTo(Cli.run("pipeline", "jobs", signed.toString(), "--repo", REPO).out());
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(out);
    }
  }

  @Test
  void unsignedPipelinesExpandToo() {
    // The control plane does not care about signatures; the agent does (job verify refuses these).
    Path p = Fixtures.write(dir, "unsigned.yml", "steps:\n  - command: echo hi\n");
    Cli r = Cli.run("pipeline", "jobs", p.toString(), "--repo", REPO);
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonValue step = jobs(r.out()).getFirst().get("step");
    assertThat(((JsonObject) step).has("signature")).isFalse();
  }
}
