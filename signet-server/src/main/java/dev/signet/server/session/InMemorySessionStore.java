package dev.signet.server.session;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** {@link SessionStore} of one process. */
final class InMemorySessionStore implements SessionStore {
  private final Map<String, StoredSession> sessions = new HashMap<>();

  @Override
  public synchronized void add(StoredSession session) {
    if (sessions.putIfAbsent(session.id(), session) != null) {
      throw new IllegalStateException("session id clash");
    }
  }

  @Override
  public synchronized Optional<StoredSession> find(String id) {
    return Optional.ofNullable(sessions.get(id));
  }

  @Override
  public synchronized boolean reserve(String id, int uses, Instant now) {
    StoredSession s = sessions.get(id);
    if (s == null
        || uses <= 0
        || s.revokedAt() != null
        || !now.isBefore(s.expiresAt())
        || (long) s.reserved() + uses > s.maxUses()) {
      return false;
    }
    sessions.put(id, with(s, s.reserved() + uses, s.revokedAt()));
    return true;
  }

  @Override
  public synchronized boolean revoke(String id, Instant at) {
    StoredSession s = sessions.get(id);
    if (s == null) {
      return false;
    }
    if (s.revokedAt() == null) {
      sessions.put(id, with(s, s.reserved(), at));
    }
    return true;
  }

  @Override
  public synchronized java.util.List<String> revokeOpenedWith(String tokenId, Instant at) {
    java.util.List<String> ids = new java.util.ArrayList<>();
    for (StoredSession s : java.util.List.copyOf(sessions.values())) {
      if (tokenId.equals(s.projectTokenId()) && s.revokedAt() == null) {
        sessions.put(s.id(), with(s, s.reserved(), at));
        ids.add(s.id());
      }
    }
    return ids;
  }

  @Override
  public synchronized int deleteExpired(Instant before, int max) {
    java.util.List<StoredSession> due =
        sessions.values().stream()
            .filter(s -> !s.expiresAt().isAfter(before))
            .sorted(java.util.Comparator.comparing(StoredSession::expiresAt))
            .limit(max)
            .toList();
    due.forEach(s -> sessions.remove(s.id()));
    return due.size();
  }

  private static StoredSession with(
      StoredSession s, int reserved, @org.jspecify.annotations.Nullable Instant revokedAt) {
    return new StoredSession(
        s.id(),
        s.project(),
        s.secretSha256(),
        s.originJson(),
        s.certificateSha256(),
        s.projectTokenId(),
        s.createdAt(),
        s.expiresAt(),
        s.maxUses(),
        reserved,
        revokedAt);
  }
}
