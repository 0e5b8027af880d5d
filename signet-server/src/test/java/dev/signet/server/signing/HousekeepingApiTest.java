package dev.signet.server.signing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.server.session.SessionLimits;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The housekeeping of two server processes on one database, with real time: pending requests expire
 * without anyone reading them, each with exactly one REQUEST_EXPIRED entry although both processes
 * sweep every 100 ms; expired sessions are deleted.
 */
class HousekeepingApiTest {
  static final Duration EVERY = Duration.ofMillis(100);

  /** The system clock plus an offset the test moves forward. */
  static final class MovableClock extends Clock {
    final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(offset.get());
    }
  }

  @TempDir static Path tmp;
  static final MovableClock clock = new MovableClock();
  static ApiHarness a;
  static ApiHarness b;
  static String projectToken;

  @BeforeAll
  static void start() throws Exception {
    Path config = tmp.resolve("signet.yaml");
    Files.writeString(
        config,
        """
        projects:
          ledger:
            keys: [release]
            operations: [digest]
            rules:
              - name: gated
                token: true
                approval: { role: managers, quorum: 1, expires: 2s }
        """);
    String database =
        "jdbc:h2:mem:housekeeping"
            + UUID.randomUUID().toString().replace("-", "")
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
    a = new ApiHarness(tmp, config, database, new SigningModule(clock, EVERY));
    b = new ApiHarness(tmp, config, database, new SigningModule(clock, EVERY));
    HttpResponse<String> key =
        a.post(
            "/v1/admin/projects/ledger/keys",
            a.adminToken,
            Map.of("key", "release", "algorithm", "ES256"));
    assertThat(key.statusCode()).as(key.body()).isEqualTo(201);
    HttpResponse<String> t =
        a.post(
            "/v1/admin/projects/ledger/tokens",
            a.adminToken,
            Map.of("operations", List.of("digest"), "expiresIn", "P1D"));
    assertThat(t.statusCode()).as(t.body()).isEqualTo(201);
    projectToken = ApiHarness.json(t).get("token").asString();
  }

  @AfterAll
  static void stop() {
    b.close();
    a.close();
  }

  static Map<String, Object> digest(int n) throws Exception {
    byte[] d = MessageDigest.getInstance("SHA-256").digest(new byte[] {(byte) n, 7});
    Map<String, Object> m = new HashMap<>();
    m.put("key", "release");
    m.put("digest", Map.of("algorithm", "sha256", "value", HexFormat.of().formatHex(d)));
    return m;
  }

  static List<JsonNode> expiredEntries() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String leaf : a.audit()) {
      JsonNode n = ApiHarness.JSON.readTree(leaf);
      if (n.get("type").asString().equals("REQUEST_EXPIRED")) {
        out.add(n);
      }
    }
    return out;
  }

  @Test
  void pendingRequestsExpireUnreadWithExactlyOneEntryEachAcrossTwoProcesses() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      ApiHarness on = i % 2 == 0 ? a : b;
      HttpResponse<String> r = on.post("/v1/projects/ledger/sign/digest", projectToken, digest(i));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      ids.add(ApiHarness.json(r).get("request").get("id").asString());
    }
    // Nobody reads the requests: only the housekeeping can notice they ran out.
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (expiredEntries().size() < ids.size() && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    // Several more rounds of both processes: still one entry per request.
    Thread.sleep(EVERY.toMillis() * 5);
    List<JsonNode> entries = expiredEntries();
    assertThat(entries.stream().map(e -> e.get("approvalRequestId").asString()).toList())
        .containsExactlyInAnyOrderElementsOf(ids);
    for (JsonNode e : entries) {
      assertThat(e.get("project").asString()).isEqualTo("ledger");
      assertThat(e.get("requestId").asString()).isEqualTo(Housekeeping.REQUEST_ID);
      assertThat(e.get("details").get("rule").asString()).isEqualTo("gated");
      assertThat(e.get("details").get("approvals").asString()).isEqualTo("0");
    }
    for (String id : ids) {
      HttpResponse<String> r = b.get("/v1/requests/" + id, projectToken);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(ApiHarness.json(r).get("status").asString()).isEqualTo("expired");
    }
    HttpResponse<String> late =
        a.post("/v1/requests/" + ids.getFirst() + "/approve", a.adminToken, Map.of());
    assertThat(late.statusCode()).as(late.body()).isEqualTo(409);
    assertThat(late.body()).contains("expired");
    assertThat(expiredEntries()).hasSize(ids.size());
  }

  @Test
  void expiredSessionsAreDeleted() throws Exception {
    HttpResponse<String> r =
        a.post("/v1/projects/ledger/sessions", projectToken, Map.of("ttlSeconds", 60));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    String id = ApiHarness.json(r).get("sessionId").asString();
    Thread.sleep(EVERY.toMillis() * 3);
    assertThat(sessionRows(id)).isEqualTo(1); // alive: kept
    clock.offset.set(SessionLimits.KEEP_EXPIRED.plusMinutes(2));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (sessionRows(id) > 0 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(sessionRows(id)).isZero();
  }

  static int sessionRows(String id) throws Exception {
    try (Connection c = a.context.database().dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM sessions WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
