package dev.signet.cli;

import static dev.signet.cli.Fixtures.PIPELINE;
import static dev.signet.cli.Fixtures.REPO;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineSignCommandTest {
  private static final Pattern VALUE = Pattern.compile("value: (\\S+)");

  @TempDir static Path keyDir;
  @TempDir Path dir;
  static Fixtures.Keys keys;

  @BeforeAll
  static void keys() {
    keys = Fixtures.keygen(keyDir, "signer-1");
  }

  private Cli sign(String... more) {
    Path in = Fixtures.write(dir, "pipeline.yml", PIPELINE);
    return Cli.run(
        Stream.concat(
                Stream.of(
                    "pipeline",
                    "sign",
                    in.toString(),
                    "--jwks-file",
                    keys.privateJwks().toString(),
                    "--repo",
                    REPO),
                Stream.of(more))
            .toArray(String[]::new));
  }

  private static List<String> signatureValues(String yaml) {
    Matcher m = VALUE.matcher(yaml);
    return m.results().map(r -> r.group(1)).toList();
  }

  @Test
  void signsEveryCommandStepAndWritesTheWholePipelineAsYaml() {
    Cli r = sign();
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    // build, the matrix step inside the group, deploy: wait and block steps are not signed.
    assertThat(signatureValues(r.out()))
        .hasSize(3)
        .allMatch(v -> v.matches("[\\w-]+\\.\\.[\\w-]+"));
    assertThat(r.out())
        .contains("- wait", "block: release?", "group: tests", "DEPLOY_ENV: staging");
    // The protected header names the key.
    String header = signatureValues(r.out()).getFirst().split("\\.")[0];
    assertThat(new String(Base64.getUrlDecoder().decode(header), StandardCharsets.UTF_8))
        .isEqualTo("{\"alg\":\"EdDSA\",\"kid\":\"signer-1\"}");
  }

  @Test
  void ed25519SigningIsDeterministic() {
    assertThat(sign().out()).isEqualTo(sign().out());
  }

  @Test
  void formatJsonWritesTheUploadJson() {
    Cli r = sign("--format", "json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonObject doc = (JsonObject) Fixtures.parse(r.out());
    List<JsonValue> steps = ((JsonArray) doc.get("steps")).items();
    assertThat(steps).hasSize(5);
    JsonObject build = (JsonObject) steps.getFirst();
    assertThat(((JsonObject) build.get("signature")).has("value")).isTrue();
    // The same signatures as the YAML form: the format changes the rendering, not the payload.
    assertThat(r.out()).contains(signatureValues(sign().out()).getFirst());
  }

  @Test
  void readsStdinGivenAsDashOrOmitted() {
    String expected = sign().out();
    byte[] yaml = PIPELINE.getBytes(StandardCharsets.UTF_8);
    String jwks = keys.privateJwks().toString();
    Cli dash = Cli.runWithStdin(yaml, "pipeline", "sign", "-", "--jwks-file", jwks, "--repo", REPO);
    assertThat(dash.exitCode()).as(dash.err()).isZero();
    assertThat(dash.out()).isEqualTo(expected);
    Cli omitted = Cli.runWithStdin(yaml, "pipeline", "sign", "--jwks-file", jwks, "--repo", REPO);
    assertThat(omitted.exitCode()).as(omitted.err()).isZero();
    assertThat(omitted.out()).isEqualTo(expected);
  }

  @Test
  void signsEveryDocumentOfAMultiDocumentStream() {
    Path in =
        Fixtures.write(
            dir,
            "multi.yml",
            "steps:\n  - command: echo one\n---\nsteps:\n  - command: echo two\n");
    String jwks = keys.privateJwks().toString();
    Cli yaml = Cli.run("pipeline", "sign", in.toString(), "--jwks-file", jwks, "--repo", REPO);
    assertThat(yaml.exitCode()).as(yaml.err()).isZero();
    assertThat(yaml.out().split("(?m)^---$")).hasSize(2);
    assertThat(signatureValues(yaml.out())).hasSize(2).doesNotHaveDuplicates();

    Cli json =
        Cli.run(
            "pipeline",
            "sign",
            in.toString(),
            "--jwks-file",
            jwks,
            "--repo",
            REPO,
            "--format",
            "json");
    assertThat(json.exitCode()).as(json.err()).isZero();
    assertThat(((JsonArray) Fixtures.parse(json.out())).size()).isEqualTo(2);
  }

  @Test
  void outputIsWrittenAtomicallyAndReplacesAnOldFile() throws Exception {
    Path out = dir.resolve("signed.yml");
    Files.writeString(out, "old content");
    Cli r = sign("--output", out.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(Files.readString(out)).isEqualTo(sign().out());
    // No temporary file is left next to it.
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("pipeline.yml", "signed.yml");
    }
  }

  @Test
  void outputIntoAMissingDirectoryIsAnOutputError() {
    Cli r = sign("--output", dir.resolve("no/such/dir/out.yml").toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.OUTPUT);
    assertThat(r.errLines())
        .singleElement()
        .asString()
        .startsWith("signet: ")
        .contains("out.yml", "no such directory");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void outputOntoADirectoryIsAnOutputErrorAndLeavesItAlone() throws Exception {
    Path target = Files.createDirectory(dir.resolve("out"));
    Cli r = sign("--output", target.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.OUTPUT);
    assertThat(r.errLines()).containsExactly("signet: " + target + ": is a directory");
    assertThat(target).isEmptyDirectory();
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("pipeline.yml", "out");
    }
  }

  @Test
  void aTwoKeySetNeedsJwksKeyIdAndSignsWithTheChosenKey() {
    Fixtures.Keys other = Fixtures.keygen(dir, "signer-2");
    String a = Fixtures.read(keys.privateJwks()).strip();
    String b = Fixtures.read(other.privateJwks()).strip();
    // {"keys":[A]} + {"keys":[B]} -> {"keys":[A,B]}
    Path both =
        Fixtures.write(dir, "both.json", a.substring(0, a.length() - 2) + "," + b.substring(9));
    Path in = Fixtures.write(dir, "pipeline.yml", PIPELINE);

    Cli ambiguous =
        Cli.run("pipeline", "sign", in.toString(), "--jwks-file", both.toString(), "--repo", REPO);
    assertThat(ambiguous.exitCode()).isEqualTo(ExitCode.KEY);
    assertThat(ambiguous.errLines())
        .singleElement()
        .asString()
        .startsWith("signet: " + both)
        .contains("--jwks-key-id");
    assertThat(ambiguous.out()).isEmpty();

    Cli chosen =
        Cli.run(
            "pipeline",
            "sign",
            in.toString(),
            "--jwks-file",
            both.toString(),
            "--jwks-key-id",
            "signer-2",
            "--repo",
            REPO);
    assertThat(chosen.exitCode()).as(chosen.err()).isZero();
    String header = signatureValues(chosen.out()).getFirst().split("\\.")[0];
    assertThat(new String(Base64.getUrlDecoder().decode(header), StandardCharsets.UTF_8))
        .contains("\"kid\":\"signer-2\"");

    Cli unknown =
        Cli.run(
            "pipeline",
            "sign",
            in.toString(),
            "--jwks-file",
            both.toString(),
            "--jwks-key-id",
            "nope",
            "--repo",
            REPO);
    assertThat(unknown.exitCode()).isEqualTo(ExitCode.KEY);
    assertThat(unknown.errLines()).singleElement().asString().contains(both.toString(), "\"nope\"");
  }

  @Test
  void repoIsRequired() {
    Path in = Fixtures.write(dir, "pipeline.yml", PIPELINE);
    Cli r =
        Cli.run("pipeline", "sign", in.toString(), "--jwks-file", keys.privateJwks().toString());
    // Unless BUILDKITE_REPO is set for the test JVM, which the in-process runner cannot undo.
    if (System.getenv("BUILDKITE_REPO") == null) {
      assertThat(r.exitCode()).isEqualTo(ExitCode.INPUT);
      assertThat(r.errLines())
          .containsExactly(
              "signet: --repo is required: the repository URL is part of every signature");
    }
  }

  @Test
  void debugSigningPrintsPayloadsToStderrButNeverTheKey() {
    Cli r = sign("--debug-signing");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err())
        .contains(
            "warning: --debug-signing",
            "Public Key Thumbprint (sha256): ",
            "Signed Step: steps[0] {\"alg\":\"EdDSA\"");
    String d =
        Fixtures.get(
            Fixtures.read(keys.privateJwks()).replace("{\"keys\":[", "").replace("]}", ""), "d");
    assertThat(r.err() + r.out()).doesNotContain(d);
  }

  /**
   * Byte compatibility through the CLI: D1 of the Buildkite vectors, signed with the EdDSA fixture
   * key, gives exactly the signature values buildkite-agent gives.
   */
  @Test
  void signsBuildkiteVectorD1ByteForByteWithTheFixtureKey() {
    JsonObject d1 = BuildkiteVectors.example("D1-");
    Path priv =
        Fixtures.write(
            dir, "fixture-private.json", BuildkiteVectors.jwks("EdDSA/TEST_DO_NOT_USE-private"));
    Path in = Fixtures.write(dir, "d1.yml", BuildkiteVectors.str(d1, "input_yaml"));
    Cli r =
        Cli.run(
            "pipeline",
            "sign",
            in.toString(),
            "--jwks-file",
            priv.toString(),
            "--repo",
            BuildkiteVectors.str(d1, "repository_url"));
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<String> expected =
        ((JsonArray) d1.get("steps"))
            .items().stream()
                .map(s -> (JsonObject) s)
                .filter(s -> s.has("expected"))
                .map(s -> BuildkiteVectors.str(s, "expected", "signature", "value"))
                .toList();
    assertThat(expected).hasSize(3);
    assertThat(signatureValues(r.out())).containsExactlyElementsOf(expected);
  }
}
