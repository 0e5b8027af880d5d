package dev.signet.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.tlog.Checkpoint;
import dev.signet.tlog.ConsistencyProof;
import dev.signet.tlog.InclusionProof;
import dev.signet.tlog.LogExport;
import dev.signet.tlog.Merkle;
import dev.signet.tlog.NoteKey;
import dev.signet.tlog.NoteVerifier;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The audit routes over real HTTPS, on H2 and PostgreSQL, across a restart. */
class AuditApiTest {
  @TempDir Path tmp;

  static List<TestServers.Db> databases() {
    return TestServers.databases();
  }

  @ParameterizedTest
  @MethodSource("databases")
  void theLogIsServedProvableAndSurvivesARestart(TestServers.Db db) throws Exception {
    Path data = tmp.resolve("data");
    Checkpoint first;
    String vkey;
    SignetServer server = TestServers.start(data, db, null, ServerModules.defaults()).server();
    try {
      HttpClient client = TestServers.client(data);
      String base = TestServers.base(server);
      vkey = get(client, base + "/v1/audit/log-key").body().strip();
      NoteVerifier verifier = new NoteVerifier(List.of(NoteKey.parse(vkey, "log-key")));
      HttpResponse<String> cpRes = get(client, base + "/v1/audit/checkpoint");
      assertThat(cpRes.statusCode()).isEqualTo(200);
      assertThat(cpRes.headers().firstValue("content-type").orElseThrow()).startsWith("text/plain");
      first = verifier.verifyCheckpoint(cpRes.body(), "checkpoint");
      assertThat(first.origin()).isEqualTo("signet/audit");
      assertThat(first.size()).isEqualTo(1); // SERVER_STARTED

      HttpResponse<String> entries =
          get(client, base + "/v1/audit/entries?start=0&end=" + first.size());
      assertThat(entries.statusCode()).isEqualTo(200);
      assertThat(entries.headers().firstValue("content-type").orElseThrow())
          .isEqualTo("application/jsonl");
      assertThat(entries.body()).contains("\"type\":\"SERVER_STARTED\"").endsWith("\n");
      byte[] export = entries.body().getBytes(StandardCharsets.UTF_8);
      LogExport.Summary s = LogExport.read(new ByteArrayInputStream(export), "entries");
      assertThat(s.size()).isEqualTo(first.size());
      assertThat(MessageDigest.isEqual(s.root(), first.rootHash())).isTrue();

      JsonNode inc =
          JSON.readTree(get(client, base + "/v1/audit/proof/inclusion?index=0&size=1").body());
      byte[] leaf = entries.body().strip().getBytes(StandardCharsets.UTF_8);
      new InclusionProof(0, 1, hashes(inc.get("hashes")))
          .verify(Merkle.leafHash(leaf), first.rootHash());

      assertThat(get(client, base + "/metrics").body()).contains("signet_audit_log_size 1.0");

      for (String bad :
          List.of(
              "/v1/audit/entries?start=0",
              "/v1/audit/entries?start=0&end=2",
              "/v1/audit/entries?start=1&end=0",
              "/v1/audit/entries?start=-1&end=1",
              "/v1/audit/entries?start=%2B1&end=1",
              "/v1/audit/entries?start=0&start=0&end=1",
              "/v1/audit/entries?start=abc&end=1",
              "/v1/audit/entries?start=0&end=99999999999999999999",
              "/v1/audit/entries?start=0&end=9223372036854775808",
              "/v1/audit/proof/inclusion?index=1&size=1",
              "/v1/audit/proof/inclusion?index=0&size=5",
              "/v1/audit/proof/consistency?from=2&to=1",
              "/v1/audit/proof/consistency?from=0&to=7")) {
        HttpResponse<String> r = get(client, base + bad);
        assertThat(r.statusCode()).as(bad).isEqualTo(400);
        JsonNode err = JSON.readTree(r.body()).get("error");
        assertThat(err.get("code").asString()).as(bad).isEqualTo("bad_request");
        assertThat(err.get("message").asString()).as(bad).doesNotContain("\n").isNotBlank();
      }
    } finally {
      server.close();
    }

    // A restart (same data dir and database) continues the same log under the same key.
    server = TestServers.start(data, db, null, ServerModules.defaults()).server();
    try {
      HttpClient client = TestServers.client(data);
      String base = TestServers.base(server);
      assertThat(get(client, base + "/v1/audit/log-key").body().strip()).isEqualTo(vkey);
      NoteVerifier verifier = new NoteVerifier(List.of(NoteKey.parse(vkey, "log-key")));
      Checkpoint second =
          verifier.verifyCheckpoint(get(client, base + "/v1/audit/checkpoint").body(), "cp");
      assertThat(second.size()).isEqualTo(2);
      HttpResponse<String> proof = get(client, base + "/v1/audit/proof/consistency?from=1&to=2");
      ConsistencyProof.parse(proof.body(), "proof").verify(first.rootHash(), second.rootHash());
      List<String> lines =
          get(client, base + "/v1/audit/entries?start=0&end=2").body().lines().toList();
      assertThat(lines).hasSize(2).allMatch(l -> l.contains("SERVER_STARTED"));
    } finally {
      server.close();
    }
  }

  @org.junit.jupiter.api.Test
  void theOriginComesFromTheAuditSectionAndABadOneStopsTheStart() throws Exception {
    TestServers.Db h2 = new TestServers.Db("h2", null, null, null);
    Path cfg = tmp.resolve("signet.yaml");
    java.nio.file.Files.writeString(cfg, "audit:\n  origin: sign.example.com/audit/test\n");
    Path data = tmp.resolve("configured");
    SignetServer server = TestServers.start(data, h2, cfg, ServerModules.defaults()).server();
    try {
      HttpClient client = TestServers.client(data);
      String base = TestServers.base(server);
      NoteKey key = NoteKey.parse(get(client, base + "/v1/audit/log-key").body().strip(), "key");
      assertThat(key.name()).isEqualTo("sign.example.com/audit/test");
      Checkpoint cp =
          new NoteVerifier(List.of(key))
              .verifyCheckpoint(get(client, base + "/v1/audit/checkpoint").body(), "cp");
      assertThat(cp.origin()).isEqualTo("sign.example.com/audit/test");
    } finally {
      server.close();
    }
    // The database's log was created under that origin: another one is refused at start.
    java.nio.file.Files.writeString(cfg, "audit:\n  origin: other/log\n");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> TestServers.start(data, h2, cfg, ServerModules.defaults()))
        .isInstanceOf(ServerException.class)
        .hasMessageContaining("other/log")
        .hasMessageContaining("sign.example.com/audit/test");
    for (String bad :
        List.of(
            "audit:\n  origin: has space\n",
            "audit:\n  origin: a+b\n",
            "audit:\n  origin: ''\n",
            "audit:\n  orign: x\n",
            "audit:\n  origin: [x]\n",
            "audit: text\n")) {
      java.nio.file.Files.writeString(cfg, bad);
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> TestServers.start(tmp.resolve("bad"), h2, cfg, ServerModules.defaults()))
          .as(bad)
          .isInstanceOf(ServerException.class)
          .hasMessageContaining(cfg + ": audit")
          .hasMessageNotContaining("\n");
    }
  }

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static List<byte[]> hashes(JsonNode array) {
    List<byte[]> out = new ArrayList<>();
    array.forEach(n -> out.add(Base64.getDecoder().decode(n.asString())));
    return out;
  }

  private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
