package dev.signet.keys.kms;

import org.jspecify.annotations.Nullable;

/** Server-supplied text made fit for a one-line error message. */
final class Text {
  private Text() {}

  private static final int MAX_CHARS = 200;

  /**
   * One line of at most 200 characters: whitespace runs (Vault's multi-line error lists) collapse
   * to one space, other control characters go, and {@code secret} — the token we sent, should a
   * server or proxy echo it — is cut out.
   */
  static String oneLine(@Nullable String text, @Nullable String secret) {
    if (text == null) {
      return "";
    }
    String s = text;
    if (secret != null && !secret.isEmpty()) {
      s = s.replace(secret, "[redacted]");
    }
    s = s.replaceAll("\\s+", " ").replaceAll("\\p{Cntrl}", "").strip();
    if (s.length() > MAX_CHARS) {
      s = s.substring(0, MAX_CHARS) + "…";
    }
    return s;
  }
}
