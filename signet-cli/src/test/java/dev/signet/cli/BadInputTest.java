package dev.signet.cli;

import static dev.signet.cli.Fixtures.PIPELINE;
import static dev.signet.cli.Fixtures.REPO;
import static dev.signet.cli.Fixtures.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.input.InputLimits;
import dev.signet.job.Job;
import dev.signet.job.JobJson;
import dev.signet.signing.CanonicalPayload;
import dev.signet.signing.SignedFields;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input fails closed: the documented exit code, one line on stderr that starts with {@code
 * signet: } and names the place, no stack trace, no key material or env value, nothing on stdout,
 * and no output file.
 */
class BadInputTest {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  @TempDir static Path shared;
  static Fixtures.Keys keys;
  static String privateD;
  static Path job;

  @TempDir Path dir;

  @BeforeAll
  static void setUp() {
    keys = Fixtures.keygen(shared, "k");
    privateD = privateMember(keys.privateJwks(), "d");
    job = Fixtures.jobs(shared, Fixtures.sign(shared, keys, PIPELINE)).getFirst();
  }

  private static String privateMember(Path jwks, String name) {
    return Fixtures.get(
        Fixtures.read(jwks).strip().replace("{\"keys\":[", "").replace("]}", ""), name);
  }

  // ---- assertions ----

  /** The one-line error contract; {@code names} are the file, line, step path or field. */
  private static void assertOneLineError(Cli r, int exitCode, String... names) {
    assertThat(r.exitCode()).as("exit code; stderr: %s", r.err()).isEqualTo(exitCode);
    assertThat(r.errLines()).as("stderr is one line").hasSize(1);
    String line = r.errLines().getFirst();
    assertThat(line).startsWith("signet: ").contains(names);
    assertClean(r);
    assertThat(r.out()).as("stdout").isEmpty();
  }

  private static void assertClean(Cli r) {
    Fixtures.assertNoStackTrace(r.err());
    assertThat(r.err() + r.out()).doesNotContain(privateD, SECRET);
  }

