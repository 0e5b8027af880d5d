package dev.signet.server.signing;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Admin and approver principals: name, roles and the SHA-256 of their token's secret. A JDBC
 * implementation keeps the same contract: {@link #insert} fails on a taken id or name (unique
 * constraints).
 */
public interface PrincipalStore {

  /**
   * One principal.
   *
   * @param id the token's public id ({@code sga_<id>_<secret>})
   * @param secretSha256 hex SHA-256 of the token's secret part; the token itself is never stored
   */
  record Principal(
      String id, String name, Set<String> roles, String secretSha256, Instant createdAt) {
    public Principal {
      roles = Set.copyOf(roles);
    }

    @Override
    public String toString() {
      return "Principal[" + name + ", roles=" + roles + "]";
    }
  }

  /** Returns false (storing nothing) when the id or the name is taken. */
  boolean insert(Principal principal);

  Optional<Principal> find(String id);

  Optional<Principal> byName(String name);

  static PrincipalStore inMemory() {
    return new PrincipalStore() {
      private final ConcurrentHashMap<String, Principal> byId = new ConcurrentHashMap<>();
      private final ConcurrentHashMap<String, String> names = new ConcurrentHashMap<>();

      @Override
      public boolean insert(Principal p) {
        if (names.putIfAbsent(p.name(), p.id()) != null) {
          return false;
        }
        if (byId.putIfAbsent(p.id(), p) != null) {
          names.remove(p.name(), p.id());
          return false;
        }
        return true;
      }

      @Override
      public Optional<Principal> find(String id) {
        return Optional.ofNullable(byId.get(id));
      }

      @Override
      public Optional<Principal> byName(String name) {
        String id = names.get(name);
        return id == null ? Optional.empty() : find(id);
      }
    };
  }
}
