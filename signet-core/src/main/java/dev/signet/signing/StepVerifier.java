package dev.signet.signing;

import dev.signet.jws.DetachedJws;
import dev.signet.jws.SignatureVerificationException;
import dev.signet.jws.VerifiedJws;
import dev.signet.keys.VerificationKeys;
import dev.signet.pipeline.CommandStep;
import dev.signet.pipeline.StepSignature;
import java.util.Map;

/**
 * Verifies one step's signature (spec §6 step 2.2, Buildkite's {@code signature.Verify}): the
 * values are recomputed from the step as received (before matrix expansion) and an outer env, the
 * canonical payload is built with {@code alg = signature.algorithm}, and the detached JWS is
 * checked against a key chosen by {@link VerificationKeys}.
 *
 * <p>This checks the signature only. Whether a job is consistent with the verified step (command,
 * env, plugins, matrix permutation) is {@code dev.signet.job.JobVerifier}'s part.
 */
public final class StepVerifier {
  private StepVerifier() {}

  /**
   * Verifies one step's signature against the trusted keys.
   *
   * @param outerEnv the job env when verifying a job: {@code env::NAME} values come from here
   * @param repositoryUrl the {@code repository_url} value ({@code BUILDKITE_REPO} of the job)
   */
  public static VerifiedStep verify(
      CommandStep step, Map<String, String> outerEnv, String repositoryUrl, VerificationKeys keys)
      throws StepVerificationException {
    StepSignature sig = step.signature();
    if (sig == null) {
      throw new StepVerificationException(
          StepVerificationException.Reason.NO_SIGNATURE, null, "the step has no signature");
    }
    SignedFields fields;
    try {
      fields = SignedFields.forVerification(step, sig.signedFields(), outerEnv, repositoryUrl);
    } catch (SignedFieldsException e) {
      StepVerificationException.Reason reason =
          switch (e.reason()) {
            case NO_FIELDS -> StepVerificationException.Reason.NO_FIELDS;
            case UNKNOWN_FIELD -> StepVerificationException.Reason.UNKNOWN_FIELD;
            case MISSING_VARIABLE -> StepVerificationException.Reason.MISSING_VARIABLE;
            case REQUIRED_FIELDS_MISSING ->
                StepVerificationException.Reason.REQUIRED_FIELDS_MISSING;
          };
      throw new StepVerificationException(
          reason, e.field().isEmpty() ? null : e.field(), e.getMessage());
    }
    byte[] payload = CanonicalPayload.of(sig.algorithm(), fields);
    VerifiedJws jws;
    try {
      jws = DetachedJws.verify(sig.value(), payload, keys);
    } catch (SignatureVerificationException e) {
      StepVerificationException.Reason reason =
          switch (e.reason()) {
            case MALFORMED, UNSUPPORTED_ALGORITHM, UNSUPPORTED_HEADER ->
                StepVerificationException.Reason.MALFORMED;
            case KEY_NOT_FOUND -> StepVerificationException.Reason.KEY_NOT_FOUND;
            case ALGORITHM_MISMATCH -> StepVerificationException.Reason.ALGORITHM_MISMATCH;
            case BAD_SIGNATURE -> StepVerificationException.Reason.BAD_SIGNATURE;
          };
      if (reason == StepVerificationException.Reason.BAD_SIGNATURE) {
        explainAlgorithm(sig); // only on the failure path: it parses the header a second time
      }
      throw new StepVerificationException(reason, null, e.getMessage());
    }
    // The payload already binds signature.algorithm (a different value cannot verify), but naming
    // the disagreement is a better explanation than "bad signature".
    if (!jws.algorithm().jwa().equals(sig.algorithm())) {
      throw new StepVerificationException(
          StepVerificationException.Reason.ALGORITHM_MISMATCH,
          null,
          "signature.algorithm differs from the JWS header's algorithm " + jws.algorithm());
    }
    return new VerifiedStep(jws.algorithm(), jws.keyId(), sig.signedFields());
  }

  private static void explainAlgorithm(StepSignature sig) throws StepVerificationException {
    VerifiedJws claimed;
    try {
      claimed = DetachedJws.peek(sig.value());
    } catch (SignatureVerificationException e) {
      return;
    }
    if (!claimed.algorithm().jwa().equals(sig.algorithm())) {
      throw new StepVerificationException(
          StepVerificationException.Reason.ALGORITHM_MISMATCH,
          null,
          "signature.algorithm differs from the JWS header's algorithm "
              + claimed.algorithm()
              + ", and the payload binds it, so the signature does not match");
    }
  }
}