  private Cli sign(Path file, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "pipeline",
                "sign",
                file.toString(),
                "--jwks-file",
                keys.privateJwks().toString(),
                "--repo",
                REPO));
    args.addAll(List.of(more));
    return Cli.run(args.toArray(String[]::new));
  }

  private Cli verifyJob(Path file, String... more) {
    return verifyJobWith(keys.publicJwks(), file, more);
  }

  private static Cli verifyJobWith(Path jwks, Path file, String... more) {
    List<String> args =
        new ArrayList<>(List.of("job", "verify", file.toString(), "--jwks-file", jwks.toString()));
    args.addAll(List.of(more));
    return Cli.run(args.toArray(String[]::new));
  }

  // ---- pipelines ----

  record BadPipeline(String name, String file, Function<Path, byte[]> content, String[] names) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static BadPipeline bad(String name, String file, String text, String... names) {
    return new BadPipeline(name, file, d -> text.getBytes(StandardCharsets.UTF_8), names);
  }

  static Stream<BadPipeline> badPipelines() {
    StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
    for (char c = 'b'; c <= 'j'; c++) {
      String prev = "*" + (char) (c - 1);
      bomb.append(c)
          .append(": &")
          .append(c)
          .append(" [")
          .append(String.join(", ", prev, prev, prev, prev, prev, prev, prev, prev, prev))
          .append("]\n");
    }
    bomb.append("steps:\n  - command: echo\n    env:\n      X: *j\n");
    return Stream.of(
        bad(
            "malformed YAML",
            "malformed.yml",
            "steps:\n  - command: [unclosed\n  - wait\n",
            "malformed.yml",
            "line "),
        bad(
            "YAML tab indentation",
            "tabs.yml",
            "steps:\n\t- command: echo\n",
            "tabs.yml",
            "line 2"),
        bad("alias bomb", "bomb.yml", bomb.toString(), "bomb.yml", "line ", "aliases"),
        bad(
            "YAML nested 10,000 deep",
            "deep.yml",
            "steps:\n  - command: echo\n    env:\n      X: "
                + "[".repeat(10_000)
                + "]".repeat(10_000)
                + "\n",
            "deep.yml",
            "line 4",
            "nested deeper"),
        // Block indentation grows with depth: 2,000 levels is 2 MB, 10,000 would hit the size
        // limit.
        bad(
            "YAML block nesting 2,000 deep",
            "deep-block.yml",
            deepBlock(2_000),
            "deep-block.yml",
            "line ",
            "nested deeper"),
        bad(
            "JSON nested 10,000 deep",
            "deep.json",
            "{\"steps\":[{\"command\":\"echo\",\"env\":{\"X\":"
                + "[".repeat(10_000)
                + "]".repeat(10_000)
                + "}}]}",
            "deep.json",
            "nested deeper"),
        new BadPipeline(
            "invalid UTF-8",
            "latin1.yml",
            d -> "steps:\n  - command: echo caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1),
            new String[] {"latin1.yml", "byte 28", "invalid UTF-8"}),
        bad(
            "duplicate step keys",
            "dup.yml",
            "steps:\n  - command: echo a\n    command: echo b\n",
            "dup.yml",
            "line 3",
            "duplicate",
            "\"command\""),
        bad(
            "duplicate top-level keys",
            "dup-top.yml",
            "steps:\n  - command: echo a\nsteps:\n  - command: echo b\n",
            "dup-top.yml",
            "line 3",
            "duplicate"),
        bad(
            "duplicate JSON members",
            "dup.json",
            "{\"steps\":[{\"command\":\"a\",\"command\":\"b\"}]}",
            "dup.json",
            "line 1",
            "\"command\""),
        bad(
            "$VAR interpolation",
            "interp.yml",
            "steps:\n  - command: echo a\n  - command: echo $HOME\n",
            "interp.yml",
            "line 3",
            "$HOME"),
        bad(
            "${VAR} interpolation",
            "interp2.yml",
            "steps:\n  - command: echo ok\n    env:\n      A: \"${SECRET_THING}\"\n",
            "interp2.yml",
            "line 4"),
        bad(
            "unknown step type",
            "unknown.yml",
            "steps:\n  - command: echo a\n  - frobnicate: yes\n",
            "unknown.yml",
            "steps[1]",
            "line 3"),
        bad(
            "unknown step type in a group",
            "unknown-group.yml",
            "steps:\n  - group: g\n    steps:\n      - command: echo a\n      - frobnicate: yes\n",
            "unknown-group.yml",
            "steps[0].steps[1]"),
        bad("steps not a list", "notlist.yml", "steps: echo\n", "notlist.yml", "steps"),
        bad(
            "command is a map",
            "cmdmap.yml",
            "steps:\n  - command: {a: b}\n",
            "cmdmap.yml",
            "steps[0]"),
        bad("empty file", "empty.yml", "", "empty.yml"),
        bad("a scalar document", "scalar.yml", "just a string\n", "scalar.yml"),
        bad(
            "NUL byte",
            "nul.yml",
            "steps:\n  - command: echo \u0000\n",
            "nul.yml",
            "line 2, column 19",
            "U+0000"),
        new BadPipeline(
            "50 MB file",
            "huge.yml",
            null,
            new String[] {"huge.yml", "larger than the input limit"}));
  }

  private static String deepBlock(int depth) {
    StringBuilder sb = new StringBuilder("steps:\n  - command: echo\n    env:\n      X:\n");
    for (int i = 0; i < depth; i++) {
      sb.append(" ".repeat(8 + i)).append("a:\n");
    }
    return sb.append(" ".repeat(8 + depth)).append("b: c\n").toString();
  }

  private static Path huge(Path dir) throws IOException {
    // 50 MB, written in chunks so the test itself stays small in memory.
    Path p = dir.resolve("huge.yml");
    byte[] chunk =
        ("steps:\n"
                + "  - command: echo aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
                    .repeat(16_000))
            .getBytes(StandardCharsets.UTF_8);
    try (OutputStream out = Files.newOutputStream(p)) {
      out.write(chunk);
      byte[] more =
          "  - command: echo bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n"
              .repeat(16_000)
              .getBytes(StandardCharsets.UTF_8);
      for (long written = chunk.length; written < 50L << 20; written += more.length) {
        out.write(more);
      }
    }
    return p;
  }

  private Path create(BadPipeline b) throws IOException {
    return b.content() == null
        ? huge(dir)
        : Files.write(dir.resolve(b.file()), b.content().apply(dir));
  }

  @ParameterizedTest(name = "pipeline sign: {0}")
  @MethodSource("badPipelines")
  void pipelineSignRefusesAndWritesNothing(BadPipeline b) throws IOException {
    Path in = create(b);
    Path out = dir.resolve("signed.yml");
    Cli r = sign(in, "--output", out.toString());
    String[] names = b.names().clone();
    names[0] = in.toString();
    assertOneLineError(r, ExitCode.INPUT, names);
    assertThat(out).doesNotExist();
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.filter(p -> p.getFileName().toString().startsWith(".")))
          .as("temporary files")
          .isEmpty();
    }
  }

  @ParameterizedTest(name = "pipeline jobs: {0}")
  @MethodSource("badPipelines")
  void pipelineJobsRefusesAndWritesNothing(BadPipeline b) throws IOException {
    // Interpolation and unknown step types are only refused when signing; everything else here
    // is refused by every command that reads a pipeline.
    if (b.name().contains("interpolation") || b.name().contains("unknown step")) {
      return;
    }
    Path in = create(b);
    Path out = dir.resolve("jobs.json");
    Cli r = Cli.run("pipeline", "jobs", in.toString(), "--repo", REPO, "--output", out.toString());
    String[] names = b.names().clone();
    names[0] = in.toString();
    assertOneLineError(r, ExitCode.INPUT, names);
    assertThat(out).doesNotExist();
  }

  @Test
  void pipelineVerifyRefusesAMalformedPipeline() {
    Path in = Fixtures.write(dir, "bad.yml", "steps:\n  - command: [unclosed\n");
    Cli r =
        Cli.run(
            "pipeline",
            "verify",
            in.toString(),
            "--jwks-file",
            keys.publicJwks().toString(),
            "--repo",
            REPO);
    assertOneLineError(r, ExitCode.INPUT, in.toString(), "line ");
  }

  @Test
  void aBadPipelineOnStdinIsNamedStdin() {
    Cli r =
        Cli.runWithStdin(
            "steps: [\n".getBytes(StandardCharsets.UTF_8),
            "pipeline",
            "sign",
            "-",
            "--jwks-file",
            keys.privateJwks().toString(),
            "--repo",
            REPO);
    assertOneLineError(r, ExitCode.INPUT, "<stdin>", "line ");
  }

  @Test
  void pipelineFileMissingOrADirectory() {
    Path missing = dir.resolve("missing.yml");
    assertOneLineError(sign(missing), ExitCode.INPUT, missing.toString(), "no such file");
    assertOneLineError(sign(dir), ExitCode.INPUT, dir.toString(), "is a directory");
  }

  // ---- usage ----

  @Test
  void unknownFormatIsAUsageError() {
    Path in = Fixtures.write(dir, "p.yml", PIPELINE);
    Path out = dir.resolve("out.xml");
    assertOneLineError(
        sign(in, "--format", "xml", "--output", out.toString()), ExitCode.INPUT, "--format", "xml");
    assertThat(out).doesNotExist();
  }

  @Test
  void unknownFailureBehaviorIsAUsageError() {
    assertOneLineError(
        verifyJob(job, "--failure-behavior", "maybe"),
        ExitCode.INPUT,
        "--failure-behavior",
        "maybe");
    // job run must refuse it before anything runs
    assertOneLineError(
        Cli.run(
            "job",
            "run",
            job.toString(),
            "--jwks-file",
            keys.publicJwks().toString(),
            "--failure-behavior",
            "maybe"),
        ExitCode.INPUT,
        "--failure-behavior");
  }

  // ---- keys ----

  static Stream<Arguments> badKeyFiles() {
    return Stream.of(
        Arguments.of(
            "truncated",
            (Function<String, String>) jwks -> jwks.substring(0, jwks.indexOf("\"d\":") + 20),
            "line 1"),
        Arguments.of(
            "d not quoted",
            (Function<String, String>) jwks -> jwks.replaceAll("\"d\":\"([^\"]*)\"", "\"d\":$1"),
            "line 1"),
        Arguments.of(
            "d in an array",
            (Function<String, String>) jwks -> jwks.replaceAll("\"d\":\"([^\"]*)\"", "\"d\":[$1]"),
            "line 1"),
        Arguments.of(
            "duplicate d",
            (Function<String, String>)
                jwks -> jwks.replaceAll("\"d\":\"([^\"]*)\"", "\"d\":\"$1\",\"d\":\"$1\""),
            "\"d\""),
        Arguments.of("empty", (Function<String, String>) jwks -> "", "empty"),
        Arguments.of(
            "HS256 private key",
            (Function<String, String>)
                jwks ->
                    "{\"keys\":[{\"kty\":\"oct\",\"alg\":\"HS256\",\"kid\":\"k\",\"k\":\""
                        + B64.encodeToString(privateD.getBytes(StandardCharsets.UTF_8))
                        + "\"}]}",
            "HS256"),
        Arguments.of(
            "alg none",
            (Function<String, String>)
                jwks -> jwks.replace("\"alg\":\"EdDSA\"", "\"alg\":\"none\""),
            "none"),
        Arguments.of(
            "no alg",
            (Function<String, String>) jwks -> jwks.replace("\"alg\":\"EdDSA\",", ""),
            "alg"),
        Arguments.of(
            "d of another key",
            (Function<String, String>)
                jwks -> jwks.replace(privateD, B64.encodeToString(new byte[32])),
            "does not match"),
        Arguments.of("not a JWKS", (Function<String, String>) jwks -> "[1, 2, 3]", "JWKS"));
  }

  @ParameterizedTest(name = "signing key: {0}")
  @MethodSource("badKeyFiles")
  void pipelineSignRefusesABadKeyFile(String name, Function<String, String> corrupt, String detail)
      throws IOException {
    Path key =
        Fixtures.write(
            dir, "bad-key.json", corrupt.apply(Fixtures.read(keys.privateJwks()).strip()));
    Path in = Fixtures.write(dir, "p.yml", PIPELINE);
    Path out = dir.resolve("signed.yml");
    Cli r =
        Cli.run(
            "pipeline",
            "sign",
            in.toString(),
            "--jwks-file",
            key.toString(),
            "--repo",
            REPO,
            "--output",
            out.toString());
    assertOneLineError(r, ExitCode.KEY, key.toString(), detail);
    assertThat(out).doesNotExist();
  }

  @Test
  void rs256KeysAreRefusedForSigning() {
    Fixtures.Keys rsa = Fixtures.keygen(dir, "rsa", "PS512");
    String jwks =
        Fixtures.read(rsa.privateJwks()).replace("\"alg\":\"PS512\"", "\"alg\":\"RS256\"");
    Path key = Fixtures.write(dir, "rs256.json", jwks);
    Path in = Fixtures.write(dir, "p.yml", PIPELINE);
    Cli r =
        Cli.run("pipeline", "sign", in.toString(), "--jwks-file", key.toString(), "--repo", REPO);
    assertOneLineError(r, ExitCode.KEY, key.toString(), "RS256");
    assertThat(r.err())
        .doesNotContain(
            privateMember(rsa.privateJwks(), "d"), privateMember(rsa.privateJwks(), "p"));
  }

  @Test
  void aPublicKeyCannotSign() {
    Path in = Fixtures.write(dir, "p.yml", PIPELINE);
    Cli r =
        Cli.run(
            "pipeline",
            "sign",
            in.toString(),
            "--jwks-file",
            keys.publicJwks().toString(),
            "--repo",
            REPO);
    assertOneLineError(r, ExitCode.KEY, keys.publicJwks().toString(), "public key");
  }

  @Test
  void keyFileMissingOrADirectory() {
    Path in = Fixtures.write(dir, "p.yml", PIPELINE);
    Path missing = dir.resolve("nope.json");
    assertOneLineError(
        Cli.run(
            "pipeline", "sign", in.toString(), "--jwks-file", missing.toString(), "--repo", REPO),
        ExitCode.KEY,
        missing.toString(),
        "no such file");
    assertOneLineError(
        Cli.run("pipeline", "sign", in.toString(), "--jwks-file", dir.toString(), "--repo", REPO),
        ExitCode.KEY,
        dir.toString(),
        "is a directory");
    assertOneLineError(verifyJobWith(missing, job), ExitCode.KEY, missing.toString());
    assertOneLineError(
        Cli.run("pipeline", "verify", in.toString(), "--jwks-file", dir.toString(), "--repo", REPO),
        ExitCode.KEY,
        dir.toString());
  }

  @Test
  void aTruncatedVerificationKeyFileIsAKeyError() {
    String pub = Fixtures.read(keys.publicJwks());
    Path key = Fixtures.write(dir, "pub-trunc.json", pub.substring(0, pub.length() / 2));
    assertOneLineError(verifyJobWith(key, job), ExitCode.KEY, key.toString(), "line 1");
  }

  @Test
  void aVerificationSetWithAnUnsupportedAlgorithmIsAKeyError() {
    Path key =
        Fixtures.write(
            dir,
            "pub-rs.json",
            Fixtures.read(keys.publicJwks()).replace("\"alg\":\"EdDSA\"", "\"alg\":\"RS1\""));
    assertOneLineError(verifyJobWith(key, job), ExitCode.KEY, key.toString(), "RS1");
  }

  // ---- job files ----

  static Stream<Arguments> badJobs() {
    return Stream.of(
        Arguments.of("malformed JSON", "{\"id\": \"x\", \"env\": {", "line 1"),
        Arguments.of(
            "nested 10,000 deep",
            "{\"id\":\"x\",\"env\":{},\"step\":{\"command\":\"echo\",\"env\":{\"X\":"
                + "[".repeat(10_000)
                + "]".repeat(10_000)
                + "}}}",
            "nested deeper than 64 levels"),
        Arguments.of(
            "duplicate members",
            "{\"id\":\"x\",\"env\":{\"A\":\"1\",\"A\":\"2\"},\"step\":{\"command\":\"echo\"}}",
            "\"A\""),
        Arguments.of(
            "env value not a string",
            "{\"id\":\"x\",\"env\":{\"API_TOKEN\":42},\"step\":{\"command\":\"echo\"}}",
            "env.API_TOKEN"),
        Arguments.of(
            "env value not quoted",
            "{\"id\":\"x\",\"env\":{\"API_TOKEN\":" + SECRET + "},\"step\":{\"command\":\"echo\"}}",
            "line 1"),
        Arguments.of("no step", "{\"id\":\"x\",\"env\":{}}", "step"),
        Arguments.of(
            "step not a command step",
            "{\"id\":\"x\",\"env\":{},\"step\":{\"wait\":null}}",
            "step"),
        Arguments.of(
            "signature not an object",
            "{\"id\":\"x\",\"env\":{},\"step\":{\"command\":\"echo\",\"signature\":\"abc\"}}",
            "signature"),
        Arguments.of("an array", "[]", "object"),
        Arguments.of(
            "trailing data", "{\"id\":\"x\",\"step\":{\"command\":\"echo\"}} {}", "line 1"));
  }

  @ParameterizedTest(name = "job verify: {0}")
  @MethodSource("badJobs")
  void jobVerifyRefusesABadJobFile(String name, String json, String place) {
    Path f = Fixtures.write(dir, "job.json", json);
    assertOneLineError(verifyJob(f), ExitCode.INPUT, f.toString(), place);
  }

  @ParameterizedTest(name = "job run: {0}")
  @MethodSource("badJobs")
  void jobRunRefusesABadJobFile(String name, String json, String place) {
    Path f = Fixtures.write(dir, "job.json", json);
    Cli r = Cli.run("job", "run", f.toString(), "--jwks-file", keys.publicJwks().toString());
    assertOneLineError(r, ExitCode.INPUT, f.toString(), place);
  }

  @Test
  void jobFileMissingInvalidUtf8OrHuge() throws IOException {
    Path missing = dir.resolve("missing.json");
    assertOneLineError(verifyJob(missing), ExitCode.INPUT, missing.toString(), "no such file");
    Path latin1 =
        Files.write(
            dir.resolve("latin1.json"),
            "{\"id\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1));
    assertOneLineError(
        verifyJob(latin1), ExitCode.INPUT, latin1.toString(), "byte 10", "invalid UTF-8");
    Path big = dir.resolve("big.json");
    try (OutputStream out = Files.newOutputStream(big)) {
      byte[] chunk = new byte[1 << 20];
      java.util.Arrays.fill(chunk, (byte) ' ');
      for (int i = 0; i < 50; i++) {
        out.write(chunk);
      }
    }
    assertOneLineError(verifyJob(big), ExitCode.INPUT, big.toString(), "larger than");
    assertOneLineError(verifyJob(dir), ExitCode.INPUT, dir.toString(), "is a directory");
  }

  // ---- JWS attacks: refused (exit 1) with --explain naming the reason ----

  private Path withSignature(String algorithm, String value) {
    String json = Fixtures.edit(Fixtures.read(job), "step.signature.value", value);
    json = Fixtures.edit(json, "step.signature.algorithm", algorithm);
    return Fixtures.write(dir, "attack.json", json);
  }

  private static String header(String json) {
    return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private String originalValue() {
    return Fixtures.get(Fixtures.read(job), "step.signature.value");
  }

  private static void assertRefused(Cli r, String... why) {
    assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.REFUSED);
    assertThat(r.out()).isEmpty();
    List<String> lines = r.errLines();
    assertThat(lines.getFirst()).isEqualTo("+++ ⛔ Job signature verification failed");
    assertThat(lines.get(1)).isEqualTo("error: invalid signature: signature verification failed");
    assertThat(lines.get(2)).isEqualTo("check: invalid signature");
    assertThat(lines.getLast()).startsWith("why: ").contains(why);
    assertClean(r);
  }

  @Test
  void algNoneIsRefused() {
    String sig = originalValue().split("\\.\\.")[1];
    assertRefused(
        verifyJob(
            withSignature("none", header("{\"alg\":\"none\",\"kid\":\"k\"}") + ".." + sig),
            "--explain"),
        "\"none\"");
    assertRefused(
        verifyJob(
            withSignature("EdDSA", header("{\"alg\":\"none\",\"kid\":\"k\"}") + ".." + sig),
            "--explain"),
        "\"none\"");
  }

  @Test
  void hs256SignedWithThePublicKeyAsSecretIsRefused() throws Exception {
    // The classic algorithm-confusion attack: HMAC over the real payload, keyed with the
    // verifier's Ed25519 public key bytes, which an attacker knows.
    Job parsed = JobJson.parse(Fixtures.read(job), "job", InputLimits.DEFAULT);
    byte[] payload =
        CanonicalPayload.of(
            "HS256",
            SignedFields.forVerification(
                parsed.step(), parsed.step().signature().signedFields(), parsed.env(), REPO));
    String h = header("{\"alg\":\"HS256\",\"kid\":\"k\"}");
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(
        new SecretKeySpec(
            Base64.getUrlDecoder().decode(privateMember(keys.publicJwks(), "x")), "HmacSHA256"));
    byte[] tag =
        mac.doFinal((h + "." + B64.encodeToString(payload)).getBytes(StandardCharsets.US_ASCII));
    Cli r = verifyJob(withSignature("HS256", h + ".." + B64.encodeToString(tag)), "--explain");
    assertRefused(r, "HS256");
  }

  @Test
  void aSignatureWithoutKidIsRefused() {
    // A genuine signature by the right key, but with no kid in the header: a JWKS needs one.
    String jwks = Fixtures.read(keys.privateJwks()).replace("\"kid\":\"k\",", "");
    Path noKid = Fixtures.write(dir, "nokid.json", jwks);
    Path in = Fixtures.write(dir, "p.yml", "steps:\n  - command: echo hi\n");
    Path signed = dir.resolve("signed.yml");
    assertThat(
            Cli.run(
                    "pipeline",
                    "sign",
                    in.toString(),
                    "--jwks-file",
                    noKid.toString(),
                    "--repo",
                    REPO,
                    "--output",
                    signed.toString())
                .exitCode())
        .isZero();
    Path j = Fixtures.jobs(dir, signed).getFirst();
    String value = Fixtures.get(Fixtures.read(j), "step.signature.value");
    assertThat(
            new String(
                Base64.getUrlDecoder().decode(value.split("\\.")[0]), StandardCharsets.UTF_8))
        .isEqualTo("{\"alg\":\"EdDSA\"}");
    assertRefused(verifyJob(j, "--explain"), "kid");
  }

  @Test
  void anUnknownKidIsRefused() {
    String sig = originalValue().split("\\.\\.")[1];
    assertRefused(
        verifyJob(
            withSignature(
                "EdDSA", header("{\"alg\":\"EdDSA\",\"kid\":\"someone-else\"}") + ".." + sig),
            "--explain"),
        "\"someone-else\"");
  }

  @Test
  void aTruncatedValueIsRefused() {
    String v = originalValue();
    assertRefused(
        verifyJob(withSignature("EdDSA", v.substring(0, v.length() - 10)), "--explain"),
        "signature");
    assertRefused(
        verifyJob(withSignature("EdDSA", v.substring(0, v.indexOf("..") + 1)), "--explain"), "JWS");
    assertRefused(verifyJob(withSignature("EdDSA", v.substring(0, 12)), "--explain"), "JWS");
    assertRefused(verifyJob(withSignature("EdDSA", ""), "--explain"), "JWS");
  }

  @Test
  void aNonDetachedValueIsRefused() {
    String[] parts = originalValue().split("\\.\\.");
    String attached =
        parts[0]
            + "."
            + B64.encodeToString(
                "{\"alg\":\"EdDSA\",\"values\":{}}".getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[1];
    assertRefused(verifyJob(withSignature("EdDSA", attached), "--explain"), "detached");
  }

  @Test
  void aValueWithPaddingOrCritIsRefused() {
    String[] parts = originalValue().split("\\.\\.");
    assertRefused(
        verifyJob(withSignature("EdDSA", parts[0] + ".." + parts[1] + "=="), "--explain"),
        "base64url");
    String crit = header("{\"alg\":\"EdDSA\",\"kid\":\"k\",\"crit\":[\"b64\"],\"b64\":false}");
    assertRefused(verifyJob(withSignature("EdDSA", crit + ".." + parts[1]), "--explain"), "crit");
  }

  @Test
  void refusalsWithoutExplainAreTheAgentLinesOnly() {
    String sig = originalValue().split("\\.\\.")[1];
    Cli r = verifyJob(withSignature("none", header("{\"alg\":\"none\"}") + ".." + sig));
    assertThat(r.exitCode()).isEqualTo(ExitCode.REFUSED);
    assertThat(r.errLines())
        .containsExactly(
            "+++ ⛔ Job signature verification failed",
            "error: invalid signature: signature verification failed");
    assertThat(r.out()).isEmpty();
  }
}
