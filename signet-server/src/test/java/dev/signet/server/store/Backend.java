package dev.signet.server.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Where the store contract tests run: in memory, on an H2 in-memory database, and on the PostgreSQL
 * named by {@code SIGNET_TEST_POSTGRES_URL} (a fresh schema per test; required when {@code
 * CI=true}). {@link #process} opens another "server process" on the same data: for the databases
 * its own {@link Database} and connection pool, so concurrency tests race real transactions, not
 * one pool's threads.
 */
abstract class Backend implements AutoCloseable {
  static final String PG_URL = "SIGNET_TEST_POSTGRES_URL";

  abstract String name();

  /** The stores of one more process on the same data. */
  abstract Stores process(Clock clock);

  /** The database of the last process opened, or null in memory. */
  abstract @Nullable Database database();

  @Override
  public String toString() {
    return name();
  }

  @Override
  public void close() {}

  static List<Backend> all() {
    List<Backend> out = new ArrayList<>();
    out.add(new Memory());
    out.add(h2());
    postgres().ifPresent(out::add);
    return out;
  }

  static List<Backend> databases() {
    return all().stream().filter(b -> !(b instanceof Memory)).toList();
  }

  static Jdbc h2() {
    return new Jdbc(
        "h2",
        "jdbc:h2:mem:t"
            + UUID.randomUUID().toString().replace("-", "")
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
        null,
        null);
  }

  static java.util.Optional<Jdbc> postgres() {
    String url = System.getenv(PG_URL);
    if (url == null || url.isBlank()) {
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException(
            PG_URL + " is not set but CI=true: .ci/run must start PostgreSQL for the store tests");
      }
      return java.util.Optional.empty();
    }
    String user = System.getenv("SIGNET_TEST_POSTGRES_USER");
    String password = System.getenv("SIGNET_TEST_POSTGRES_PASSWORD");
    String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection c = DriverManager.getConnection(url, user, password);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("cannot reach test PostgreSQL: " + e.getMessage(), e);
    }
    String sep = url.contains("?") ? "&" : "?";
    return java.util.Optional.of(
        new Jdbc("postgresql", url + sep + "currentSchema=" + schema, user, password));
  }

  static final class Memory extends Backend {
    private @Nullable Stores stores;

    @Override
    String name() {
      return "memory";
    }

    @Override
    synchronized Stores process(Clock clock) {
      if (stores == null) {
        stores = Stores.inMemory(clock);
      }
      return stores;
    }

    @Override
    @Nullable Database database() {
      return null;
    }
  }

  static final class Jdbc extends Backend {
    private final String name;
    final String url;
    final @Nullable String user;
    final @Nullable String password;
    private final List<Database> opened = new ArrayList<>();

    Jdbc(String name, String url, @Nullable String user, @Nullable String password) {
      this.name = name;
      this.url = url;
      this.user = user;
      this.password = password;
    }

    @Override
    String name() {
      return name;
    }

    Database open() {
      try {
        Database db = Database.open(url, user, password);
        synchronized (opened) {
          opened.add(db);
        }
        return db;
      } catch (StoreException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }

    @Override
    Stores process(Clock clock) {
      return Stores.jdbc(open(), clock);
    }

    @Override
    @Nullable Database database() {
      synchronized (opened) {
        return opened.isEmpty() ? null : opened.getLast();
      }
    }

    @Override
    public void close() {
      synchronized (opened) {
        opened.forEach(Database::close);
        opened.clear();
      }
    }
  }
}
