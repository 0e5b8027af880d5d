package dev.signet.cli;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in-process and captures what it prints. */
record Cli(int exitCode, String out, String err) {
  /** Tests pass absolute paths: the process working directory is shared by every test. */
  static Cli run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Cli(code, out.toString(), err.toString());
  }

  /** Runs with {@code stdin} as standard input, for the {@code -} (or omitted) file argument. */
  static synchronized Cli runWithStdin(byte[] stdin, String... args) {
    InputStream previous = System.in;
    System.setIn(new ByteArrayInputStream(stdin));
    try {
      return run(args);
    } finally {
      System.setIn(previous);
    }
  }

  /** stderr as lines, for asserting that an error is exactly one line. */
  java.util.List<String> errLines() {
    return err.lines().toList();
  }
}
