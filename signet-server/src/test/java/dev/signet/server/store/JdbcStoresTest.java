package dev.signet.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.server.approval.GrantStore;
import dev.signet.server.approval.SigningRequest;
import dev.signet.server.origin.OriginException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What only the database stores do: migrations, replay-guard cleanup, failures. */
class JdbcStoresTest {
  static List<Backend> databases() {
    return Backend.databases();
  }

  static final List<String> TABLES =
      List.of(
          "custody_keys",
          "custody_versions",
          "custody_events",
          "project_tokens",
          "replay_guard",
          "policy_versions",
          "signing_requests",
          "signing_request_requesters",
          "signing_request_votes",
          "grants",
          "principals",
          "principal_tokens");

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void migrationsApplyOnceWhenTwoServersStartOnAnEmptyDatabaseAtOnce(Backend backend)
      throws Exception {
    Backend.Jdbc jdbc = (Backend.Jdbc) backend;
    List<Boolean> opened =
        StoreConcurrencyTest.race(i -> () -> jdbc.open() != null); // 8 servers start together
    assertThat(opened).containsOnly(true);
    Database db = jdbc.open(); // and a restart migrates nothing
    List<String> versions = new ArrayList<>();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery(
              "SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL"
                  + " ORDER BY installed_rank")) {
        while (rs.next()) {
          assertThat(rs.getBoolean("success")).isTrue();
          versions.add(rs.getString("version"));
        }
      }
      assertThat(versions)
          .startsWith("1", "2", "3", "4", "5", "6", "7", "8")
          .doesNotHaveDuplicates();
      for (String table : TABLES) {
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
          assertThat(rs.next()).isTrue();
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT roles FROM principals WHERE name = 'admin'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("admin");
        assertThat(rs.next()).isFalse();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void expiredReplayRowsAreDeletedInBoundedBatches(Backend backend) throws Exception {
    Backend.Jdbc jdbc = (Backend.Jdbc) backend;
    Database db = jdbc.open();
    Instant now = StoreContractTest.T0;
    int expired = StoreLimits.REPLAY_CLEANUP_BATCH * 2 + 500;
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement("INSERT INTO replay_guard (token_key, expires_at) VALUES (?, ?)")) {
      for (int i = 0; i < expired + 10; i++) {
        ps.setString(1, JdbcReplayGuard.key("https://i", "jti-" + i));
        ps.setObject(
            2,
            OffsetDateTime.ofInstant(
                i < expired ? now.minusSeconds(1 + i) : now.plusSeconds(60), ZoneOffset.UTC));
        ps.addBatch();
      }
      ps.executeBatch();
    }
    JdbcReplayGuard guard = new JdbcReplayGuard(db, new StoreContractTest.TestClock());
    assertThat(guard.cleanUp(now)).isEqualTo(StoreLimits.REPLAY_CLEANUP_BATCH);
    assertThat(guard.cleanUp(now)).isEqualTo(StoreLimits.REPLAY_CLEANUP_BATCH);
    assertThat(guard.cleanUp(now)).isEqualTo(500);
    assertThat(guard.cleanUp(now)).isZero();
    assertThat(count(db, "replay_guard")).isEqualTo(10);
    // The unexpired rows still guard.
    assertThat(guard.firstUse("https://i", "jti-" + expired, now.plusSeconds(60))).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void anApprovalAndItsGrantNeedOneDatabase(Backend backend) {
    Stores s = backend.process(new StoreContractTest.TestClock());
    SigningRequest r = StoreContractTest.request("req_x", null);
    s.requests().insert(r);
    SigningRequest next = StoreContractTest.next(r, SigningRequest.Status.APPROVED, List.of());
    GrantStore elsewhere = GrantStore.inMemory();
    assertThatThrownBy(() ->
            s.requests()
                .compareAndSetIssuing(
                    r,
                    next,
                    StoreContractTest.grant("g", "req_x", 1, StoreContractTest.T0),
                    elsewhere))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(s.requests().find("req_x")).contains(r);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void anUnreachableDatabaseFailsClosedWithAOneLineMessage(Backend backend) throws Exception {
    Stores s = backend.process(new StoreContractTest.TestClock());
    Objects.requireNonNull(backend.database()).close();
    assertThatThrownBy(() -> s.grants().tryConsume("grant_1", StoreContractTest.T0))
        .isInstanceOf(StoreFailureException.class)
        .hasMessageStartingWith("database call failed: consume grant (SQLSTATE ")
        .hasNoCause();
    assertThatThrownBy(() ->
            s.replayGuard().firstUse("https://i", "jti", StoreContractTest.T0.plusSeconds(60)))
        .isInstanceOfSatisfying(
            OriginException.class,
            e -> assertThat(e.reason()).isEqualTo(OriginException.Reason.REPLAY_GUARD_UNAVAILABLE));
    assertThatThrownBy(() -> s.custody().key("acme", "release"))
        .isInstanceOf(StoreFailureException.class)
        .hasMessageNotContaining("\n");
  }

  static int count(Database db, String table) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
