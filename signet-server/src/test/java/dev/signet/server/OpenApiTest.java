package dev.signet.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.server.http.Routes;
import dev.signet.server.http.SystemRoutes;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The served OpenAPI document and the registered routes describe the same API. */
class OpenApiTest {
  private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedOperationIsRouted(@TempDir Path tmp)
      throws Exception {
    Path data = tmp.resolve("data");
    SignetServer server =
        TestServers.start(
                data, new TestServers.Db("h2", null, null, null), null, ServerModules.defaults())
            .server();
    try {
      HttpResponse<String> r =
          TestServers.client(data)
              .send(
                  HttpRequest.newBuilder(URI.create(TestServers.base(server) + "/openapi")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      JsonNode doc = JsonMapper.builder().build().readTree(r.body());
      assertThat(doc.get("openapi").asString()).isEqualTo("3.1.0");
      assertThat(r.body())
          .isEqualTo(
              new String(
                  SystemRoutes.class
                      .getResourceAsStream(SystemRoutes.OPENAPI_RESOURCE)
                      .readAllBytes(),
                  java.nio.charset.StandardCharsets.UTF_8));

      Set<String> documented = new HashSet<>();
      for (var path : doc.get("paths").properties()) {
        for (var op : path.getValue().properties()) {
          if (METHODS.contains(op.getKey())) {
            documented.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
          }
        }
      }
      Set<String> routed = new HashSet<>();
      List<Routes.Route> routes = server.routes();
      for (Routes.Route route : routes) {
        routed.add(route.method() + " " + route.template());
      }
      assertThat(routed).as("routes missing from openapi.json").isSubsetOf(documented);
      assertThat(documented).as("documented but not routed").isSubsetOf(routed);
    } finally {
      server.close();
    }
  }
}
