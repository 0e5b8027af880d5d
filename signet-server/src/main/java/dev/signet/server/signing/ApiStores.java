package dev.signet.server.signing;

import dev.signet.server.store.Database;
import dev.signet.server.store.Stores;
import java.time.Clock;

/**
 * Every store the API uses: the server's {@link Stores} and the signing work of requests waiting
 * for approval. The one seam where storage is chosen ({@code SigningModule}).
 */
public record ApiStores(Stores stores, PendingStore pending) {

  /** The database stores; pending work is still kept in this process (see docs/server.md). */
  public static ApiStores jdbc(Database database, Clock clock) {
    return new ApiStores(Stores.jdbc(database, clock), PendingStore.inMemory());
  }

  /** Process-local stores: state is lost on restart and not shared between processes. */
  public static ApiStores inMemory(Clock clock) {
    return new ApiStores(Stores.inMemory(clock), PendingStore.inMemory());
  }
}
