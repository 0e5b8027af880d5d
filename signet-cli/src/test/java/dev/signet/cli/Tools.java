package dev.signet.cli;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs independent tools (openssl, node) as processes; a missing tool fails, never skips. */
final class Tools {
  private Tools() {}

  record Result(int exit, String stdout, String stderr) {}

  static Result run(Path cwd, List<String> command) {
    try {
      Process p =
          new ProcessBuilder(command)
              .directory(cwd.toFile())
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .start();
      p.getOutputStream().close();
      var out = Thread.ofVirtual().start(() -> {});
      byte[][] streams = new byte[2][];
      Thread t1 = Thread.ofVirtual().start(() -> streams[0] = readAll(p.getInputStream()));
      Thread t2 = Thread.ofVirtual().start(() -> streams[1] = readAll(p.getErrorStream()));
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("%s timed out", command);
      }
      t1.join();
      t2.join();
      out.join();
      return new Result(
          p.exitValue(),
          new String(streams[0], StandardCharsets.UTF_8),
          new String(streams[1], StandardCharsets.UTF_8));
    } catch (IOException e) {
      fail("cannot run %s (%s): install it", command.getFirst(), e.getMessage());
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static byte[] readAll(java.io.InputStream in) {
    try {
      return in.readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }

  /** openssl; every Debian machine has it, CI too. */
  static Result openssl(Path cwd, String... args) {
    List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    return run(cwd, cmd);
  }
}
