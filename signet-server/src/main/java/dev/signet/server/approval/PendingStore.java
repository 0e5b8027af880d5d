package dev.signet.server.approval;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a request waiting for approval asks to sign, and the result once it is signed. Kept in the
 * database so that an approval completed after a restart, or on another server process, can still
 * sign. {@link #put} wins once per request id (an insert on the primary key); {@link #complete}
 * stores a result once (the first caller wins; {@code UPDATE … WHERE result IS NULL}).
 */
public interface PendingStore {

  /**
   * The signing work of one request.
   *
   * @param kind {@code digest}, {@code message}, {@code pipeline} or {@code attestation}
   * @param body the request body as received (already validated), to sign when approved
   */
  @SuppressWarnings("ArrayRecordComponent") // copied in and out
  record Work(String requestId, String kind, byte[] body) {
    public Work {
      body = body.clone();
    }

    @Override
    public byte[] body() {
      return body.clone();
    }
  }

  void put(Work work);

  Optional<Work> work(String requestId);

  /** Stores the signed response (JSON text); false if one was stored before. */
  boolean complete(String requestId, String resultJson);

  Optional<String> result(String requestId);

  static PendingStore inMemory() {
    return new PendingStore() {
      private final ConcurrentHashMap<String, Work> work = new ConcurrentHashMap<>();
      private final ConcurrentHashMap<String, String> results = new ConcurrentHashMap<>();

      @Override
      public void put(Work w) {
        if (work.putIfAbsent(w.requestId(), w) != null) {
          throw new IllegalStateException("request " + w.requestId() + " exists");
        }
      }

      @Override
      public Optional<Work> work(String requestId) {
        return Optional.ofNullable(work.get(requestId));
      }

      @Override
      public boolean complete(String requestId, String resultJson) {
        return results.putIfAbsent(requestId, resultJson) == null;
      }

      @Override
      public Optional<String> result(String requestId) {
        return Optional.ofNullable(results.get(requestId));
      }
    };
  }
}
