package dev.signet.server.origin;

import java.time.Instant;
import java.util.Optional;

/**
 * Where project tokens are kept, by public id. The server adds a database store; {@link
 * InMemoryProjectTokenStore} serves tests and single-process setups.
 */
public interface ProjectTokenStore {

  /** Adds a new token; ids are random, so a clash is a bug and refused. */
  void add(StoredProjectToken token);

  Optional<StoredProjectToken> find(String id);

  /** Marks the token revoked; false when there is no token with this id. Revoking twice is fine. */
  boolean revoke(String id, Instant at);
}
