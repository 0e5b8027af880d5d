package dev.signet.server.signing;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.signet.server.http.ApiException;
import dev.signet.testing.FuzzChecks;
import java.util.List;

/**
 * Fuzzes the parser of signing request bodies (the first byte picks the route). Properties: a body
 * is accepted or refused with a 400 and a one-line message; an accepted one has a subject digest of
 * lowercase hex of its algorithm's length, and a message within the size limit.
 */
class SignRequestFuzzTest {
  private static final List<String> KINDS = List.of("digest", "message", "pipeline", "attestation");

  @FuzzTest
  void parse(byte @NotNull [] input) {
    if (input.length == 0) {
      return;
    }
    String kind = KINDS.get(Byte.toUnsignedInt(input[0]) % KINDS.size());
    byte[] body = java.util.Arrays.copyOfRange(input, 1, input.length);
    // Seeds carry the route name after the selector byte, for readability.
    String text = new String(body, java.nio.charset.StandardCharsets.ISO_8859_1);
    if (text.startsWith(kind)) {
      body = java.util.Arrays.copyOfRange(body, kind.length(), body.length);
    }
    SigningRoutes.Parsed p;
    try {
      p = SigningRoutes.parse(kind, body);
    } catch (ApiException e) {
      if (e.status() != 400) {
        throw new AssertionError("status " + e.status() + " for a bad body", e);
      }
      FuzzChecks.oneLine(String.valueOf(e.getMessage()), e);
      return;
    }
    int hexLength =
        switch (p.subject().digestAlgorithm()) {
          case "sha256" -> 64;
          case "sha384" -> 96;
          case "sha512" -> 128;
          default -> throw new AssertionError("digest algorithm " + p.subject().digestAlgorithm());
        };
    if (!p.subject().digest().matches("[0-9a-f]{" + hexLength + "}")) {
      throw new AssertionError("subject digest is not lowercase hex: " + p.subject().digest());
    }
    String name = p.subject().name();
    if (name != null && name.length() > SigningLimits.MAX_NAME_CHARS) {
      throw new AssertionError("name longer than the limit");
    }
  }
}
