package dev.signet.cli;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** Runs the CLI in-process and captures what it prints. */
record Cli(int exitCode, String out, String err) {
  static Cli run(Path cwd, String... args) {
    String previous = System.getProperty("user.dir");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code;
    try {
      // Relative paths in arguments resolve against user.dir in java.nio; tests pass absolute ones.
      code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    } finally {
      System.setProperty("user.dir", previous);
    }
    return new Cli(code, out.toString(), err.toString());
  }

  static Cli run(String... args) {
    return run(Path.of("."), args);
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
