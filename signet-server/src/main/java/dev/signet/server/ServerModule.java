package dev.signet.server;

import dev.signet.server.http.ReadinessCheck;
import dev.signet.server.http.Routes;
import java.util.List;

/**
 * A part of the API (signing, admin, audit): adds its routes and readiness checks. Its tables come
 * as Flyway migrations {@code V2+} in {@code db/migration}. Modules are listed in {@link
 * ServerModules}.
 */
public interface ServerModule {
  void install(ServerContext context, Routes routes) throws ServerException;

  /**
   * Releases what {@link #install} opened (unsealed keys, HSM sessions), after the listener has
   * stopped and before the audit log and the database close. Must not throw.
   */
  default void close() {}

  /** Checks {@code /readyz} runs besides the database one, such as an HSM probe. */
  default List<ReadinessCheck> readinessChecks(ServerContext context) {
    return List.of();
  }
}
