package dev.signet.server.signing;

import dev.signet.server.ServerContext;
import dev.signet.server.ServerException;
import dev.signet.server.ServerModule;
import dev.signet.server.admin.AdminRoutes;
import dev.signet.server.http.Routes;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The service API: the CI-facing signing and public-key routes, and the admin and approver routes
 * of {@link AdminRoutes}, over one {@link SigningService}.
 */
public final class SigningModule implements ServerModule {
  private final Clock clock;
  private final Duration housekeepingEvery;
  private volatile @Nullable SigningService service;
  private volatile @Nullable Housekeeping housekeeping;

  public SigningModule() {
    this(Clock.systemUTC());
  }

  /** With another clock, for tests of expiry. */
  public SigningModule(Clock clock) {
    this(clock, SigningLimits.HOUSEKEEPING_EVERY);
  }

  /** With another clock and housekeeping interval, for tests of expiry and cleanup. */
  public SigningModule(Clock clock, Duration housekeepingEvery) {
    this.clock = clock;
    this.housekeepingEvery = housekeepingEvery;
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
    this.housekeeping = Housekeeping.start(service, housekeepingEvery);
  }

  /** The service {@link #install} built, for tests. */
  @Nullable SigningService service() {
    return service;
  }

  /** Stops the housekeeping and wipes the unsealed custody keys this module cached. */
  @Override
  public void close() {
    Housekeeping h = housekeeping;
    if (h != null) {
      h.close();
    }
    SigningService s = service;
    if (s != null) {
      s.custody().close();
    }
  }
}
