package dev.signet.server.policy;

import dev.signet.json.JsonWriter;

/** Small helpers shared by the package. */
final class Policies {
  private Policies() {}

  /** A JSON-quoted, one-line, clipped rendering of a value for a message. */
  static String quote(String s) {
    return JsonWriter.quoteOneLine(s, 200);
  }
}
