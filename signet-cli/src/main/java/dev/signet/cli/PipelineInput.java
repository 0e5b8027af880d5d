package dev.signet.cli;

import dev.signet.input.InputException;
import dev.signet.input.InputFiles;
import dev.signet.input.InputLimits;
import dev.signet.pipeline.Pipeline;
import dev.signet.pipeline.PipelineParser;
import java.util.List;

/** Reads a pipeline file (or stdin) under the input limits. */
record PipelineInput(String source, String text) {
  @SuppressWarnings("SystemConsoleNull") // still documented to return null without a console
  static PipelineInput read(@org.jspecify.annotations.Nullable String file) throws InputException {
    String path = file == null ? "-" : file;
    // Since JDK 22 System.console() exists even when stdin is a pipe; ask whether it is a terminal.
    java.io.Console console = System.console();
    if (path.equals("-") && file == null && console != null && console.isTerminal()) {
      throw new InputException(
          "<stdin>", null, "no pipeline file found: give a file or pipe the pipeline into stdin");
    }
    return new PipelineInput(
        InputFiles.displayName(path), InputFiles.readText(path, InputLimits.DEFAULT.maxBytes()));
  }

  List<Pipeline> parseAll() throws InputException {
    return PipelineParser.parseAll(text, source, InputLimits.DEFAULT);
  }
}
