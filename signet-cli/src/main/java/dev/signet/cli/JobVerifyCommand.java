package dev.signet.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description =
        "Verify a job as a Buildkite agent does before running it: the signature, the required fields, the matrix permutation, and that command, env and plugins match the signed step. Exit 0 when the job may run, 1 when it is refused, 2 for usage errors or bad input.")
final class JobVerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin JobCheck check;

  @Override
  public Integer call() throws Exception {
    JobCheck.Outcome o = check.verify(spec, spec.commandLine().getErr());
    check.report(o, spec.commandLine().getOut(), spec.commandLine().getErr());
    return o.verdict().mayRun() ? ExitCode.OK : ExitCode.REFUSED;
  }
}
