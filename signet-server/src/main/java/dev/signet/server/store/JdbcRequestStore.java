package dev.signet.server.store;

import dev.signet.server.approval.Grant;
import dev.signet.server.approval.GrantStore;
import dev.signet.server.approval.Identity;
import dev.signet.server.approval.RequestStore;
import dev.signet.server.approval.SigningRequest;
import dev.signet.server.approval.Vote;
import dev.signet.server.policy.Conditions;
import dev.signet.server.policy.Decision;
import dev.signet.server.policy.Operation;
import dev.signet.server.policy.PolicyVersion;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * {@link RequestStore} on the database (migration V6). A transition is one transaction: the
 * compare-and-set on {@code signing_requests.revision}, the votes it appends, and for an approval
 * that gives a grant, the grant's insert.
 */
final class JdbcRequestStore implements RequestStore {
  private final DataSource db;

  JdbcRequestStore(Database database) {
    this.db = database.dataSource();
  }

  @Override
  public void insert(SigningRequest r) {
    boolean added =
        Sql.inTransaction(
            db,
            "insert signing request",
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "INSERT INTO signing_requests (id, project, rule_name, rule_hash,"
                          + " rule_operations, rule_keys, operation, key_name, subject_digest,"
                          + " created_at, expires_at, approval_role, approval_quorum,"
                          + " approval_expires_ms, grant_ttl_ms, grant_max_signatures,"
                          + " policy_version, status, revision)"
                          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                Decision.RuleRef rule = r.rule();
                ps.setString(1, r.id());
                ps.setString(2, rule.project());
                ps.setString(3, rule.rule());
                ps.setString(4, rule.ruleHash());
                ps.setString(5, JdbcGrantStore.operations(rule.operations()));
                ps.setString(6, Sql.joinList(rule.keys(), "rule keys"));
                ps.setString(7, r.operation().id());
                ps.setString(8, r.key());
                ps.setString(9, r.subjectDigest());
                Sql.setInstant(ps, 10, r.created());
                Sql.setInstant(ps, 11, r.expires());
                ps.setString(12, r.approval().role());
                ps.setInt(13, r.approval().quorum());
                ps.setLong(14, r.approval().expires().toMillis());
                Conditions.Grant g = r.grant();
                if (g == null) {
                  ps.setNull(15, java.sql.Types.BIGINT);
                  ps.setNull(16, java.sql.Types.INTEGER);
                } else {
                  ps.setLong(15, g.ttl().toMillis());
                  ps.setInt(16, g.maxSignatures());
                }
                ps.setString(17, r.policyVersion().value());
                ps.setString(18, r.status().name());
                ps.setLong(19, r.revision());
                ps.executeUpdate();
              } catch (SQLException e) {
                if (Sql.isUniqueViolation(e)) {
                  c.rollback();
                  return false;
                }
                throw e;
              }
              int seq = 0;
              for (Identity who : r.requester()) {
                try (PreparedStatement ps =
                    c.prepareStatement(
                        "INSERT INTO signing_request_requesters (request_id, seq, kind, issuer,"
                            + " subject) VALUES (?, ?, ?, ?, ?)")) {
                  ps.setString(1, r.id());
                  ps.setInt(2, seq++);
                  ps.setString(3, who.kind().name());
                  ps.setString(4, who.issuer());
                  ps.setString(5, who.subject());
                  ps.executeUpdate();
                }
              }
              insertVotes(c, r.id(), r.votes(), 0);
              return true;
            });
    if (!added) {
      throw new IllegalStateException("request id already used");
    }
  }

  @Override
  public Optional<SigningRequest> find(String id) {
    return Sql.snapshot(db, "read signing request", c -> find(c, id));
  }

  @Override
  public List<String> duePending(Instant now, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    return Sql.call(
        db,
        "find expired signing requests",
        c -> {
          // Index signing_requests_due (V12); bounded, so one sweep never reads the whole table.
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id FROM signing_requests WHERE status = 'PENDING' AND expires_at <= ?"
                      + " ORDER BY expires_at LIMIT "
                      + limit)) {
            Sql.setInstant(ps, 1, now);
            List<String> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                ids.add(Sql.string(rs, "id"));
              }
            }
            return ids;
          }
        });
  }

  @Override
  public boolean compareAndSet(SigningRequest expected, SigningRequest next) {
    return swap(expected, next, null);
  }

  @Override
  public boolean compareAndSetIssuing(
      SigningRequest expected, SigningRequest next, Grant grant, GrantStore grants) {
    if (!(grants instanceof JdbcGrantStore g) || g.dataSource() != db) {
      // One transaction needs one database: a mixed wiring is a bug, not a fallback.
      throw new IllegalArgumentException("the grant store is not on this request store's database");
    }
    return swap(expected, next, grant);
  }

  private boolean swap(SigningRequest expected, SigningRequest next, @Nullable Grant grant) {
    checkSuccessor(expected, next);
    return Sql.inTransaction(
        db,
        "update signing request",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE signing_requests SET status = ?, revision = ?"
                      + " WHERE id = ? AND revision = ?")) {
            ps.setString(1, next.status().name());
            ps.setLong(2, next.revision());
            ps.setString(3, expected.id());
            ps.setLong(4, expected.revision());
            if (ps.executeUpdate() != 1) {
              c.rollback();
              return false;
            }
          }
          insertVotes(c, next.id(), next.votes(), expected.votes().size());
          if (grant != null && !JdbcGrantStore.insert(c, grant)) {
            throw new IllegalStateException("grant id already used");
          }
          return true;
        });
  }

  /**
   * Only status and votes change, and votes are only appended: that is what the tables can store,
   * and all {@code Approvals} ever does.
   */
  private static void checkSuccessor(SigningRequest expected, SigningRequest next) {
    if (next.revision() != expected.revision() + 1 || !next.id().equals(expected.id())) {
      throw new IllegalArgumentException("next must be expected's successor");
    }
    List<Vote> before = expected.votes();
    List<Vote> after = next.votes();
    if (after.size() < before.size() || !after.subList(0, before.size()).equals(before)) {
      throw new IllegalArgumentException("votes are only appended");
    }
    SigningRequest same =
        new SigningRequest(
            next.id(),
            next.rule(),
            next.operation(),
            next.key(),
            next.subjectDigest(),
            next.requester(),
            next.created(),
            next.expires(),
            next.approval(),
            next.grant(),
            next.policyVersion(),
            expected.status(),
            expected.votes(),
            expected.revision());
    if (!same.equals(expected)) {
      throw new IllegalArgumentException("a transition changes only status and votes");
    }
  }

  private static void insertVotes(Connection c, String requestId, List<Vote> votes, int from)
      throws SQLException {
    for (int i = from; i < votes.size(); i++) {
      Vote v = votes.get(i);
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO signing_request_votes (request_id, seq, kind, issuer, subject, verdict,"
                  + " vote_comment, voted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, requestId);
        ps.setInt(2, i);
        ps.setString(3, v.approver().kind().name());
        ps.setString(4, v.approver().issuer());
        ps.setString(5, v.approver().subject());
        ps.setString(6, v.verdict().name());
        ps.setString(7, v.comment());
        Sql.setInstant(ps, 8, v.at());
        ps.executeUpdate();
      }
    }
  }

  private static Optional<SigningRequest> find(Connection c, String id) throws SQLException {
    Set<Identity> requester = new LinkedHashSet<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT kind, issuer, subject FROM signing_request_requesters WHERE request_id = ?"
                + " ORDER BY seq")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          requester.add(identity(rs));
        }
      }
    }
    List<Vote> votes = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT kind, issuer, subject, verdict, vote_comment, voted_at"
                + " FROM signing_request_votes WHERE request_id = ? ORDER BY seq")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          votes.add(
              new Vote(
                  id,
                  identity(rs),
                  Vote.Verdict.valueOf(Sql.string(rs, "verdict")),
                  Sql.string(rs, "vote_comment"),
                  Sql.instant(rs, "voted_at")));
        }
      }
    }
    // Read in one snapshot (Sql.snapshot): the votes are exactly those of the revision read.
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, project, rule_name, rule_hash, rule_operations, rule_keys, operation,"
                + " key_name, subject_digest, created_at, expires_at, approval_role,"
                + " approval_quorum, approval_expires_ms, grant_ttl_ms, grant_max_signatures,"
                + " policy_version, status, revision FROM signing_requests WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        long revision = rs.getLong("revision");
        long ttl = rs.getLong("grant_ttl_ms");
        Conditions.Grant grant =
            rs.wasNull()
                ? null
                : new Conditions.Grant(Duration.ofMillis(ttl), rs.getInt("grant_max_signatures"));
        return Optional.of(
            new SigningRequest(
                id,
                new Decision.RuleRef(
                    Sql.string(rs, "project"),
                    Sql.string(rs, "rule_name"),
                    Sql.string(rs, "rule_hash"),
                    JdbcGrantStore.operations(Sql.string(rs, "rule_operations")),
                    new TreeSet<>(Sql.splitList(Sql.string(rs, "rule_keys")))),
                Operation.of(Sql.string(rs, "operation"))
                    .orElseThrow(() -> new SQLException("unknown operation in a stored row")),
                Sql.string(rs, "key_name"),
                Sql.string(rs, "subject_digest"),
                requester,
                Sql.instant(rs, "created_at"),
                Sql.instant(rs, "expires_at"),
                new Conditions.Approval(
                    Sql.string(rs, "approval_role"),
                    rs.getInt("approval_quorum"),
                    Duration.ofMillis(rs.getLong("approval_expires_ms"))),
                grant,
                new PolicyVersion(Sql.string(rs, "policy_version")),
                SigningRequest.Status.valueOf(Sql.string(rs, "status")),
                votes,
                revision));
      }
    }
  }

  private static Identity identity(ResultSet rs) throws SQLException {
    return new Identity(
        Identity.Kind.valueOf(Sql.string(rs, "kind")),
        Sql.string(rs, "issuer"),
        Sql.string(rs, "subject"));
  }
}
