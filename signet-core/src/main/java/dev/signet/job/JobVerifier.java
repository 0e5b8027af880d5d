package dev.signet.job;

import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.json.Jcs;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonValue;
import dev.signet.keys.VerificationKeys;
import dev.signet.pipeline.CommandStep;
import dev.signet.pipeline.StepJson;
import dev.signet.pipeline.StepSignature;
import dev.signet.signing.StepVerificationException;
import dev.signet.signing.StepVerifier;
import dev.signet.signing.VerifiedStep;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether an agent may run a job (spec §6, all of it): the step's signature must verify
 * against the job env and {@code BUILDKITE_REPO}, the job's matrix permutation must be one the
 * signed matrix allows, and what the job will actually run ({@code BUILDKITE_COMMAND}, the env,
 * {@code BUILDKITE_PLUGINS}) must equal the signed step after matrix substitution (spec §10.5).
 *
 * <p>Thread-safe and stateless apart from its configuration.
 */
public final class JobVerifier {
  /** What to do when a check fails ({@code verification-failure-behavior}). */
  public enum FailureBehavior {
    /** Refuse the job (exit -1, signal reason {@code signature_rejected}). The default. */
    BLOCK,
    /** Log a warning and run the job without verification. */
    WARN
  }

  static final String REPO = "BUILDKITE_REPO";
  static final String COMMAND = "BUILDKITE_COMMAND";
  static final String PLUGINS = "BUILDKITE_PLUGINS";

  private static final JsonReader PLUGINS_READER =
      new JsonReader(new InputLimits(InputLimits.MAX_JOB_PLUGINS_BYTES, 0, 64, 1, 1));

  private final @Nullable VerificationKeys keys;
  private final FailureBehavior behavior;

  /**
   * @param keys the agent's verification keys; null when none is configured
   * @param behavior what a failed check does
   */
  public JobVerifier(@Nullable VerificationKeys keys, FailureBehavior behavior) {
    this.keys = keys;
    this.behavior = Objects.requireNonNull(behavior, "behavior");
  }

  /** Runs every check of spec §6 on {@code job}, in the agent's order. */
  public JobVerdict verify(Job job) {
    CommandStep step = job.step();
    StepSignature sig = step.signature();
    if (keys == null) {
      if (sig == null) {
        return new JobVerdict.NotChecked(step);
      }
      return fail(
          JobVerdict.Check.NO_VERIFICATION_KEY,
          null,
          "the step is signed but no verification key is configured",
          null);
    }
    if (sig == null) {
      return fail(JobVerdict.Check.NO_SIGNATURE, null, "the step has no signature", null);
    }

    // 2.2: the signature, over the pre-matrix step, with pipeline values from the job env.
    VerifiedStep verified;
    try {
      verified = StepVerifier.verify(step, job.env(), job.env().getOrDefault(REPO, ""), keys);
    } catch (StepVerificationException e) {
      return fail(JobVerdict.Check.INVALID_SIGNATURE, e.field(), e.detail(), null);
    }

    // 2.3: the permutation must be one the signed matrix allows; only then is it substituted.
    CommandStep post;
    try {
      MatrixPermutations.validate(step.matrix(), job.matrixPermutation());
      post =
          job.matrixPermutation().isEmpty()
              ? step
              : MatrixInterpolation.apply(step, job.matrixPermutation());
    } catch (MatrixException e) {
      return fail(JobVerdict.Check.JOB_MISMATCH, "matrix", e.getMessage(), null);
    }

    // 2.4: what the job runs must be what was signed.
    for (String field : sig.signedFields()) {
      String mismatch = mismatch(field, post, job.env());
      if (mismatch != null) {
        return fail(JobVerdict.Check.JOB_MISMATCH, field, mismatch, post);
      }
    }
    return new JobVerdict.Verified(verified, post);
  }

  /** Why the job differs from the post-matrix step on {@code field}, or null when it does not. */
  private static @Nullable String mismatch(
      String field, CommandStep post, Map<String, String> env) {
    return switch (field) {
      case "command" ->
          post.command().equals(env.getOrDefault(COMMAND, ""))
              ? null
              : COMMAND + " differs from the signed command";
      case "env" -> envMismatch(post, env);
      case "plugins" -> pluginsMismatch(post, env);
      // Nothing more to compare: the matrix is checked through the permutation, the repository
      // through the signature, and secrets are read from the job's step, which is the signed step
      // (spec §6 step 2.4). Spec §6 lists no rule for checkout (signed since 2026); it is read
      // from the step like secrets, so it gets the same treatment rather than failing every step
      // that has checkout settings (derived example D2 expects such a job to pass).
      case "matrix", "repository_url", "secrets", "checkout" -> null;
      default -> {
        if (field.startsWith("env::")) {
          String name = field.substring("env::".length());
          yield env.containsKey(name) ? null : "variable " + name + " is missing from the job env";
        }
        yield "the signature covers field " + field + ", which the agent cannot check";
      }
    };
  }

  private static @Nullable String envMismatch(CommandStep post, Map<String, String> env) {
    for (Map.Entry<String, String> e : post.env().entrySet()) {
      String value = env.get(e.getKey());
      if (value == null) {
        return "step env variable " + e.getKey() + " is missing from the job env";
      }
      if (!value.equals(e.getValue())) {
        return "job env variable " + e.getKey() + " differs from the signed step env";
      }
    }
    return null;
  }

  private static @Nullable String pluginsMismatch(CommandStep post, Map<String, String> env) {
    String jobPlugins = env.getOrDefault(PLUGINS, "");
    boolean stepEmpty = post.plugins().isEmpty();
    boolean jobEmpty = jobPlugins.isEmpty() || jobPlugins.equals("null") || jobPlugins.equals("[]");
    if (stepEmpty || jobEmpty) {
      if (stepEmpty && jobEmpty) {
        return null;
      }
      return stepEmpty
          ? PLUGINS + " lists plugins but the signed step has none"
          : "the signed step has plugins but " + PLUGINS + " is empty";
    }
    // Compared semantically: the backend may reorder keys or reformat numbers (spec §10.6).
    JsonValue parsed;
    try {
      parsed = PLUGINS_READER.parse(jobPlugins, PLUGINS);
    } catch (InputException e) {
      return PLUGINS + " is not valid JSON";
    }
    byte[] signed = Jcs.canonicalize(StepJson.plugins(post.plugins()));
    return java.security.MessageDigest.isEqual(signed, Jcs.canonicalize(parsed))
        ? null
        : PLUGINS + " differs from the signed plugins";
  }

  private JobVerdict fail(
      JobVerdict.Check check, @Nullable String field, String detail, @Nullable CommandStep step) {
    return new JobVerdict.Failed(check, behavior, field, detail, step);
  }
}
