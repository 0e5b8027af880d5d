package dev.signet.job;

import dev.signet.pipeline.CommandStep;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.SequencedMap;

/**
 * One job as a control plane hands it to an agent (spec §1.2, §6).
 *
 * @param id the job ID
 * @param env the job env: pipeline env, step env, {@code BUILDKITE_*} variables
 * @param step the step as signed and stored: before matrix expansion, carrying its signature
 * @param matrixPermutation the job's matrix combination, dimension to value ({@code ""} is the
 *     anonymous dimension); empty for a step without a matrix
 */
public record Job(
    String id,
    SequencedMap<String, String> env,
    CommandStep step,
    SequencedMap<String, String> matrixPermutation) {
  public Job {
    Objects.requireNonNull(id, "id");
    env = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(env));
    Objects.requireNonNull(step, "step");
    matrixPermutation =
        Collections.unmodifiableSequencedMap(new LinkedHashMap<>(matrixPermutation));
  }
}
