package dev.signet.server.signing;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.signet.server.http.ApiException;
import dev.signet.server.session.SessionLimits;
import dev.signet.testing.FuzzChecks;

/**
 * Fuzzes the session exchange body. Properties: a body is accepted or refused with a 400 and a
 * one-line message; what is accepted lies within the server's bounds (a lifetime of 1 s to {@link
 * SessionLimits#MAX_TTL}, 1 to {@link SessionLimits#MAX_MAX_USES} uses).
 */
class SessionBodyFuzzTest {
  @FuzzTest
  void parse(byte @NotNull [] body) {
    SessionRoutes.Ask ask;
    try {
      ask = SessionRoutes.parse(body);
    } catch (ApiException e) {
      if (e.status() != 400) {
        throw new AssertionError("status " + e.status() + " for a bad body", e);
      }
      FuzzChecks.oneLine(String.valueOf(e.getMessage()), e);
      return;
    }
    var ttl = ask.ttl();
    if (ttl != null && (!ttl.isPositive() || ttl.compareTo(SessionLimits.MAX_TTL) > 0)) {
      throw new AssertionError("ttl out of bounds: " + ttl);
    }
    Integer uses = ask.maxUses();
    if (uses != null && (uses < 1 || uses > SessionLimits.MAX_MAX_USES)) {
      throw new AssertionError("maxUses out of bounds: " + uses);
    }
  }
}
