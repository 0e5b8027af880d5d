package dev.signet.job;

import dev.signet.pipeline.CommandStep;
import dev.signet.signing.VerifiedStep;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@link JobVerifier} decided about one job. Every verdict says whether the job may run; a
 * failure also says which check failed, on which field, and why (for {@code --explain}), and
 * carries the agent's terse line. Details never contain env values, which may be secrets.
 */
public sealed interface JobVerdict {
  /** Whether the agent would run the job. */
  boolean mayRun();

  /**
   * The step that will run: after matrix substitution when that could be done, else null (a job
   * that fails before or during the matrix check).
   */
  @Nullable CommandStep step();

  /**
   * The signature verified and the job matches the signed step.
   *
   * @param signature who signed and which fields
   * @param step the step after matrix substitution
   */
  record Verified(VerifiedStep signature, CommandStep step) implements JobVerdict {
    public Verified {
      Objects.requireNonNull(signature, "signature");
      Objects.requireNonNull(step, "step");
    }

    @Override
    public boolean mayRun() {
      return true;
    }
  }

  /**
   * No verification key is configured and the step has no signature: the agent runs the job without
   * any check (spec §6.1).
   *
   * @param step the step as received (no matrix substitution is attempted without a signature)
   */
  record NotChecked(CommandStep step) implements JobVerdict {
    public NotChecked {
      Objects.requireNonNull(step, "step");
    }

    @Override
    public boolean mayRun() {
      return true;
    }
  }

  /**
   * A check failed. With {@link JobVerifier.FailureBehavior#WARN} the job still runs, unverified.
   *
   * @param check which check failed
   * @param behavior the configured failure behaviour, which decides {@link #mayRun()}
   * @param field the signed field involved, when one can be named ({@code command}, {@code env},
   *     {@code env::DEPLOY}, {@code plugins}, {@code matrix}, ...)
   * @param detail a one-line explanation for {@code --explain}, naming variables, never values
   * @param step the step after matrix substitution, when the failure came after it
   */
  record Failed(
      Check check,
      JobVerifier.FailureBehavior behavior,
      @Nullable String field,
      String detail,
      @Nullable CommandStep step)
      implements JobVerdict {
    public Failed {
      Objects.requireNonNull(check, "check");
      Objects.requireNonNull(behavior, "behavior");
      Objects.requireNonNull(detail, "detail");
    }

    @Override
    public boolean mayRun() {
      return behavior == JobVerifier.FailureBehavior.WARN;
    }

    /** The error line the agent logs for this failure (after {@code error: }). */
    public String agentLine() {
      return check.agentLine();
    }
  }

  /** The checks of spec §6, as the agent reports them. */
  enum Check {
    /** A key is configured but the step has no signature ({@code ErrNoSignature}). */
    NO_SIGNATURE("job had no signature to verify"),
    /** The step is signed but no verification key is configured. */
    NO_VERIFICATION_KEY("cannot verify signature. JWK for pipeline verification is not configured"),
    /** The signature or its field list did not verify ({@code ErrVerificationFailed}). */
    INVALID_SIGNATURE("invalid signature: signature verification failed"),
    /**
     * The job differs from the verified step, or its permutation is invalid ({@code
     * ErrInvalidJob}).
     */
    JOB_MISMATCH("invalid signature: job does not match signed step");

    private final String agentLine;

    Check(String agentLine) {
      this.agentLine = agentLine;
    }

    /** The agent's error line for this check. */
    public String agentLine() {
      return agentLine;
    }
  }
}
