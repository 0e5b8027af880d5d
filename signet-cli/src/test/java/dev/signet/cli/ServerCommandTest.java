package dev.signet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code signet server} refuses a bad start with one line and exit 2, before listening. */
class ServerCommandTest {
  @Test
  void anUnknownConfigKeyExits2NamingFileLineAndColumn(@TempDir Path tmp) throws Exception {
    Path cfg = tmp.resolve("signet.yaml");
    Files.writeString(cfg, "server:\n  listen: 127.0.0.1:0\ndatabse:\n  url: x\n");
    Cli r =
        Cli.run("server", "--config", cfg.toString(), "--data-dir", tmp.resolve("d").toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.INPUT);
    assertThat(r.errLines())
        .containsExactly(
            "signet: "
                + cfg
                + ":3:1: unknown key databse in top level (known: server, database, log, custody,"
                + " issuers, projects, audit, sessions)");
    assertThat(r.out()).isEmpty();
    assertThat(tmp.resolve("d")).doesNotExist();
  }

  @Test
  void helpListsTheOptions() {
    Cli r = Cli.run("server", "--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .contains("--config", "--data-dir", "--listen", "--database", "--reset-admin-token");
  }
}
