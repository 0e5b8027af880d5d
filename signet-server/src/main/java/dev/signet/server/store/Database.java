package dev.signet.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.jspecify.annotations.Nullable;

/**
 * The server's database: a HikariCP pool over H2 (embedded, the default) or PostgreSQL, migrated
 * with Flyway from {@code classpath:db/migration} before first use. Flyway takes a database lock
 * while migrating, so several server processes may start against one PostgreSQL database at once.
 */
public final class Database implements AutoCloseable {
  private static final java.util.logging.Logger LOG =
      java.util.logging.Logger.getLogger(Database.class.getName());

  private final HikariDataSource pool;
  private final String description;
  private final boolean compactOnClose;

  private Database(HikariDataSource pool, String description, boolean compactOnClose) {
    this.pool = pool;
    this.description = description;
    this.compactOnClose = compactOnClose;
  }

  /**
   * Opens the pool and migrates the schema.
   *
   * @param url a {@code jdbc:h2:} or {@code jdbc:postgresql:} URL
   * @param password never logged nor put in a message
   */
  public static Database open(String url, @Nullable String user, @Nullable String password)
      throws StoreException {
    String description = describe(url);
    if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
      throw new StoreException(
          "database url " + description + " is not supported (jdbc:h2: or jdbc:postgresql:)");
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(withCrashSafeH2Settings(url));
    if (user != null) {
      config.setUsername(user);
    }
    if (password != null) {
      config.setPassword(password);
    }
    config.setPoolName("signet");
    config.setMaximumPoolSize(StoreLimits.MAX_POOL_SIZE);
    config.setConnectionTimeout(StoreLimits.CONNECTION_TIMEOUT.toMillis());
    config.setValidationTimeout(StoreLimits.VALIDATION_TIMEOUT.toMillis());
    // Fail at start-up, not at the first request, when the database is unreachable.
    config.setInitializationFailTimeout(StoreLimits.CONNECTION_TIMEOUT.toMillis());
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new StoreException(
          "cannot connect to database " + description + ": " + rootMessage(e, password), e);
    }
    try {
      Flyway.configure()
          .dataSource(pool)
          .locations("classpath:db/migration")
          .failOnMissingLocations(true)
          .load()
          .migrate();
    } catch (FlywayException e) {
      pool.close();
      throw new StoreException(
          "cannot migrate database " + description + ": " + rootMessage(e, password), e);
    }
    String effective = config.getJdbcUrl();
    return new Database(
        pool, description, effective.toUpperCase(Locale.ROOT).contains(";REUSE_SPACE=FALSE"));
  }

  /**
   * H2 with {@code REUSE_SPACE=FALSE} unless the URL chooses otherwise: when H2 (2.5.252) writes a
   * commit into space freed inside the file, a SIGKILL can make the next open fall back to an older
   * version, silently losing the last commits it had reported durable (found by {@code
   * ServerCrashTest}: five audit receipts handed out, their leaves gone after the restart; and with
   * plain JDBC: about one kill in twenty lost the commits of its last milliseconds). Appending
   * every commit at the end of the file keeps the newest one where recovery finds it. The file
   * grows instead of refilling holes; H2 compacts it when the database closes.
   */
  static String withCrashSafeH2Settings(String url) {
    if (!isEmbeddedH2File(url) || url.toUpperCase(Locale.ROOT).contains(";REUSE_SPACE=")) {
      return url;
    }
    return url + ";REUSE_SPACE=FALSE";
  }

  /** H2's error 90121, DATABASE_CALLED_AT_SHUTDOWN: what its own SHUTDOWN leaves behind. */
  private static boolean isAlreadyClosed(Exception e) {
    return e instanceof SQLException sql && sql.getErrorCode() == 90121;
  }

  /**
   * {@code jdbc:h2:file:…} or {@code jdbc:h2:PATH}: a file this process opens itself. Not {@code
   * mem:}, and not {@code tcp:}/{@code ssl:}, whose database other processes share (and which a
   * {@code SHUTDOWN} would close under them).
   */
  static boolean isEmbeddedH2File(String url) {
    if (!url.startsWith("jdbc:h2:")) {
      return false;
    }
    String rest = url.substring("jdbc:h2:".length());
    return rest.startsWith("file:") || !rest.matches("(?s)[A-Za-z]{2,}:.*");
  }

  /** The pool, for the stores of later modules. */
  public DataSource dataSource() {
    return pool;
  }

  /** The URL without credentials or parameters, safe to log. */
  public String description() {
    return description;
  }

  /**
   * Checks that the database answers and holds the migrated schema, within {@code timeout}.
   *
   * @throws StoreException naming what failed
   */
  public void ping(Duration timeout) throws StoreException {
    int seconds = (int) Math.max(1, timeout.toSeconds());
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.setQueryTimeout(seconds);
      // Reading a table of ours, not just SELECT 1: a database that answers but lost its schema
      // (an embedded file that was removed) is not ready either.
      try (ResultSet rs = s.executeQuery("SELECT 1 FROM server_metadata WHERE 1 = 0")) {
        rs.next();
      }
    } catch (SQLException | RuntimeException e) {
      throw new StoreException(
          "database " + description + " is not ready: " + rootMessage(e, null));
    }
  }

  /**
   * Closes the pool. An H2 file database is compacted first ({@code SHUTDOWN COMPACT}): with {@code
   * REUSE_SPACE=FALSE} (see {@link #withCrashSafeH2Settings}) nothing else ever shrinks the file,
   * so every graceful stop gives back what the commits since the start appended.
   */
  @Override
  public void close() {
    if (compactOnClose) {
      boolean compacted = false;
      try (Connection c = pool.getConnection();
          Statement s = c.createStatement()) {
        s.execute("SHUTDOWN COMPACT");
        compacted = true;
      } catch (SQLException | RuntimeException e) {
        // With other pooled connections open, H2 answers the SHUTDOWN that did compact the file
        // with "Database is already closed" when the statement or connection is released: the
        // expected end, not a failure to report.
        if (!compacted && !isAlreadyClosed(e)) {
          // Not fatal: the data is committed; the file just stays as large as it grew.
          LOG.warning(
              "database " + description + ": cannot compact on close: " + rootMessage(e, null));
        }
      }
    }
    pool.close();
  }

  /** The engine-independent part of a URL: scheme and host or file, no query, no credentials. */
  static String describe(String url) {
    String u = url;
    int cut = indexOfAny(u, '?', ';');
    if (cut >= 0) {
      u = u.substring(0, cut);
    }
    int at = u.indexOf('@');
    int scheme = u.indexOf("//");
    if (at >= 0 && scheme >= 0 && at > scheme) {
      u = u.substring(0, scheme + 2) + u.substring(at + 1);
    }
    if (u.length() > StoreLimits.MAX_DESCRIBED_URL_CHARS) {
      u = u.substring(0, StoreLimits.MAX_DESCRIBED_URL_CHARS) + "…";
    }
    return u;
  }

  private static int indexOfAny(String s, char a, char b) {
    int i = s.indexOf(a);
    int j = s.indexOf(b);
    return i < 0 ? j : (j < 0 ? i : Math.min(i, j));
  }

  /** The innermost message, one line, with the password cut out should a driver echo it. */
  static String rootMessage(Throwable e, @Nullable String password) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    m = m.replaceAll("\\s*\\R\\s*", " ").strip();
    if (password != null && !password.isEmpty()) {
      m = m.replace(password, "***");
    }
    if (m.length() > 300) {
      m = m.substring(0, 300) + "…";
    }
    return m;
  }
}
