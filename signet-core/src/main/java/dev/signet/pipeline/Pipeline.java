package dev.signet.pipeline;

import dev.signet.json.JsonObject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.SequencedMap;
import org.jspecify.annotations.Nullable;

/**
 * A parsed pipeline document (spec §2.2).
 *
 * @param steps the steps in order
 * @param env the pipeline env, in order (order matters for interpolation)
 * @param secrets pipeline-level secrets
 * @param checkout pipeline-level checkout settings, null when absent
 * @param remaining other top-level keys, in input order, written back unchanged
 * @param bareList true when the document was a bare list of steps (legacy form)
 */
public record Pipeline(
    List<Step> steps,
    SequencedMap<String, String> env,
    List<Secret> secrets,
    @Nullable Checkout checkout,
    JsonObject remaining,
    boolean bareList) {

  public Pipeline {
    steps = List.copyOf(steps);
    env = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(env));
    secrets = List.copyOf(secrets);
    Objects.requireNonNull(remaining, "remaining");
  }

  public Pipeline withSteps(List<Step> newSteps) {
    return new Pipeline(newSteps, env, secrets, checkout, remaining, bareList);
  }
}
