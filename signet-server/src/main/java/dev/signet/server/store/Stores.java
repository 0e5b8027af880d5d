package dev.signet.server.store;

import dev.signet.server.approval.GrantStore;
import dev.signet.server.approval.PendingStore;
import dev.signet.server.approval.PrincipalStore;
import dev.signet.server.approval.RequestStore;
import dev.signet.server.custody.CustodyStore;
import dev.signet.server.custody.InMemoryCustodyStore;
import dev.signet.server.origin.InMemoryProjectTokenStore;
import dev.signet.server.origin.InMemoryReplayGuard;
import dev.signet.server.origin.ProjectTokenStore;
import dev.signet.server.origin.ReplayGuard;
import dev.signet.server.policy.PolicyHistory;
import dev.signet.server.session.SessionStore;
import java.time.Clock;

/**
 * Every store the server uses, in one value: {@link #jdbc} for the database (several server
 * processes on one PostgreSQL share all state through it), {@link #inMemory} for tests and a single
 * process. {@link #principals} is also the approvals' {@code RoleDirectory}.
 */
public record Stores(
    CustodyStore custody,
    ProjectTokenStore projectTokens,
    ReplayGuard replayGuard,
    RequestStore requests,
    GrantStore grants,
    PrincipalStore principals,
    PolicyHistory policyHistory,
    PendingStore pending,
    SessionStore sessions) {

  /** The stores on {@code database}; {@code clock} decides when replay-guard rows expired. */
  public static Stores jdbc(Database database, Clock clock) {
    return new Stores(
        new JdbcCustodyStore(database),
        new JdbcProjectTokenStore(database),
        new JdbcReplayGuard(database, clock),
        new JdbcRequestStore(database),
        new JdbcGrantStore(database),
        new JdbcPrincipalStore(database),
        new JdbcPolicyHistory(database),
        new JdbcPendingStore(database),
        new JdbcSessionStore(database));
  }

  public static Stores jdbc(Database database) {
    return jdbc(database, Clock.systemUTC());
  }

  /** Fresh in-memory stores, lost on restart. */
  public static Stores inMemory(Clock clock) {
    return new Stores(
        new InMemoryCustodyStore(),
        new InMemoryProjectTokenStore(),
        new InMemoryReplayGuard(clock),
        RequestStore.inMemory(),
        GrantStore.inMemory(),
        PrincipalStore.inMemory(),
        PolicyHistory.inMemory(),
        PendingStore.inMemory(),
        SessionStore.inMemory());
  }

  public static Stores inMemory() {
    return inMemory(Clock.systemUTC());
  }
}
