package dev.signet.cli;

import dev.signet.keys.KeyException;
import java.io.Console;
import java.util.Arrays;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Where the password of a {@code cosign.key} comes from: {@code SIGNET_KEY_PASSWORD} or {@code
 * COSIGN_PASSWORD} (cosign's variable; set but empty means the empty password), else a prompt on
 * the terminal, else an error — never a flag, which would leak into shell history and {@code ps}.
 */
final class KeyPasswords {
  static final String SIGNET_VAR = "SIGNET_KEY_PASSWORD";
  static final String COSIGN_VAR = "COSIGN_PASSWORD";

  /** The environment; tests replace it because an in-process CLI cannot change its own. */
  static volatile Function<String, @Nullable String> env = System::getenv;

  private KeyPasswords() {}

  /** The password for reading {@code file}. */
  static char[] forReading(String file) throws KeyException {
    char[] fromEnv = fromEnv();
    if (fromEnv != null) {
      return fromEnv;
    }
    Console console = terminal(file);
    char[] pw = console.readPassword("Enter password for private key %s: ", file);
    if (pw == null) {
      throw noPassword(file);
    }
    return pw;
  }

  /** The password for writing {@code file}, asked twice on a terminal. */
  static char[] forWriting(String file) throws KeyException {
    char[] fromEnv = fromEnv();
    if (fromEnv != null) {
      return fromEnv;
    }
    Console console = terminal(file);
    char[] a = console.readPassword("Enter password for private key %s: ", file);
    char[] b = console.readPassword("Enter password for private key again: ");
    try {
      if (a == null || b == null || !Arrays.equals(a, b)) {
        throw new KeyException(KeyException.Reason.DENIED, file + ": the passwords do not match");
      }
      return a.clone();
    } finally {
      if (a != null) {
        Arrays.fill(a, '\0');
      }
      if (b != null) {
        Arrays.fill(b, '\0');
      }
    }
  }

  private static char @Nullable [] fromEnv() {
    for (String name : new String[] {SIGNET_VAR, COSIGN_VAR}) {
      String v = env.apply(name);
      if (v != null) {
        return v.toCharArray();
      }
    }
    return null;
  }

  @SuppressWarnings("SystemConsoleNull") // still documented to return null without a console
  private static Console terminal(String file) throws KeyException {
    Console console = System.console();
    if (console == null || !console.isTerminal()) {
      throw noPassword(file);
    }
    return console;
  }

  private static KeyException noPassword(String file) {
    return new KeyException(
        KeyException.Reason.UNREADABLE,
        file
            + ": needs a password: set "
            + SIGNET_VAR
            + " or "
            + COSIGN_VAR
            + ", or run on a terminal to be asked");
  }
}
