package dev.signet.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.server.http.JsonLogFormatter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** One JSON line per request, without query strings, credentials or bodies. */
class AccessLogTest {
  @Test
  void oneJsonLinePerRequestWithoutSecrets(@TempDir Path tmp) throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    JsonLogFormatter formatter = new JsonLogFormatter();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            lines.add(formatter.format(r));
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger access = Logger.getLogger("dev.signet.server.access");
    access.addHandler(capture);
    Path data = tmp.resolve("data");
    SignetServer server =
        TestServers.start(data, new TestServers.Db("h2", null, null, null), null, List.of())
            .server();
    try {
      HttpResponse<String> r =
          TestServers.client(data)
              .send(
                  HttpRequest.newBuilder(
                          URI.create(TestServers.base(server) + "/healthz?token=query-secret"))
                      .header("Authorization", "Bearer header-secret")
                      .header("X-Request-Id", "log-test-1")
                      .POST(HttpRequest.BodyPublishers.ofString("body-secret"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(404);
    } finally {
      server.close();
      access.removeHandler(capture);
    }
    assertThat(lines).hasSize(1);
    String line = lines.get(0);
    assertThat(line).endsWith("\n").doesNotContain("secret");
    JsonNode j = JsonMapper.builder().build().readTree(line);
    assertThat(j.get("requestId").asString()).isEqualTo("log-test-1");
    assertThat(j.get("method").asString()).isEqualTo("POST");
    assertThat(j.get("route").asString()).isEqualTo("unmatched");
    assertThat(j.get("status").asInt()).isEqualTo(404);
    assertThat(j.get("peer").asString()).isEqualTo("127.0.0.1");
    assertThat(j.has("durationMs")).isTrue();
    assertThat(j.has("time")).isTrue();
  }
}
