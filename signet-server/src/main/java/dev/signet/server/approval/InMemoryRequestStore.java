package dev.signet.server.approval;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

final class InMemoryRequestStore implements RequestStore {
  private final ConcurrentHashMap<String, SigningRequest> requests = new ConcurrentHashMap<>();

  @Override
  public void insert(SigningRequest request) {
    if (requests.putIfAbsent(request.id(), request) != null) {
      throw new IllegalStateException("request id already used");
    }
  }

  @Override
  public Optional<SigningRequest> find(String id) {
    return Optional.ofNullable(requests.get(id));
  }

  @Override
  public boolean compareAndSet(SigningRequest expected, SigningRequest next) {
    if (next.revision() != expected.revision() + 1 || !next.id().equals(expected.id())) {
      throw new IllegalArgumentException("next must be expected's successor");
    }
    boolean[] done = {false};
    requests.computeIfPresent(
        expected.id(),
        (id, stored) -> {
          if (stored.revision() == expected.revision()) {
            done[0] = true;
            return next;
          }
          return stored;
        });
    return done[0];
  }
}
