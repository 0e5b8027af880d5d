package dev.signet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.yaml.YamlNode;
import java.nio.file.Path;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

class ConfigReaderTest {
  private static final Path BASE = Path.of("/etc/signet");

  private static ServerConfig parse(String yaml) throws ServerException {
    return ConfigReader.parse(yaml, "signet.yaml", BASE);
  }

  @Test
  void readsEverySectionAndResolvesPathsAgainstTheFile() throws ServerException {
    ServerConfig c =
        parse(
            """
            server:
              listen: "[::1]:9443"
              tls: {cert: tls/server.crt, key: /keys/server.key, clientCa: ca.pem}
            database:
              url: jdbc:postgresql://db.internal/signet
              user: signet
              passwordEnv: PGPASS
            log:
              level: warning
            issuers:
              - name: github
            projects:
              web: {keys: [release]}
            audit: {}
            """);
    assertThat(c.listen()).isEqualTo(new ServerConfig.HostPort("::1", 9443));
    assertThat(c.tlsCert()).isEqualTo(Path.of("/etc/signet/tls/server.crt"));
    assertThat(c.tlsKey()).isEqualTo(Path.of("/keys/server.key"));
    assertThat(c.clientCa()).isEqualTo(Path.of("/etc/signet/ca.pem"));
    assertThat(c.databaseUrl()).isEqualTo("jdbc:postgresql://db.internal/signet");
    assertThat(c.databaseUser()).isEqualTo("signet");
    assertThat(c.databasePasswordEnv()).isEqualTo("PGPASS");
    assertThat(c.logLevel()).isEqualTo(Level.WARNING);
    assertThat(c.otherSections()).containsOnlyKeys("issuers", "projects", "audit");
    assertThat(c.otherSections().get("issuers")).isInstanceOf(YamlNode.Sequence.class);
    assertThat(c.otherSections().get("projects")).isInstanceOf(YamlNode.Mapping.class);
    // Their parsers get marks to point at.
    assertThat(c.otherSections().get("issuers").position().line()).isEqualTo(11);
  }

  @Test
  void anEmptyFileMeansDefaults() throws ServerException {
    assertThat(parse("").listen()).isEqualTo(ServerConfig.DEFAULT_LISTEN);
    assertThat(parse("# nothing\n").databaseUrl()).isNull();
  }

  @Test
  void unknownKeysAreRefusedWithFileLineAndColumn() {
    assertThatThrownBy(() -> parse("server:\n  listen: 127.0.0.1:1\nplugins: []\n"))
        .isInstanceOf(ServerException.class)
        .hasMessage(
            "signet.yaml:3:1: unknown key plugins in top level (known: server, database, log,"
                + " custody, issuers, projects, audit, sessions)");
    assertThatThrownBy(() -> parse("database:\n  url: jdbc:h2:mem:x\n  pasword: hunter2\n"))
        .hasMessageStartingWith("signet.yaml:3:3: unknown key pasword in database")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> parse("server:\n  tls:\n    ca: x\n"))
        .hasMessageStartingWith("signet.yaml:3:5: unknown key ca in server.tls");
  }

  @Test
  void badValuesAreRefusedAtTheirPlace() {
    assertThatThrownBy(() -> parse("server:\n  listen: localhost\n"))
        .hasMessageStartingWith("signet.yaml:2:11: server.listen: expected HOST:PORT");
    assertThatThrownBy(() -> parse("server:\n  listen: a:99999\n"))
        .hasMessageContaining("port 0-65535");
    assertThatThrownBy(() -> parse("log:\n  level: loud\n"))
        .hasMessageStartingWith("signet.yaml:2:10: log.level must be one of");
    assertThatThrownBy(() -> parse("server: [1]\n"))
        .hasMessage("signet.yaml:1:9: server must be a mapping");
    assertThatThrownBy(() -> parse("server:\n  tls: {cert: a.crt}\n"))
        .hasMessage("signet.yaml: server.tls needs both cert and key, or neither");
    assertThatThrownBy(() -> parse("database:\n  passwordEnv: 'A B'\n"))
        .hasMessageContaining("database.passwordEnv is not a variable name");
  }

  @Test
  void duplicateKeysAliasBombsAndDeepNestingAreRefused() {
    assertThatThrownBy(() -> parse("log: {level: info}\nlog: {level: debug}\n"))
        .isInstanceOf(ServerException.class)
        .hasMessageStartingWith("signet.yaml:2:1: duplicate key \"log\" (first at line 1)");
    StringBuilder bomb = new StringBuilder("audit:\n  a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 60; i++) {
      bomb.append("  a").append(i).append(": &a").append(i).append(" [");
      bomb.append(("*a" + (i - 1) + ", ").repeat(8)).append("*a").append(i - 1).append("]\n");
    }
    assertThatThrownBy(() -> parse(bomb.toString()))
        .isInstanceOf(ServerException.class)
        .hasMessageContaining("aliases");
    // Under the alias count, but expanding to 9^6 nodes.
    assertThatThrownBy(
            () -> parse(bomb.toString().lines().limit(7).reduce("", (a, l) -> a + l + "\n")))
        .isInstanceOf(ServerException.class)
        .hasMessageContaining("too many aliases");
    assertThatThrownBy(() -> parse("log: {level: info}\n---\nlog: {level: debug}\n"))
        .isInstanceOf(ServerException.class)
        .hasMessage("signet.yaml:2:1: a configuration file holds one YAML document");
    assertThatThrownBy(() -> parse("audit: !custom {origin: x}\n"))
        .hasMessage("signet.yaml:1:8: the YAML tag !custom is not supported");
    assertThatThrownBy(() -> parse("audit: &a [*a]\n"))
        .isInstanceOf(ServerException.class)
        .hasMessageContaining("recursive alias");
    assertThatThrownBy(() -> parse("audit: " + "[".repeat(1000) + "]".repeat(1000)))
        .isInstanceOf(ServerException.class)
        .hasMessageContaining("nested deeper than");
    assertThatThrownBy(() -> parse("x".repeat(ServerLimits.MAX_CONFIG_BYTES + 1)))
        .hasMessageContaining("larger than");
  }

  @Test
  void hostPortForms() throws ServerException {
    assertThat(ServerConfig.HostPort.parse("0.0.0.0:443", "x"))
        .isEqualTo(new ServerConfig.HostPort("0.0.0.0", 443));
    assertThat(ServerConfig.HostPort.parse("[::]:8443", "x").toString()).isEqualTo("[::]:8443");
    assertThatThrownBy(() -> ServerConfig.HostPort.parse("::1:80", "--listen"))
        .hasMessageStartingWith("--listen: expected HOST:PORT");
  }
}
