package dev.signet.server.http;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Handles one route. Throw {@link ApiException} for a client-visible error; anything else becomes a
 * 500 with the request id and nothing more.
 */
@FunctionalInterface
public interface ApiHandler {
  void handle(RequestContext context, ServerRequest request, ServerResponse response)
      throws Exception;
}
