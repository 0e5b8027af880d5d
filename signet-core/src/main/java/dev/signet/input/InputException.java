package dev.signet.input;

import dev.signet.SignetException;
import org.jspecify.annotations.Nullable;

/**
 * Input that cannot be accepted: unreadable, malformed, too large, too deep, or of the wrong shape.
 * The message reads {@code <source>: <where>: <problem>}.
 */
public final class InputException extends SignetException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final @Nullable String where;
  private final String problem;

  public InputException(String source, @Nullable String where, String problem) {
    super(format(source, where, problem));
    this.source = source;
    this.where = where;
    this.problem = problem;
  }

  public InputException(String source, @Nullable String where, String problem, Throwable cause) {
    super(format(source, where, problem), cause);
    this.source = source;
    this.where = where;
    this.problem = problem;
  }

  private static String format(String source, @Nullable String where, String problem) {
    // The place is one line too: it can name a member of the input, which may hold line breaks.
    return where == null || where.isEmpty()
        ? source + ": " + oneLine(problem)
        : source + ": " + oneLine(where) + ": " + oneLine(problem);
  }

  private static String oneLine(String s) {
    return s.replaceAll("\\s*\\R\\s*", " ").strip();
  }

  /** The file name, or {@code <stdin>}. */
  public String source() {
    return source;
  }

  /** A line and column, or a path such as {@code steps[2].env}; null when the whole input. */
  public @Nullable String where() {
    return where;
  }

  public String problem() {
    return problem;
  }
}
