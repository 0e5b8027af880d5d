package dev.signet.cli;

import dev.signet.server.ServerModules;
import dev.signet.server.SignetServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** Starts the server and blocks until SIGTERM or SIGINT has drained it. */
final class ServerLauncher {
  private ServerLauncher() {}

  static int run(
      @Nullable Path config,
      Path dataDir,
      @Nullable String listen,
      @Nullable String database,
      boolean resetAdminToken,
      PrintWriter out)
      throws Exception {
    SignetServer server =
        SignetServer.start(
            new SignetServer.Options(
                config,
                dataDir,
                listen,
                database,
                resetAdminToken,
                System.getenv(),
                out,
                true,
                ServerModules.defaults()));
    // SIGTERM: stop accepting, let requests in flight finish, close the pool.
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "signet-shutdown"));
    server.awaitStop();
    return ExitCode.OK;
  }
}
