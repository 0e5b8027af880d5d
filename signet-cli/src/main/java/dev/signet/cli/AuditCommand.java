package dev.signet.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = {
      "Check the signing service's transparency log offline: checkpoints (C2SP signed notes), receipts, inclusion and consistency proofs, and full exports (docs/audit-log.md)."
    },
    subcommands = AuditVerifyCommand.class)
final class AuditCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws UsageException {
    throw new UsageException("audit needs a subcommand: audit verify (see --help)");
  }
}
