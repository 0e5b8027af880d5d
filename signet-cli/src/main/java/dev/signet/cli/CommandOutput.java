package dev.signet.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;

/** Where a command's result goes: a file given with {@code --output} (atomically), or stdout. */
final class CommandOutput {
  private CommandOutput() {}

  static void write(CommandSpec spec, @Nullable Path output, String text) throws OutputException {
    if (output != null) {
      AtomicFiles.replace(output, text);
    } else {
      PrintWriter out = spec.commandLine().getOut();
      out.print(text);
      out.flush();
    }
  }
}
