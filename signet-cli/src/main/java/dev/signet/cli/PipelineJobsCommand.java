package dev.signet.cli;

import dev.signet.input.InputException;
import dev.signet.job.Job;
import dev.signet.job.JobExpander;
import dev.signet.job.JobExpansionException;
import dev.signet.job.JobJson;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonValue;
import dev.signet.json.JsonWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "jobs",
    mixinStandardHelpOptions = true,
    description =
        "Print, as a JSON array, the jobs a control plane creates from a signed pipeline: one per command step and matrix permutation, each {id, env, step, matrix_permutation} as an agent receives it.")
final class PipelineJobsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "FILE",
      description = "Signed pipeline YAML or JSON; - for stdin")
  String file;

  @Option(
      names = "--repo",
      defaultValue = "${env:BUILDKITE_REPO}",
      description = "Repository URL (becomes BUILDKITE_REPO) [env: BUILDKITE_REPO]")
  String repo;

  @Option(
      names = "--env",
      paramLabel = "NAME=VALUE",
      description = "Extra job env, applied last; repeatable")
  List<String> env = new ArrayList<>();

  @Option(
      names = "--output",
      paramLabel = "FILE",
      description = "Write here (atomically) instead of stdout")
  Path output;

  @Override
  public Integer call() throws Exception {
    if (repo == null) {
      throw new UsageException("--repo is required: jobs carry it as BUILDKITE_REPO");
    }
    Map<String, String> extra = new LinkedHashMap<>();
    for (String kv : env) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new UsageException("--env " + kv.split("=", 2)[0] + ": expected NAME=VALUE");
      }
      extra.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    List<JsonValue> jobs = new ArrayList<>();
    PipelineInput input = PipelineInput.read(file);
    try {
      for (Job j : JobExpander.expand(input.parseAll(), repo, extra)) {
        jobs.add(JobJson.toJson(j));
      }
    } catch (JobExpansionException e) {
      // The expander names the step but does not know the file.
      throw new InputException(input.source(), null, e.getMessage(), e);
    }
    String text = JsonWriter.pretty(new JsonArray(jobs)) + "\n";
    CommandOutput.write(spec, output, text);
    return ExitCode.OK;
  }
}
