package dev.signet.server.approval;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

final class InMemoryPrincipalStore implements PrincipalStore {
  private final ConcurrentHashMap<String, Principal> principals = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, StoredToken> tokens = new ConcurrentHashMap<>();

  InMemoryPrincipalStore() {
    principals.put(ADMIN, new Principal(ADMIN, Set.of(ADMIN_ROLE), Instant.EPOCH, null));
  }

  @Override
  public boolean add(Principal principal) {
    return principals.putIfAbsent(principal.name(), principal) == null;
  }

  @Override
  public Optional<Principal> find(String name) {
    return Optional.ofNullable(principals.get(name));
  }

  @Override
  public List<Principal> list() {
    return principals.values().stream().sorted(Comparator.comparing(Principal::name)).toList();
  }

  @Override
  public boolean setRoles(String name, Set<String> roles) {
    return principals.computeIfPresent(
            name, (k, p) -> new Principal(p.name(), roles, p.createdAt(), p.disabledAt()))
        != null;
  }

  @Override
  public boolean disable(String name, Instant at) {
    boolean[] done = {false};
    principals.computeIfPresent(
        name,
        (k, p) -> {
          if (p.disabledAt() != null) {
            return p;
          }
          done[0] = true;
          return new Principal(p.name(), p.roles(), p.createdAt(), at);
        });
    return done[0];
  }

  @Override
  public void addToken(StoredToken token) {
    if (!principals.containsKey(token.principal())) {
      throw new IllegalStateException("no principal " + token.principal());
    }
    if (tokens.putIfAbsent(token.id(), token) != null) {
      throw new IllegalStateException("principal token id clash");
    }
  }

  @Override
  public Optional<StoredToken> findToken(String id) {
    return Optional.ofNullable(tokens.get(id));
  }

  @Override
  public boolean revokeToken(String id, Instant at) {
    boolean[] done = {false};
    tokens.computeIfPresent(
        id,
        (k, t) -> {
          if (t.revokedAt() != null) {
            return t;
          }
          done[0] = true;
          return new StoredToken(
              t.id(), t.principal(), t.secretSha256(), t.createdAt(), t.expiresAt(), at);
        });
    return done[0];
  }

  @Override
  public boolean isBootstrapAdminToken(String bearer) {
    return false;
  }
}
