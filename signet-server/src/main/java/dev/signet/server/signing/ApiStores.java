package dev.signet.server.signing;

import dev.signet.server.approval.PendingStore;
import dev.signet.server.store.Database;
import dev.signet.server.store.Stores;
import java.time.Clock;

/**
 * Every store the API uses: the server's {@link Stores} and the signing work of requests waiting
 * for approval. The one seam where storage is chosen ({@code SigningModule}).
 */
public record ApiStores(Stores stores, PendingStore pending) {

  /** The database stores, shared by every server process on the database. */
  public static ApiStores jdbc(Database database, Clock clock) {
    Stores stores = Stores.jdbc(database, clock);
    return new ApiStores(stores, stores.pending());
  }

  /** Process-local stores: state is lost on restart and not shared between processes. */
  public static ApiStores inMemory(Clock clock) {
    Stores stores = Stores.inMemory(clock);
    return new ApiStores(stores, stores.pending());
  }
}
