package dev.signet.server;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The child JVM of {@link ServerCrashTest}: the production server (every module of {@link
 * ServerModules#defaults}, JSON logs on stderr) as {@code signet server} starts it, on a free port
 * of 127.0.0.1. It prints the one-time admin token (first start only) and then {@value #LISTENING}
 * and the port on stdout, and runs until it is killed. No shutdown hook: the test only ever kills
 * it with SIGKILL.
 *
 * <p>Arguments: {@code CONFIG DATA-DIR [JDBC-URL]}; the database password comes from the
 * environment as for {@code signet server}.
 */
public final class CrashServerMain {
  static final String LISTENING = "signet-crash-child listening on port ";

  private CrashServerMain() {}

  public static void main(String[] args) throws Exception {
    @Nullable String database = args.length > 2 ? args[2] : null;
    PrintWriter out =
        new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    SignetServer server =
        SignetServer.start(
            new SignetServer.Options(
                Path.of(args[0]),
                Path.of(args[1]),
                "127.0.0.1:0",
                database,
                false,
                System.getenv(),
                out,
                true,
                ServerModules.defaults()));
    out.println(LISTENING + server.port());
    server.awaitStop();
  }
}
