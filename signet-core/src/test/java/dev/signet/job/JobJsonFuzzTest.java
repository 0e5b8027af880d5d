package dev.signet.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.json.JsonWriter;
import dev.signet.signing.CanonicalPayload;
import dev.signet.signing.SignedFields;
import dev.signet.testing.FuzzChecks;
import dev.signet.testing.TestKeys;
import java.util.LinkedHashMap;

/**
 * Fuzzes the job JSON an agent receives from the (untrusted) control plane: {@link JobJson#parse}
 * and then {@link JobVerifier#verify}, which must answer with a verdict for every job it is given.
 *
 * <p>Properties: refusals are {@link InputException}s; a job written with {@link JobJson#toJson}
 * reads back as the same job, with the same signed values; verifying the written job gives the same
 * verdict; a verified job runs the command it was verified with. Whether a verifier can be made to
 * accept what was not signed is {@link JobVerifierFuzzTest}'s part.
 */
class JobJsonFuzzTest {
  private static final JobVerifier VERIFIER;

  static {
    try {
      VERIFIER =
          new JobVerifier(
              TestKeys.verificationKeys("EdDSA/TEST_DO_NOT_USE"),
              JobVerifier.FailureBehavior.BLOCK);
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @DictionaryEntries({
    "\\u2028",
    "\\u0085",
    "\\n",
    "\"signed_fields\":[",
    "\"env::",
    "\"matrix_permutation\":{",
    "\"signature\":{",
    "\"algorithm\":\"EdDSA\"",
    "\"value\":",
    "BUILDKITE_COMMAND",
    "BUILDKITE_PLUGINS",
    "\"matrix\":",
    "\"setup\":",
    "\"adjustments\":[",
    "\"with\":"
  })
  @FuzzTest
  void parse(@NotNull String text) throws InputException {
    Job job;
    try {
      job = JobJson.parse(text, "job.json", InputLimits.DEFAULT);
    } catch (InputException e) {
      FuzzChecks.typed(e);
      return;
    }
    Job back =
        JobJson.parse(JsonWriter.compact(JobJson.toJson(job)), "written.json", InputLimits.DEFAULT);
    assertThat(JobJson.toJson(back)).isEqualTo(JobJson.toJson(job));
    assertThat(back.env()).isEqualTo(job.env());
    assertThat(back.matrixPermutation()).isEqualTo(job.matrixPermutation());
    assertThat(payload(back)).isEqualTo(payload(job));

    JobVerdict verdict = VERIFIER.verify(job);
    JobVerdict again = VERIFIER.verify(back);
    assertThat(again.getClass()).isEqualTo(verdict.getClass());
    if (verdict instanceof JobVerdict.Failed f) {
      assertThat(((JobVerdict.Failed) again).check()).isEqualTo(f.check());
      assertThat(f.mayRun()).isFalse();
      FuzzChecks.oneLine(f.detail(), new AssertionError(f.check()));
    }
    if (verdict instanceof JobVerdict.Verified v) {
      assertThat(v.step().command()).isEqualTo(job.env().getOrDefault("BUILDKITE_COMMAND", ""));
    }
  }

  private static byte[] payload(Job job) {
    return CanonicalPayload.of(
        "EdDSA",
        SignedFields.forSigning(
            job.step(), new LinkedHashMap<>(), job.env().getOrDefault("BUILDKITE_REPO", "")));
  }
}
