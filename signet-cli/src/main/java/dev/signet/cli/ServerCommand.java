package dev.signet.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code signet server}: runs the signing service until SIGTERM. Nothing of signet-server is
 * referenced here, only in {@link ServerLauncher}, so other commands never load the server's
 * classes (Helidon, JDBC, Flyway) and start as fast as before.
 */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = {
      "Run the Signet signing service: HTTPS API, embedded H2 or PostgreSQL database.",
      "First start creates the data directory (master key, TLS certificate, database) and prints"
          + " an admin token once on stdout."
    })
final class ServerCommand implements Callable<Integer> {
  @Spec @Nullable CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file.")
  @Nullable Path config;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "signet-data",
      description =
          "Master key, generated TLS certificate, embedded database (default: ${DEFAULT-VALUE}).")
  Path dataDir = Path.of("signet-data");

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      description = "Address to listen on (default 127.0.0.1:8443, or server.listen).")
  @Nullable String listen;

  @Option(
      names = "--database",
      paramLabel = "JDBC-URL",
      description =
          "jdbc:postgresql://HOST/DB (user from database.user, password from \\$SIGNET_DB_PASSWORD)"
              + " instead of the embedded H2 database.")
  @Nullable String database;

  @Option(
      names = "--reset-admin-token",
      description = "Revoke every admin token and print a new one.")
  boolean resetAdminToken;

  @Override
  public Integer call() throws Exception {
    java.io.PrintWriter out =
        spec == null
            ? new java.io.PrintWriter(System.out, true, java.nio.charset.StandardCharsets.UTF_8)
            : spec.commandLine().getOut();
    return ServerLauncher.run(config, dataDir, listen, database, resetAdminToken, out);
  }
}
