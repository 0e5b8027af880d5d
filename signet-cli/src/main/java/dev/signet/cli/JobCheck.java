package dev.signet.cli;

import dev.signet.input.InputFiles;
import dev.signet.input.InputLimits;
import dev.signet.job.Job;
import dev.signet.job.JobJson;
import dev.signet.job.JobVerdict;
import dev.signet.job.JobVerifier;
import dev.signet.keys.VerificationKeys;
import java.io.PrintWriter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What {@code job verify} and {@code job run} share: the options, loading, and the agent-style
 * report. The default output is the agent's own lines; {@code --explain} adds which check failed,
 * on which field, and why — naming variables, never printing their values.
 */
final class JobCheck {
  @Parameters(
      index = "0",
      paramLabel = "JOB.json",
      description = "The job: {id, env, step, matrix_permutation}; - for stdin")
  String file;

  @Option(
      names = "--jwks-file",
      defaultValue = "${env:BUILDKITE_AGENT_VERIFICATION_JWKS_FILE}",
      description = "Public JWKS the agent trusts [env: BUILDKITE_AGENT_VERIFICATION_JWKS_FILE]")
  String jwksFile;

  @Option(
      names = "--failure-behavior",
      defaultValue = "${env:BUILDKITE_AGENT_JOB_VERIFICATION_NO_SIGNATURE_BEHAVIOR:-block}",
      description = "block (default): refuse the job; warn: print a warning and run it")
  String failureBehavior;

  @Option(names = "--explain", description = "Say which check or field failed and why")
  boolean explain;

  record Outcome(Job job, JobVerdict verdict) {}

  Outcome verify(PrintWriter err) throws Exception {
    JobVerifier.FailureBehavior behavior =
        switch (failureBehavior) {
          case "block" -> JobVerifier.FailureBehavior.BLOCK;
          case "warn" -> JobVerifier.FailureBehavior.WARN;
          default ->
              throw new UsageException(
                  "--failure-behavior must be block or warn, not " + failureBehavior);
        };
    // Required, unlike on an agent (which runs unsigned jobs unchecked when it has no key): a
    // forgotten flag must not turn a verification command into one that passes everything.
    if (jwksFile == null || jwksFile.isEmpty()) {
      throw new UsageException("--jwks-file is required: the public JWKS the agent trusts");
    }
    VerificationKeys keys = KeyFiles.loadForVerification(jwksFile, "--jwks-file", err);
    String source = InputFiles.displayName(file);
    Job job =
        JobJson.parse(
            InputFiles.readText(file, InputLimits.DEFAULT.maxBytes()), source, InputLimits.DEFAULT);
    return new Outcome(job, new JobVerifier(keys, behavior).verify(job));
  }

  /** Prints the agent-style report: success to {@code out}, failures to {@code err}. */
  void report(Outcome o, PrintWriter out, PrintWriter err) {
    switch (o.verdict()) {
      case JobVerdict.Verified v -> {
        out.println("~~~ ✅ Job signature verified");
        // A verified job always carries the signature that verified it.
        out.println("signature: " + java.util.Objects.requireNonNull(v.step().signature()).value());
        if (explain) {
          out.println(
              "key: "
                  + (v.signature().keyId() == null
                      ? "(no kid)"
                      : "\"" + v.signature().keyId() + "\"")
                  + " ("
                  + v.signature().algorithm()
                  + ")");
          out.println("signed fields: " + String.join(", ", v.signature().signedFields()));
        }
      }
      case JobVerdict.NotChecked n -> {
        out.println(
            "~~~ Job has no signature and no verification key is configured: running without verification");
      }
      case JobVerdict.Failed f -> {
        boolean warn = f.mayRun();
        // The agent logs a signed job with no key configured under the block header even when
        // warn lets it run (its integration test asserts "+++ ⛔" there); match it.
        boolean blockHeader = !warn || f.check() == JobVerdict.Check.NO_VERIFICATION_KEY;
        err.println(
            blockHeader
                ? "+++ ⛔ Job signature verification failed"
                : "+++ ⚠️ Job signature verification failed");
        err.println("error: " + f.agentLine());
        if (explain) {
          err.println(
              "check: " + f.check().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
          if (f.field() != null) {
            err.println("field: " + f.field());
          }
          err.println("why: " + Main.oneLine(f.detail()));
        }
        if (warn) {
          err.println("Job will be run without verification");
        }
      }
    }
    out.flush();
    err.flush();
  }
}
