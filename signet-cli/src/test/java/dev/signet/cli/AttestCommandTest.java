package dev.signet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code signet attest} and {@code signet attest verify} end to end. */
class AttestCommandTest {
  @TempDir Path dir;
  Path app;
  Path lib;

  static Map<String, String> buildkite() {
    Map<String, String> env = new HashMap<>();
    env.put("BUILDKITE", "true");
    env.put("BUILDKITE_AGENT_ID", "agent-1");
    env.put("BUILDKITE_AGENT_ACCESS_TOKEN", "bkua_secret_token");
    env.put("BUILDKITE_BUILD_URL", "https://buildkite.com/acme/widgets/builds/7");
    env.put("BUILDKITE_REPO", "https://github.com/acme/widgets.git");
    env.put("BUILDKITE_COMMIT", "0123456789abcdef0123456789abcdef01234567");
    env.put("BUILDKITE_BRANCH", "main");
    env.put("BUILDKITE_PIPELINE_SLUG", "widgets");
    env.put("BUILDKITE_ORGANIZATION_SLUG", "acme");
    env.put("BUILDKITE_JOB_ID", "job-1");
    return env;
  }

  @BeforeEach
  void files() throws Exception {
    AttestCommand.environment = AttestCommandTest::buildkite;
    app = Fixtures.write(dir, "app.jar", "the application");
    lib = Fixtures.write(dir, "lib.so", "a library");
  }

  @AfterEach
  void restore() {
    AttestCommand.environment = System::getenv;
    KeyPasswords.env = System::getenv;
  }

  private Cli attest(String key, String... extra) {
    java.util.List<String> args =
        new java.util.ArrayList<>(
            java.util.List.of("attest", "--subject", app.toString(), lib.toString(), "--key", key));
    args.addAll(java.util.List.of(extra));
    return Cli.run(args.toArray(String[]::new));
  }

  @Test
  void jwksKeyAttestsAndVerifiesAsEnvelopeAndBundle() throws Exception {
    Fixtures.Keys keys = Fixtures.keygen(dir, "att-1", "ES256");
    Path env = dir.resolve("att.json");
    Path bundle = dir.resolve("att.sigstore.json");
    Cli r =
        attest(
            keys.privateJwks().toString(),
            "--output",
            env.toString(),
            "--bundle",
            bundle.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err())
        .contains(
            "provenance from Buildkite", "https://buildkite.com/organizations/acme/agents/agent-1");
    assertThat(Files.readString(env)).contains("\"payloadType\":\"application/vnd.in-toto+json\"");
    assertThat(Files.readString(bundle)).contains("\"dsseEnvelope\"", "\"hint\"");
    assertThat(Files.readString(env) + r.out() + r.err()).doesNotContain("bkua_secret_token");

    Cli v =
        Cli.run(
            "attest",
            "verify",
            env.toString(),
            "--key",
            keys.publicJwks().toString(),
            "--subject",
            lib.toString());
    assertThat(v.exitCode()).as(v.err()).isZero();
    assertThat(v.out()).contains("https://slsa.dev/provenance/v1", "builder:", "lib.so");
    Cli vb =
        Cli.run(
            "attest",
            "verify",
            "--bundle",
            bundle.toString(),
            "--key",
            keys.publicJwks().toString(),
            "--subject",
            app.toString(),
            lib.toString());
    assertThat(vb.exitCode()).as(vb.err()).isZero();
  }

