package dev.signet.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/** The JDBC plumbing every store shares: transactions, timestamps, error mapping. */
final class Sql {
  private Sql() {}

  /** SQLSTATE unique_violation: the same code on H2 and PostgreSQL. */
  static final String UNIQUE_VIOLATION = "23505";

  /** Separator of the short lists kept in one column (operations, roles, key names). */
  private static final String LIST_SEPARATOR = "\n";

  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} on one connection in auto-commit mode (each statement its own step). */
  static <T> T call(DataSource db, String what, Work<T> work) {
    try (Connection c = db.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  /**
   * Runs {@code work} in one transaction: committed if it returns, rolled back if it throws (an
   * unchecked exception, such as a refused change, propagates after the rollback).
   */
  static <T> T inTransaction(DataSource db, String what, Work<T> work) {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  /**
   * Runs read-only {@code work} in one REPEATABLE READ transaction, so rows read by several
   * statements come from one snapshot (a read-only snapshot never fails to serialize).
   */
  static <T> T snapshot(DataSource db, String what, Work<T> work) {
    try (Connection c = db.getConnection()) {
      int isolation = c.getTransactionIsolation();
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
        c.setTransactionIsolation(isolation);
      }
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  /** Binds the parameters of one statement. */
  @FunctionalInterface
  interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  /**
   * Inserts one row and says whether it went in: false when its key exists. The insert-wins shape:
   * of processes racing to insert one key, exactly one gets true.
   */
  static boolean insertOnce(Connection c, String sql, Binder binder) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      ps.executeUpdate();
      return true;
    } catch (SQLException e) {
      if (isUniqueViolation(e)) {
        return false;
      }
      throw e;
    }
  }

  static boolean isUniqueViolation(SQLException e) {
    for (SQLException s = e; s != null; s = s.getNextException()) {
      if (UNIQUE_VIOLATION.equals(s.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  /** A one-line failure naming the operation and SQLSTATE, without the driver's message. */
  static StoreFailureException failure(String what, SQLException e) {
    String state = e.getSQLState() == null ? "none" : e.getSQLState();
    return new StoreFailureException(
        "database call failed: "
            + what
            + " (SQLSTATE "
            + state
            + ", "
            + e.getClass().getSimpleName()
            + ")");
  }

  static void setInstant(PreparedStatement ps, int i, @Nullable Instant t) throws SQLException {
    if (t == null) {
      ps.setNull(i, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      ps.setObject(i, OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
    }
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    Instant t = nullableInstant(rs, column);
    if (t == null) {
      throw new SQLException("column " + column + " is null", "22004");
    }
    return t;
  }

  static @Nullable Instant nullableInstant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  static String string(ResultSet rs, String column) throws SQLException {
    String s = rs.getString(column);
    if (s == null) {
      throw new SQLException("column " + column + " is null", "22004");
    }
    return s;
  }

  /** A sorted, separator-joined list; elements must not contain the separator. */
  static String joinList(Collection<String> items, String field) {
    TreeSet<String> sorted = new TreeSet<>(items);
    for (String s : sorted) {
      if (s.isEmpty() || s.contains(LIST_SEPARATOR)) {
        throw new IllegalArgumentException(field + " holds an empty or multi-line item");
      }
    }
    return String.join(LIST_SEPARATOR, sorted);
  }

  static List<String> splitList(String joined) {
    return joined.isEmpty() ? List.of() : List.of(joined.split(LIST_SEPARATOR, -1));
  }
}
