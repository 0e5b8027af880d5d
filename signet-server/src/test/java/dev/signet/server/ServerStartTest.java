package dev.signet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** First and later starts of a real server: data directory, secrets, modes, admin token. */
class ServerStartTest {
  private static final Pattern TOKEN = Pattern.compile("signet_admin_[A-Za-z0-9_-]{43}");

  static List<TestServers.Db> databases() {
    return TestServers.databases();
  }

  @ParameterizedTest
  @MethodSource("databases")
  void firstStartCreatesSecretsWithModesAndPrintsTheTokenOnce(TestServers.Db db, @TempDir Path tmp)
      throws Exception {
    Path data = tmp.resolve("signet-data");
    TestServers.Started first = TestServers.start(data, db, null, List.of());
    String token;
    try {
      Matcher m = TOKEN.matcher(first.stdout());
      assertThat(m.find()).as("token printed: %s", first.stdout()).isTrue();
      token = m.group();
      assertThat(mode(data)).isEqualTo("rwx------");
      assertThat(mode(data.resolve("master.key"))).isEqualTo("rw-------");
      assertThat(Files.size(data.resolve("master.key"))).isEqualTo(32);
      assertThat(mode(data.resolve("tls.key"))).isEqualTo("rw-------");
      assertThat(Files.readString(data.resolve("tls.crt")))
          .startsWith("-----BEGIN CERTIFICATE-----");
      if (db.url() == null) {
        assertThat(data.resolve("db")).isDirectory();
      }
      HttpResponse<String> r =
          TestServers.client(data)
              .send(
                  HttpRequest.newBuilder(URI.create(TestServers.base(first.server()) + "/healthz"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
    } finally {
      first.server().close();
    }
    byte[] key = Files.readAllBytes(data.resolve("master.key"));
    String cert = Files.readString(data.resolve("tls.crt"));

    TestServers.Started second = TestServers.start(data, db, null, List.of());
    try {
      assertThat(second.stdout()).doesNotContain("signet_admin_");
      assertThat(Files.readAllBytes(data.resolve("master.key"))).isEqualTo(key);
      assertThat(Files.readString(data.resolve("tls.crt"))).isEqualTo(cert);
    } finally {
      second.server().close();
    }

    TestServers.Started reset = TestServers.start(data, db, null, List.of(), true);
    try {
      Matcher m = TOKEN.matcher(reset.stdout());
      assertThat(m.find()).isTrue();
      assertThat(m.group()).isNotEqualTo(token);
    } finally {
      reset.server().close();
    }
  }

  @Test
  void looseMasterKeyPermissionsAreRefused(@TempDir Path tmp) throws Exception {
    Path data = tmp.resolve("d");
    TestServers.Db h2 = new TestServers.Db("h2", null, null, null);
    TestServers.start(data, h2, null, List.of()).server().close();
    Files.setPosixFilePermissions(
        data.resolve("master.key"), PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> TestServers.start(data, h2, null, List.of()))
        .isInstanceOf(ServerException.class)
        .hasMessageContaining(data.resolve("master.key").toString())
        .hasMessageContaining("mode 0644")
        .hasMessageContaining("chmod 600");
  }

  @Test
  void aMasterKeyThatDoesNotMatchTheDatabaseIsRefused(@TempDir Path tmp) throws Exception {
    Path data = tmp.resolve("d");
    TestServers.Db h2 = new TestServers.Db("h2", null, null, null);
    TestServers.start(data, h2, null, List.of()).server().close();
    Files.write(data.resolve("master.key"), new byte[32]);
    assertThatThrownBy(() -> TestServers.start(data, h2, null, List.of()))
        .isInstanceOf(ServerException.class)
        .hasMessageContaining("does not match the database");
  }

  @Test
  void unknownConfigKeyStopsTheStartWithItsLocation(@TempDir Path tmp) throws Exception {
    Path cfg = tmp.resolve("signet.yaml");
    Files.writeString(cfg, "server:\n  listen: 127.0.0.1:0\n  lisen: x\n");
    assertThatThrownBy(() ->
            TestServers.start(
                tmp.resolve("d"), new TestServers.Db("h2", null, null, null), cfg, List.of()))
        .isInstanceOf(ServerException.class)
        .hasMessage(cfg + ":3:3: unknown key lisen in server (known: listen, tls)");
  }

  @Test
  void twoServersStartConcurrentlyOnOnePostgresDatabaseAndServeTogether(@TempDir Path tmp)
      throws Exception {
    TestServers.Db pg = TestServers.postgres().orElse(null);
    Assumptions.assumeTrue(pg != null, "SIGNET_TEST_POSTGRES_URL not set");
    Path data = tmp.resolve("shared-data");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<TestServers.Started> started = new ArrayList<>();
    try {
      List<Future<TestServers.Started>> fs = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        Callable<TestServers.Started> c = () -> TestServers.start(data, pg, null, List.of());
        fs.add(pool.submit(c));
      }
      for (Future<TestServers.Started> f : fs) {
        started.add(f.get());
      }
      long printed = started.stream().filter(s -> TOKEN.matcher(s.stdout()).find()).count();
      assertThat(printed).as("exactly one process issues the initial admin token").isEqualTo(1);
      for (TestServers.Started s : started) {
        HttpResponse<String> r =
            TestServers.client(data)
                .send(
                    HttpRequest.newBuilder(URI.create(TestServers.base(s.server()) + "/readyz"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      }
    } finally {
      started.forEach(s -> s.server().close());
      pool.shutdownNow();
    }
  }

  private static String mode(Path p) throws java.io.IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