  @Test
  void cosignKeyAttestsAndCosignPubVerifies() throws Exception {
    CosignKeyCommandsTest.password("hello");
    Path fixtures = CosignKeyCommandsTest.FIXTURES;
    Cli r = attest(fixtures.resolve("cosign-n65536.key").toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    Path env = Fixtures.write(dir, "att.json", r.out());
    Cli v =
        Cli.run(
            "attest",
            "verify",
            env.toString(),
            "--key",
            fixtures.resolve("cosign-n65536.pub").toString(),
            "--subject",
            app.toString());
    assertThat(v.exitCode()).as(v.err()).isZero();
    Cli wrongKey =
        Cli.run(
            "attest",
            "verify",
            env.toString(),
            "--key",
            fixtures.resolve("sigstore-n32768.pub").toString(),
            "--subject",
            app.toString());
    assertThat(wrongKey.exitCode()).isEqualTo(ExitCode.REFUSED);
    assertThat(wrongKey.errLines()).hasSize(1);
  }

  @Test
  void refusals() throws Exception {
    Fixtures.Keys keys = Fixtures.keygen(dir, "att-2", "EdDSA");
    Path env = dir.resolve("att.json");
    assertThat(attest(keys.privateJwks().toString(), "--output", env.toString()).exitCode())
        .isZero();
    String pub = keys.publicJwks().toString();

    Path other = Fixtures.write(dir, "other.bin", "not attested");
    Cli mismatch =
        Cli.run("attest", "verify", env.toString(), "--key", pub, "--subject", other.toString());
    assertThat(mismatch.exitCode()).isEqualTo(ExitCode.REFUSED);
    assertThat(mismatch.err()).contains("other.bin", "not a subject");

    String json = Files.readString(env);
    String payload = json.replaceAll(".*\"payload\":\"([^\"]*)\".*\\s*", "$1");
    String statement =
        new String(
            java.util.Base64.getDecoder().decode(payload), java.nio.charset.StandardCharsets.UTF_8);
    String forged =
        java.util.Base64.getEncoder()
            .encodeToString(
                statement
                    .replace("lib.so", "lib.sx")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Path tampered = Fixtures.write(dir, "tampered.json", json.replace(payload, forged));
    Cli t =
        Cli.run("attest", "verify", tampered.toString(), "--key", pub, "--subject", app.toString());
    assertThat(t.exitCode()).isEqualTo(ExitCode.REFUSED);
    assertThat(t.err()).contains("tampered.json", "no DSSE signature verifies");

    Path garbled =
        Fixtures.write(dir, "garbled.json", json.replace("\"payload\":\"", "\"payload\":\"%"));
    Cli g =
        Cli.run("attest", "verify", garbled.toString(), "--key", pub, "--subject", app.toString());
    assertThat(g.exitCode()).isEqualTo(ExitCode.INPUT);
    assertThat(g.errLines()).hasSize(1);

    Cli neither = Cli.run("attest", "verify", "--key", pub, "--subject", app.toString());
    assertThat(neither.exitCode()).isEqualTo(ExitCode.INPUT);
  }

  @Test
  void customPredicateNeedsToBeNamedAtVerification() throws Exception {
    Fixtures.Keys keys = Fixtures.keygen(dir, "att-3", "EdDSA");
    Path pred = Fixtures.write(dir, "pred.json", "{\"result\":\"passed\"}");
    Path env = dir.resolve("att.json");
    Cli r =
        attest(
            keys.privateJwks().toString(),
            "--predicate-type",
            "https://example.com/tests/v1",
            "--predicate",
            pred.toString(),
            "--output",
            env.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    String pub = keys.publicJwks().toString();
    Cli unnamed =
        Cli.run("attest", "verify", env.toString(), "--key", pub, "--subject", app.toString());
    assertThat(unnamed.exitCode()).isEqualTo(ExitCode.REFUSED);
    assertThat(unnamed.err()).contains("https://example.com/tests/v1", "--predicate-type");
    Cli named =
        Cli.run(
            "attest",
            "verify",
            env.toString(),
            "--key",
            pub,
            "--subject",
            app.toString(),
            "--predicate-type",
            "https://example.com/tests/v1");
    assertThat(named.exitCode()).as(named.err()).isZero();
  }

  @Test
  void noCiIsALocalBuilderAndAnIncompleteCiIsRefused() throws Exception {
    Fixtures.Keys keys = Fixtures.keygen(dir, "att-4", "EdDSA");
    AttestCommand.environment = () -> Map.of("HOME", "/root");
    Cli local = attest(keys.privateJwks().toString());
    assertThat(local.exitCode()).as(local.err()).isZero();
    assertThat(local.err()).contains("no CI", "https://signet.dev/builders/local/v1");

    Map<String, String> broken = buildkite();
    broken.remove("BUILDKITE_COMMIT");
    AttestCommand.environment = () -> broken;
    Cli r = attest(keys.privateJwks().toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.INPUT);
    assertThat(r.err()).contains("BUILDKITE_COMMIT");
    assertThat(r.out()).isEmpty();
  }
}
