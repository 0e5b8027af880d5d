package dev.signet.server.origin;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Project tokens in memory, lost on restart. */
public final class InMemoryProjectTokenStore implements ProjectTokenStore {
  private final ConcurrentMap<String, StoredProjectToken> tokens = new ConcurrentHashMap<>();

  @Override
  public void add(StoredProjectToken token) {
    if (tokens.putIfAbsent(token.id(), token) != null) {
      throw new IllegalStateException("project token id clash");
    }
  }

  @Override
  public Optional<StoredProjectToken> find(String id) {
    return Optional.ofNullable(tokens.get(id));
  }

  @Override
  public boolean revoke(String id, Instant at) {
    return tokens.computeIfPresent(id, (k, t) -> t.revokedAt() == null ? t.revoked(at) : t) != null;
  }
}
