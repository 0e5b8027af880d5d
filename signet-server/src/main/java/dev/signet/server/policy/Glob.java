package dev.signet.server.policy;

import dev.signet.input.InputException;
import java.util.Arrays;

/**
 * A deliberately small pattern language for policy values; never a regular expression, so a policy
 * cannot carry catastrophic backtracking or surprising syntax. {@code *} matches any run of
 * characters except {@code /}; {@code **} matches any run including {@code /}; {@code \*} and
 * {@code \\} are a literal star and backslash. Nothing else is special: {@code ?}, {@code [} and
 * {@code .} are themselves. A pattern without a star matches exactly its own text.
 *
 * <p>Matching simulates the pattern as a set of states over the value, linear in value length times
 * pattern length, both bounded by {@link PolicyLimits}.
 */
public final class Glob {
  private static final int STAR = -1;
  private static final int DOUBLE_STAR = -2;

  private final String source;
  private final int[] tokens;
  private final boolean literal;
  private final String text;

  private Glob(String source, int[] tokens, boolean literal) {
    this.source = source;
    this.tokens = tokens;
    this.literal = literal;
    StringBuilder t = new StringBuilder(tokens.length);
    for (int c : tokens) {
      t.append(c < 0 ? '*' : (char) c);
    }
    // A literal pattern is most conditions (ids, exact refs): one equals, no state simulation.
    this.text = t.toString();
  }

  /** Compiles {@code pattern}; {@code where} names it in a refusal. */
  static Glob compile(String pattern, String file, String where) throws InputException {
    if (pattern.length() > PolicyLimits.MAX_PATTERN_CHARS) {
      throw new InputException(
          file, where, "pattern longer than " + PolicyLimits.MAX_PATTERN_CHARS + " characters");
    }
    int[] out = new int[pattern.length()];
    int n = 0;
    boolean literal = true;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\') {
        if (i + 1 >= pattern.length()
            || (pattern.charAt(i + 1) != '*' && pattern.charAt(i + 1) != '\\')) {
          throw new InputException(
              file, where, "in a pattern, \\ may only escape * or \\ (" + quote(pattern) + ")");
        }
        out[n++] = pattern.charAt(++i);
      } else if (c == '*') {
        literal = false;
        if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
          i++;
          if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
            throw new InputException(file, where, "*** in a pattern (" + quote(pattern) + ")");
          }
          out[n++] = DOUBLE_STAR;
        } else {
          out[n++] = STAR;
        }
      } else {
        out[n++] = c;
      }
    }
    return new Glob(pattern, Arrays.copyOf(out, n), literal);
  }

  /** A pattern that matches exactly {@code value}. */
  static Glob literal(String value) {
    int[] t = new int[value.length()];
    for (int i = 0; i < t.length; i++) {
      t[i] = value.charAt(i);
    }
    return new Glob(value.replace("\\", "\\\\").replace("*", "\\*"), t, true);
  }

  /** The pattern as written (escapes included). */
  public String source() {
    return source;
  }

  /** True when the pattern has no wildcard: it matches one value only. */
  public boolean isLiteral() {
    return literal;
  }

  public boolean matches(String value) {
    if (value.length() > PolicyLimits.MAX_MATCHED_CHARS) {
      return false;
    }
    if (literal) {
      return text.equals(value);
    }
    int states = tokens.length + 1;
    boolean[] current = new boolean[states];
    boolean[] next = new boolean[states];
    current[0] = true;
    close(current);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      Arrays.fill(next, false);
      boolean any = false;
      for (int s = 0; s < tokens.length; s++) {
        if (!current[s]) {
          continue;
        }
        int t = tokens[s];
        if (t == DOUBLE_STAR || (t == STAR && c != '/')) {
          next[s] = true;
          any = true;
        } else if (t == c) {
          next[s + 1] = true;
          any = true;
        }
      }
      if (!any) {
        return false;
      }
      close(next);
      boolean[] swap = current;
      current = next;
      next = swap;
    }
    return current[tokens.length];
  }

  /** A star may match nothing: from a star state, the state after it is reachable too. */
  private void close(boolean[] states) {
    for (int s = 0; s < tokens.length; s++) {
      if (states[s] && tokens[s] < 0) {
        states[s + 1] = true;
      }
    }
  }

  private static String quote(String s) {
    return dev.signet.json.JsonWriter.quoteOneLine(s, 80);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Glob g && g.source.equals(source);
  }

  @Override
  public int hashCode() {
    return source.hashCode();
  }

  @Override
  public String toString() {
    return source;
  }
}
