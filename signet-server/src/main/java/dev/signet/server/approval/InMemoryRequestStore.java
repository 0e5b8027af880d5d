package dev.signet.server.approval;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

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
    return swap(expected, next, null, null);
  }

  @Override
  public boolean compareAndSetIssuing(
      SigningRequest expected, SigningRequest next, Grant grant, GrantStore grants) {
    return swap(expected, next, grant, grants);
  }

  @Override
  public java.util.List<String> duePending(java.time.Instant now, int limit) {
    return requests.values().stream()
        .filter(r -> r.status() == SigningRequest.Status.PENDING && !r.expires().isAfter(now))
        .sorted(java.util.Comparator.comparing(SigningRequest::expires))
        .limit(limit)
        .map(SigningRequest::id)
        .toList();
  }

  private boolean swap(
      SigningRequest expected,
      SigningRequest next,
      @Nullable Grant grant,
      @Nullable GrantStore grants) {
    if (next.revision() != expected.revision() + 1 || !next.id().equals(expected.id())) {
      throw new IllegalArgumentException("next must be expected's successor");
    }
    boolean[] done = {false};
    requests.computeIfPresent(
        expected.id(),
        (id, stored) -> {
          if (stored.revision() == expected.revision()) {
            if (grant != null && grants != null) {
              // Inside the per-key atomic step: a clash throws and leaves the request unchanged.
              grants.insert(grant);
            }
            done[0] = true;
            return next;
          }
          return stored;
        });
    return done[0];
  }
}
