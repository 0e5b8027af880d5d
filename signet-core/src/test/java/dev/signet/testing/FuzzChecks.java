package dev.signet.testing;

import dev.signet.SignetException;
import java.util.Collection;

/**
 * What every fuzz test asks of a refusal. A parser may refuse any input, but only with one of
 * Signet's typed exceptions, whose message is one line and names no secret. Anything else that
 * escapes a fuzz test (a {@link NullPointerException}, a {@link StackOverflowError}, a library's
 * unchecked exception) is left to propagate, and Jazzer reports it as a finding.
 *
 * <p>The parsers turn an unexpected exception into a typed one at their outer edge, so that no user
 * ever sees a stack trace; they keep it as the cause, and this is where such a masked bug becomes a
 * test failure again.
 */
public final class FuzzChecks {
  private FuzzChecks() {}

  /** Fails when {@code e} hides an unchecked throwable or its message is not one line. */
  public static void typed(SignetException e) {
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      if (c instanceof RuntimeException || c instanceof Error) {
        throw new AssertionError(
            "a typed refusal hides an unexpected " + c.getClass().getName() + ": " + e.getMessage(),
            c);
      }
    }
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      throw new AssertionError(e.getClass().getSimpleName() + " without a message", e);
    }
    if (message.indexOf('\n') >= 0 || message.indexOf('\r') >= 0) {
      throw new AssertionError("message is not one line: " + message.replace("\n", "\\n"), e);
    }
  }

  /** {@link #typed}, and the message contains none of {@code secrets}. */
  public static void typed(SignetException e, Collection<String> secrets) {
    typed(e);
    noSecret(e.getMessage(), secrets, e);
  }

  /** Fails when {@code text} contains one of {@code secrets}. */
  public static void noSecret(String text, Collection<String> secrets, Throwable context) {
    for (String secret : secrets) {
      if (text.contains(secret)) {
        throw new AssertionError(
            "secret key material appears in a message or output: "
                + text.replace(secret, "<the secret>"),
            context);
      }
    }
  }
}
