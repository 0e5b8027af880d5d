package dev.signet.server.signing;

import dev.signet.server.approval.GrantStore;
import dev.signet.server.approval.RequestStore;
import dev.signet.server.custody.CustodyStore;
import dev.signet.server.custody.InMemoryCustodyStore;
import dev.signet.server.origin.InMemoryProjectTokenStore;
import dev.signet.server.origin.InMemoryReplayGuard;
import dev.signet.server.origin.ProjectTokenStore;
import dev.signet.server.origin.ReplayGuard;
import dev.signet.server.policy.PolicyHistory;
import java.time.Clock;

/**
 * Every store the API uses, in one place: the one seam where the in-memory stores are swapped for
 * the database ones ({@code SigningModule} builds it).
 */
public record ApiStores(
    CustodyStore custody,
    ProjectTokenStore projectTokens,
    ReplayGuard replay,
    RequestStore requests,
    GrantStore grants,
    PolicyHistory policyHistory,
    PrincipalStore principals,
    PendingStore pending) {

  /** Process-local stores: state is lost on restart and not shared between processes. */
  public static ApiStores inMemory(Clock clock) {
    return new ApiStores(
        new InMemoryCustodyStore(),
        new InMemoryProjectTokenStore(),
        new InMemoryReplayGuard(clock),
        RequestStore.inMemory(),
        GrantStore.inMemory(),
        PolicyHistory.inMemory(),
        PrincipalStore.inMemory(),
        PendingStore.inMemory());
  }
}
