package dev.signet.server.signing;

import dev.signet.server.ServerContext;
import dev.signet.server.ServerException;
import dev.signet.server.ServerModule;
import dev.signet.server.admin.AdminRoutes;
import dev.signet.server.http.Routes;
import java.time.Clock;
import org.jspecify.annotations.Nullable;

/**
 * The service API: the CI-facing signing and public-key routes, and the admin and approver routes
 * of {@link AdminRoutes}, over one {@link SigningService}.
 */
public final class SigningModule implements ServerModule {
  private final Clock clock;
  private volatile @Nullable SigningService service;

  public SigningModule() {
    this(Clock.systemUTC());
  }

  /** With another clock, for tests of expiry. */
  public SigningModule(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void install(ServerContext context, Routes routes) throws ServerException {
    // The one seam for storage.
    ApiStores stores = ApiStores.jdbc(context.database(), clock);
    SigningService service = SigningService.create(context, stores, clock);
    this.service = service;
    SigningRoutes signing = new SigningRoutes(service);
    signing.install(routes);
    new SessionRoutes(service).install(routes);
    new AdminRoutes(service, signing::signApproved).install(routes);
  }

  /** The service {@link #install} built, for tests. */
  @Nullable SigningService service() {
    return service;
  }

  /** Wipes the unsealed custody keys this module cached. */
  @Override
  public void close() {
    SigningService s = service;
    if (s != null) {
      s.custody().close();
    }
  }
}
