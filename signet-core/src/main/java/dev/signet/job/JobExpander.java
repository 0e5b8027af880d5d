package dev.signet.job;

import dev.signet.json.JsonObject;
import dev.signet.json.JsonWriter;
import dev.signet.pipeline.CommandStep;
import dev.signet.pipeline.GroupStep;
import dev.signet.pipeline.InputStep;
import dev.signet.pipeline.Pipeline;
import dev.signet.pipeline.Step;
import dev.signet.pipeline.StepJson;
import dev.signet.pipeline.TriggerStep;
import dev.signet.pipeline.UnknownStep;
import dev.signet.pipeline.WaitStep;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.UUID;

/**
 * Does what a control plane does with an uploaded pipeline ({@code signet pipeline jobs}): one
 * {@link Job} per command step (groups included) and per valid matrix permutation, with the env an
 * agent would receive. It lets a signed pipeline be checked end to end without Buildkite.
 *
 * <p>The job env is built in this order, later entries winning: the pipeline env; the step env
 * after matrix substitution (spec §2.5: step env overrides pipeline env); {@code
 * BUILDKITE_COMMAND}, {@code BUILDKITE_PLUGINS} and {@code BUILDKITE_REPO}; then the extra env.
 * {@code BUILDKITE_PLUGINS} is the compact one-key JSON of the post-matrix plugins, and absent when
 * there are none, which the agent reads as {@code ""} (spec §6 step 2.4).
 *
 * <p>Job IDs are name-based UUIDs of the step path and permutation, so output is reproducible.
 */
public final class JobExpander {
  private JobExpander() {}

  /**
   * Expands the pipeline's command steps into the jobs an agent would receive.
   *
   * @param repositoryUrl the value of {@code BUILDKITE_REPO}
   * @param extraEnv variables added last ({@code --env NAME=VALUE}), overriding everything
   * @throws JobExpansionException for an unknown step, an unusable matrix, or a matrix token the
   *     permutation cannot fill
   */
  public static List<Job> expand(
      Pipeline pipeline, String repositoryUrl, Map<String, String> extraEnv)
      throws JobExpansionException {
    List<Job> jobs = new ArrayList<>();
    expandAll(pipeline.steps(), "steps", pipeline, repositoryUrl, extraEnv, jobs);
    return List.copyOf(jobs);
  }

  /**
   * The jobs of a multi-document upload, each document expanded on its own. With more than one
   * document, step paths (and so job IDs) are prefixed {@code documents[N].}, so that the first
   * step of two documents never shares an ID.
   */
  public static List<Job> expand(
      List<Pipeline> documents, String repositoryUrl, Map<String, String> extraEnv)
      throws JobExpansionException {
    if (documents.size() == 1) {
      return expand(documents.getFirst(), repositoryUrl, extraEnv);
    }
    List<Job> jobs = new ArrayList<>();
    for (int d = 0; d < documents.size(); d++) {
      Pipeline p = documents.get(d);
      expandAll(p.steps(), "documents[" + d + "].steps", p, repositoryUrl, extraEnv, jobs);
    }
    return List.copyOf(jobs);
  }

  private static void expandAll(
      List<Step> steps,
      String prefix,
      Pipeline pipeline,
      String repositoryUrl,
      Map<String, String> extraEnv,
      List<Job> jobs)
      throws JobExpansionException {
    for (int i = 0; i < steps.size(); i++) {
      String path = prefix + "[" + i + "]";
      switch (steps.get(i)) {
        case CommandStep c -> expandStep(c, path, pipeline, repositoryUrl, extraEnv, jobs);
        case GroupStep g ->
            expandAll(g.steps(), path + ".steps", pipeline, repositoryUrl, extraEnv, jobs);
        case WaitStep _ -> {}
        case InputStep _ -> {}
        case TriggerStep _ -> {}
        case UnknownStep u ->
            throw new JobExpansionException(path, "step of unknown type: " + u.reason());
      }
    }
  }

  private static void expandStep(
      CommandStep step,
      String path,
      Pipeline pipeline,
      String repositoryUrl,
      Map<String, String> extraEnv,
      List<Job> jobs)
      throws JobExpansionException {
    List<SequencedMap<String, String>> permutations;
    try {
      permutations = MatrixPermutations.enumerate(step.matrix());
    } catch (MatrixException e) {
      throw new JobExpansionException(path, "invalid matrix: " + e.getMessage(), e);
    }
    for (SequencedMap<String, String> permutation : permutations) {
      CommandStep post;
      try {
        post = permutation.isEmpty() ? step : MatrixInterpolation.apply(step, permutation);
      } catch (MatrixException e) {
        throw new JobExpansionException(path, e.getMessage(), e);
      }
      SequencedMap<String, String> env = new LinkedHashMap<>(pipeline.env());
      env.putAll(post.env());
      env.put(JobVerifier.COMMAND, post.command());
      if (post.plugins().isEmpty()) {
        env.remove(JobVerifier.PLUGINS);
      } else {
        env.put(JobVerifier.PLUGINS, JsonWriter.compact(StepJson.plugins(post.plugins())));
      }
      env.put(JobVerifier.REPO, repositoryUrl);
      env.putAll(extraEnv);
      jobs.add(new Job(jobId(path, permutation), env, step, permutation));
    }
  }

  private static String jobId(String path, Map<String, String> permutation) {
    JsonObject.Builder p = JsonObject.builder();
    permutation.forEach(p::put);
    String name = "signet-job\n" + path + "\n" + JsonWriter.compact(p.build());
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
