package dev.signet.server.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The API's routes, collected from every module before the server starts. A module adds its routes
 * here (never to Helidon directly), so each one gets the request id, error bodies, access log,
 * metrics and the OpenAPI consistency test.
 */
public final class Routes {
  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");

  /** One route: an HTTP method and a path template in OpenAPI/Helidon syntax. */
  public record Route(String method, String template, ApiHandler handler) {}

  private final List<Route> routes = new ArrayList<>();

  public Routes get(String template, ApiHandler handler) {
    return add("GET", template, handler);
  }

  public Routes post(String template, ApiHandler handler) {
    return add("POST", template, handler);
  }

  public Routes put(String template, ApiHandler handler) {
    return add("PUT", template, handler);
  }

  public Routes delete(String template, ApiHandler handler) {
    return add("DELETE", template, handler);
  }

  public Routes add(String method, String template, ApiHandler handler) {
    if (!METHODS.contains(method)) {
      throw new IllegalArgumentException("unsupported method " + method);
    }
    if (!template.startsWith("/") || !template.matches("[A-Za-z0-9/{}._-]+")) {
      throw new IllegalArgumentException("bad route template " + template);
    }
    for (Route r : routes) {
      if (r.method().equals(method) && r.template().equals(template)) {
        throw new IllegalArgumentException("route registered twice: " + method + " " + template);
      }
    }
    routes.add(new Route(method, template, handler));
    return this;
  }

  public List<Route> all() {
    return List.copyOf(routes);
  }
}
