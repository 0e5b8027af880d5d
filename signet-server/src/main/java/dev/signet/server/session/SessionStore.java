package dev.signet.server.session;

import java.time.Instant;
import java.util.Optional;

/**
 * Where sessions live: in memory for one process, or the database ({@code store.JdbcSessionStore},
 * migration V11) shared by every process. Failures are unchecked ({@code StoreFailureException});
 * the session code turns them into a refusal.
 */
public interface SessionStore {
  /** Adds a new session; an id clash is an {@link IllegalStateException}. */
  void add(StoredSession session);

  Optional<StoredSession> find(String id);

  /**
   * Atomically takes {@code uses} more uses of the session: true only when it is unrevoked,
   * unexpired at {@code now}, and {@code reserved + uses <= maxUses}. Of processes racing for the
   * last uses, the total granted never exceeds maxUses.
   */
  boolean reserve(String id, int uses, Instant now);

  /** Revokes; the first revocation's time stands. False when there is no such session. */
  boolean revoke(String id, Instant at);

  /**
   * Revokes every unrevoked session whose exchange a project token {@code tokenId} authenticated;
   * returns their ids.
   */
  java.util.List<String> revokeOpenedWith(String tokenId, Instant at);

  /**
   * Deletes up to {@code max} sessions that expired at or before {@code before}, oldest first, in
   * one short statement; returns how many.
   */
  int deleteExpired(Instant before, int max);

  static SessionStore inMemory() {
    return new InMemorySessionStore();
  }
}
