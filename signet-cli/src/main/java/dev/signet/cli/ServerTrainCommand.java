package dev.signet.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * The training run for the server's own ahead-of-time cache (JEP 483/514/515): the launcher runs it
 * with {@code -XX:AOTCacheOutput} before the first {@code signet server} of a build. The work is in
 * {@link ServerTraining}; this class names no server type, so registering it keeps {@code signet
 * --version} and the CLI's own cache free of server classes (as {@link ServerCommand} does).
 * Hidden: it is plumbing, not a user command.
 */
@Command(name = "aot-train-server", hidden = true)
final class ServerTrainCommand implements Callable<Integer> {
  @Override
  public Integer call() throws Exception {
    ServerTraining.run();
    return ExitCode.OK;
  }
}
