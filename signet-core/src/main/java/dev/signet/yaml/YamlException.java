package dev.signet.yaml;

import dev.signet.SignetException;
import dev.signet.input.InputException;
import org.jspecify.annotations.Nullable;

/**
 * YAML that {@link YamlReader} refuses. The message reads {@code <source>: line L, column C:
 * <problem>} (or {@code <source>: <problem>} for the whole input), as {@link InputException}'s
 * does, and is one line; the position is kept apart for formats that print places differently.
 */
public final class YamlException extends SignetException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final YamlNode.@Nullable Position position;
  private final String problem;

  public YamlException(String source, YamlNode.@Nullable Position position, String problem) {
    super(format(source, position, problem));
    this.source = source;
    this.position = position;
    this.problem = oneLine(problem);
  }

  YamlException(
      String source, YamlNode.@Nullable Position position, String problem, Throwable cause) {
    super(format(source, position, problem), cause);
    this.source = source;
    this.position = position;
    this.problem = oneLine(problem);
  }

  private static String format(
      String source, YamlNode.@Nullable Position position, String problem) {
    return position == null
        ? source + ": " + oneLine(problem)
        : source + ": " + position + ": " + oneLine(problem);
  }

  static String oneLine(String s) {
    return s.replaceAll("\\s*\\R\\s*", " ").strip();
  }

  public String source() {
    return source;
  }

  /** Where the problem is; null when it is the whole input (its size, say). */
  public YamlNode.@Nullable Position position() {
    return position;
  }

  public String problem() {
    return problem;
  }

  /** The same refusal as core's input exception, with the same message (and cause). */
  public InputException toInputException() {
    String where = position == null ? null : position.toString();
    Throwable cause = getCause();
    return cause == null
        ? new InputException(source, where, problem)
        : new InputException(source, where, problem, cause);
  }
}
