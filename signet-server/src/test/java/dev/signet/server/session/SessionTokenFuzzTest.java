package dev.signet.server.session;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.signet.server.origin.Credential;
import dev.signet.server.origin.Origin;
import dev.signet.testing.FuzzChecks;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

/**
 * Fuzzes session-token parsing and authentication. Properties: a bearer either parses into exactly
 * the parts it is made of or is refused with a typed one-line exception that never echoes it; the
 * only bearer that authenticates is the one token issued (a near miss never does), and the issued
 * one keeps working.
 */
class SessionTokenFuzzTest {
  private static final Sessions SESSIONS =
      new Sessions(
          SessionStore.inMemory(),
          Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC));
  private static final String ISSUED = issue();

  private static String issue() {
    try {
      return SESSIONS
          .issue(
              "payments",
              Origin.of(
                  new Credential.ProjectToken(
                      "0123456789abcdef",
                      "payments",
                      Set.of("digest"),
                      Instant.parse("2027-01-01T00:00:00Z"))),
              null,
              SessionLimits.MAX_MAX_USES,
              null)
          .token();
    } catch (SessionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The secret part of a token-shaped bearer: what a message must never echo. */
  private static List<String> secrets(String bearer) {
    int cut = bearer.lastIndexOf('_');
    String secret = cut < 0 ? "" : bearer.substring(cut + 1);
    return secret.length() >= 16 ? List.of(secret) : List.of();
  }

  @FuzzTest
  void authenticate(@NotNull String bearer) {
    try {
      Sessions.Parsed p = Sessions.parse(bearer);
      if (!(Sessions.PREFIX + p.id() + "_" + p.secretHex()).equals(bearer)) {
        throw new AssertionError("parsed into parts that are not the bearer");
      }
    } catch (SessionException e) {
      FuzzChecks.typed(e, secrets(bearer));
      if (e.reason() != SessionException.Reason.MALFORMED) {
        throw new AssertionError("parse refused with " + e.reason(), e);
      }
    }
    boolean authenticated;
    try {
      SESSIONS.authenticate(bearer, "payments", null, false);
      authenticated = true;
    } catch (SessionException e) {
      FuzzChecks.typed(e, secrets(bearer));
      authenticated = false;
    }
    if (authenticated != bearer.equals(ISSUED)) {
      throw new AssertionError("authenticated " + authenticated + " for a bearer");
    }
    try {
      Sessions.Session s = SESSIONS.authenticate(ISSUED, "payments", null, false);
      if (!s.project().equals("payments") || s.origin().credentials().size() != 1) {
        throw new AssertionError("the issued token's session changed");
      }
    } catch (SessionException e) {
      throw new AssertionError("the issued token stopped working", e);
    }
  }
}
