package dev.signet.server.origin;

import java.time.Instant;

/**
 * Remembers which OIDC tokens were used: one token, one grant. Several server processes share one
 * guard through the database; {@link InMemoryReplayGuard} serves a single process and the tests.
 */
public interface ReplayGuard {

  /**
   * Records the first use of {@code (issuer, jti)} and returns true, or returns false when it was
   * used before. The record may be forgotten after {@code until} (the token's expiry plus leeway),
   * when the token no longer verifies anyway.
   *
   * @throws OriginException with {@link OriginException.Reason#REPLAY_GUARD_UNAVAILABLE} when the
   *     use cannot be recorded; the caller refuses the token (fail closed)
   */
  boolean firstUse(String issuer, String jti, Instant until) throws OriginException;
}
