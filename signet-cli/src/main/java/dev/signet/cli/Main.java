package dev.signet.cli;

import dev.signet.SignetException;
import dev.signet.artifact.ArtifactException;
import dev.signet.client.PolicyDeniedException;
import dev.signet.input.InputException;
import dev.signet.keys.KeyException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code signet} command line. Errors are one line on stderr with a distinct exit code. */
@Command(
    name = "signet",
    mixinStandardHelpOptions = true,
    version = "signet 0.1.0",
    description = "Zero-trust signing for CI/CD: signed Buildkite pipelines, verified jobs.",
    subcommands = {
      KeygenCommand.class,
      KeyCommand.class,
      ArtifactCommand.class,
      ImageCommand.class,
      PipelineCommand.class,
      JobCommand.class,
      AttestCommand.class,
      AuditCommand.class,
      DemoCommand.class,
      ServerCommand.class,
      TrainCommand.class,
      ServerTrainCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success (signed, verified, the job may run)",
      "1:refused (no signature, invalid signature, job or artifact does not match, denied by the signing service's policy)",
      "2:usage error or invalid input",
      "3:key cannot be loaded or is not allowed",
      "4:output cannot be written",
      "70:internal error"
    })
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(
        run(
            args,
            new PrintWriter(System.out, true, java.nio.charset.StandardCharsets.UTF_8),
            new PrintWriter(System.err, true, java.nio.charset.StandardCharsets.UTF_8)));
  }

  /** Runs the CLI; separate from {@link #main} so tests can call it in-process. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler((ex, a) -> {
      err.println("signet: " + oneLine(String.valueOf(ex.getMessage())));
      err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
      return ExitCode.INPUT;
    });
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      err.println("signet: " + oneLine(messageOf(ex)));
      if (System.getenv("SIGNET_DEBUG") != null && !(ex instanceof SignetException)) {
        ex.printStackTrace(err);
      }
      return exitCodeOf(ex);
    });
    return cl.execute(args);
  }

  static int exitCodeOf(Exception ex) {
    return switch (ex) {
      case InputException e -> ExitCode.INPUT;
      // The service's policy said no: a refusal, like a failed verification, not a broken key.
      case KeyException e when e.getCause() instanceof PolicyDeniedException -> ExitCode.REFUSED;
      case KeyException e -> ExitCode.KEY;
      case ArtifactException e -> e.isRefusal() ? ExitCode.REFUSED : ExitCode.INPUT;
      case OutputException e -> ExitCode.OUTPUT;
      case RefusedException e -> ExitCode.REFUSED;
      case SignetException e -> ExitCode.INPUT;
      default -> ExitCode.INTERNAL;
    };
  }

  private static String messageOf(Exception ex) {
    if (ex instanceof SignetException s) {
      return s.getMessage();
    }
    return "internal error ("
        + ex.getClass().getSimpleName()
        + "); rerun with SIGNET_DEBUG=1 and report it";
  }

  static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
