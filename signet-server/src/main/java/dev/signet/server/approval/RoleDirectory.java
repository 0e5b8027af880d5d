package dev.signet.server.approval;

import java.util.Map;
import java.util.Set;

/** Who holds which approver role (later: the admin API's principals and groups). */
@FunctionalInterface
public interface RoleDirectory {
  boolean holds(Identity who, String role);

  /** A fixed directory: role name to its members. */
  static RoleDirectory of(Map<String, Set<Identity>> members) {
    Map<String, Set<Identity>> copy = Map.copyOf(members);
    return (who, role) -> copy.getOrDefault(role, Set.of()).contains(who);
  }
}
