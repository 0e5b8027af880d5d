package dev.signet.server.approval;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The admin API's principals (admins and approvers, humans) with their roles, and their {@code
 * sga_} tokens as SHA-256 hashes of the secrets; see {@link PrincipalTokens}. A principal holds a
 * role as {@link Identity#admin(String) an admin identity} of its name.
 *
 * <p>Concurrency contract (a JDBC implementation must keep it): {@link #add} and {@link #addToken}
 * are inserts on a primary key, the first wins; {@link #disable} and {@link #revokeToken} set their
 * time once ({@code … WHERE disabled_at IS NULL}).
 */
public interface PrincipalStore extends RoleDirectory {

  /** The principal every database starts with; its credential is the bootstrap admin token. */
  String ADMIN = "admin";

  /** The role of administrators. */
  String ADMIN_ROLE = "admin";

  /**
   * One principal.
   *
   * @param disabledAt when it was disabled: it then holds no role and no token authenticates it
   */
  record Principal(
      String name, Set<String> roles, Instant createdAt, @Nullable Instant disabledAt) {
    public Principal {
      roles = Set.copyOf(roles);
      if (name.isBlank()) {
        throw new IllegalArgumentException("a principal needs a name");
      }
    }

    public boolean enabled() {
      return disabledAt == null;
    }
  }

  /**
   * A token as stored: the hash of its secret, never the secret.
   *
   * @param id the public id (between {@code sga_} and the secret)
   * @param secretSha256 lowercase hex SHA-256 of the 32 secret bytes
   */
  record StoredToken(
      String id,
      String principal,
      String secretSha256,
      Instant createdAt,
      Instant expiresAt,
      @Nullable Instant revokedAt) {}

  /** Adds a principal; false if the name is taken. */
  boolean add(Principal principal);

  Optional<Principal> find(String name);

  /** Every principal, by name. */
  List<Principal> list();

  /** Replaces the roles; false if there is no such principal. */
  boolean setRoles(String name, Set<String> roles);

  /** Disables at {@code at}; false if unknown or already disabled. */
  boolean disable(String name, Instant at);

  /** Adds a token of an existing principal; throws {@link IllegalStateException} on a clash. */
  void addToken(StoredToken token);

  Optional<StoredToken> findToken(String id);

  /** Revokes at {@code at}; false if unknown or already revoked. */
  boolean revokeToken(String id, Instant at);

  /**
   * Whether {@code bearer} is the server's bootstrap admin token (the one printed on the first
   * start), which authenticates principal {@link #ADMIN}.
   */
  boolean isBootstrapAdminToken(String bearer);

  @Override
  default boolean holds(Identity who, String role) {
    if (who.kind() != Identity.Kind.ADMIN) {
      return false;
    }
    return find(who.subject()).filter(p -> p.enabled() && p.roles().contains(role)).isPresent();
  }

  /**
   * In memory, for tests and single-process use: holds {@link #ADMIN}, without a bootstrap token.
   */
  static PrincipalStore inMemory() {
    return new InMemoryPrincipalStore();
  }
}
