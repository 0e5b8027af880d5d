package dev.signet.cli;

import dev.signet.keys.VerificationKeys;
import dev.signet.pipeline.CommandStep;
import dev.signet.pipeline.GroupStep;
import dev.signet.pipeline.Pipeline;
import dev.signet.pipeline.Step;
import dev.signet.pipeline.UnknownStep;
import dev.signet.signing.StepVerificationException;
import dev.signet.signing.StepVerifier;
import dev.signet.signing.VerifiedStep;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description =
        "Check every signed step of a stored pipeline (drift detection): each command step is listed as verified, unsigned or invalid, and steps of unknown type are listed too. Exits 1 unless every command step verifies and every step has a known type.")
final class PipelineVerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "FILE",
      description = "Signed pipeline YAML or JSON; - for stdin")
  String file;

  @Option(
      names = "--jwks-file",
      defaultValue = "${env:BUILDKITE_AGENT_VERIFICATION_JWKS_FILE}",
      description = "Public JWKS [env: BUILDKITE_AGENT_VERIFICATION_JWKS_FILE]")
  String jwksFile;

  @Option(
      names = "--repo",
      defaultValue = "${env:BUILDKITE_REPO}",
      description = "Repository URL the pipeline runs against [env: BUILDKITE_REPO]")
  String repo;

  private int verified;
  private int unsigned;
  private int invalid;
  private int unknown;

  @Override
  public Integer call() throws Exception {
    if (repo == null) {
      throw new UsageException("--repo is required: the repository URL is part of every signature");
    }
    VerificationKeys keys =
        KeyFiles.loadForVerification(jwksFile, "--jwks-file", spec.commandLine().getErr());
    PipelineInput input = PipelineInput.read(file);
    List<Pipeline> docs = input.parseAll();
    PrintWriter out = spec.commandLine().getOut();
    for (int d = 0; d < docs.size(); d++) {
      String prefix = docs.size() > 1 ? "document " + (d + 1) + ": " : "";
      Pipeline p = docs.get(d);
      walk(p.steps(), prefix + "steps", p, keys, out);
    }
    out.printf(
        java.util.Locale.ROOT,
        "%d verified, %d unsigned, %d invalid%s%n",
        verified,
        unsigned,
        invalid,
        unknown == 0 ? "" : ", " + unknown + " of unknown type");
    out.flush();
    return unsigned + invalid + unknown == 0 ? ExitCode.OK : ExitCode.REFUSED;
  }

  private void walk(
      List<Step> steps, String path, Pipeline p, VerificationKeys keys, PrintWriter out) {
    for (int i = 0; i < steps.size(); i++) {
      String here = path + "[" + i + "]";
      switch (steps.get(i)) {
        case GroupStep g -> walk(g.steps(), here + ".steps", p, keys, out);
        case CommandStep c -> out.println(here + " " + name(c) + ": " + check(c, p, keys));
        // A step Signet cannot parse may be a command step to Buildkite; signing refuses such
        // pipelines, so a stored one cannot count as verified.
        case UnknownStep u -> {
          unknown++;
          out.println(
              here + " (" + u.where() + "): UNKNOWN step type: " + Main.oneLine(u.reason()));
        }
        default -> {}
      }
    }
  }

  private String check(CommandStep c, Pipeline p, VerificationKeys keys) {
    if (c.signature() == null) {
      unsigned++;
      return "UNSIGNED";
    }
    try {
      // A stored pipeline is checked against its own env: env:: fields must still match it.
      VerifiedStep v = StepVerifier.verify(c, p.env(), repo, keys);
      verified++;
      return "verified ("
          + v.algorithm()
          + (v.keyId() == null ? "" : ", key \"" + v.keyId() + "\"")
          + ")";
    } catch (StepVerificationException e) {
      invalid++;
      return "INVALID: " + Main.oneLine(e.detail());
    }
  }

  private static String name(CommandStep c) {
    String n =
        c.key() != null
            ? c.key()
            : c.label() != null ? c.label() : c.command().lines().findFirst().orElse("");
    return n.length() > 40 ? "\"" + n.substring(0, 39) + "…\"" : "\"" + n + "\"";
  }
}
