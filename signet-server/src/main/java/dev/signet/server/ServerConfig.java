package dev.signet.server;

import dev.signet.server.custody.CustodyKind;
import dev.signet.yaml.YamlNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.logging.Level;
import org.jspecify.annotations.Nullable;

/**
 * The server's configuration: the file's {@code server}, {@code database} and {@code log} sections
 * with command-line overrides applied. Paths are absolute (relative ones are resolved against the
 * configuration file's directory).
 *
 * @param listen host and port to listen on
 * @param tlsCert PEM certificate chain, or null for the generated self-signed one
 * @param tlsKey PEM private key for {@code tlsCert}
 * @param clientCa PEM CA certificates that client certificates (mTLS) may chain to, or null
 * @param databaseUrl JDBC URL, or null for the embedded H2 database in the data directory
 * @param databasePasswordEnv the environment variable holding the database password
 * @param custody where the master key and new custody keys live ({@code custody:})
 * @param otherSections the top-level sections other parts of the server read ({@code issuers},
 *     {@code projects}, {@code audit}), as YAML nodes with their marks, keyed by name
 * @param source the file the configuration came from, for messages ({@code <defaults>} if none)
 */
public record ServerConfig(
    HostPort listen,
    @Nullable Path tlsCert,
    @Nullable Path tlsKey,
    @Nullable Path clientCa,
    @Nullable String databaseUrl,
    @Nullable String databaseUser,
    @Nullable String databasePassword,
    String databasePasswordEnv,
    Level logLevel,
    CustodyConfig custody,
    Map<String, YamlNode> otherSections,
    String source) {

  public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 8443);
  public static final String DEFAULT_PASSWORD_ENV = "SIGNET_DB_PASSWORD";

  public ServerConfig {
    otherSections = Map.copyOf(otherSections);
  }

  /** The configuration when there is no file. */
  public static ServerConfig defaults() {
    return new ServerConfig(
        DEFAULT_LISTEN,
        null,
        null,
        null,
        null,
        null,
        null,
        DEFAULT_PASSWORD_ENV,
        Level.INFO,
        CustodyConfig.DEFAULT,
        Map.of(),
        "<defaults>");
  }

  /** The password is a secret: never printed. */
  @Override
  public String toString() {
    return "ServerConfig[listen=" + listen + ", source=" + source + "]";
  }

  /**
   * The {@code custody:} section.
   *
   * @param keys the backend of keys created without naming one ({@code keys: software|hsm})
   * @param hsm the PKCS#11 token for HSM keys and (with {@code masterKey}) the master key, or null
   */
  public record CustodyConfig(CustodyKind keys, @Nullable Hsm hsm) {
    public static final CustodyConfig DEFAULT = new CustodyConfig(CustodyKind.SOFTWARE, null);

    /** True when the master key is an AES key in the token, so there is no {@code master.key}. */
    public boolean hsmMasterKey() {
      return hsm != null && hsm.masterKey() != null;
    }
  }

  /**
   * {@code custody.hsm}: a PKCS#11 token. The PIN is never in the configuration, only where to find
   * it.
   *
   * @param library the PKCS#11 module (absolute)
   * @param token the token's label, or null when {@code slot} names it
   * @param slot the slot id, or null when {@code token} names it
   * @param masterKey the label of the AES-256 master key in the token, or null for {@code
   *     master.key} in the data directory
   * @param keyLabel the label prefix of HSM keys ({@code PREFIX.PROJECT.KEY.vN.RANDOM})
   */
  public record Hsm(
      Path library,
      @Nullable String token,
      @Nullable Long slot,
      PinSource pin,
      @Nullable String masterKey,
      String keyLabel) {}

  /** Where the token's user PIN comes from. */
  public sealed interface PinSource {
    /** {@code env:VARIABLE}. */
    record Env(String variable) implements PinSource {}

    /** {@code file:PATH} (absolute; a trailing line break is not part of the PIN). */
    record File(Path path) implements PinSource {}
  }

  /** A listen address; {@code host} is a name or a literal IP (IPv6 without brackets). */
  public record HostPort(String host, int port) {
    public HostPort {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
    }

    /**
     * Parses {@code HOST:PORT} or {@code [IPv6]:PORT}.
     *
     * @param what names the option or key in the message
     */
    public static HostPort parse(String s, String what) throws ServerException {
      String host;
      String port;
      if (s.startsWith("[")) {
        int close = s.indexOf("]:");
        if (close < 0) {
          throw new ServerException(what + ": expected [IPv6]:PORT, got " + clip(s));
        }
        host = s.substring(1, close);
        port = s.substring(close + 2);
      } else {
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || s.indexOf(':') != colon) {
          throw new ServerException(what + ": expected HOST:PORT, got " + clip(s));
        }
        host = s.substring(0, colon);
        port = s.substring(colon + 1);
      }
      if (host.isEmpty() || !port.matches("[0-9]{1,5}") || Integer.parseInt(port) > 65535) {
        throw new ServerException(
            what + ": expected HOST:PORT with a port 0-65535, got " + clip(s));
      }
      return new HostPort(host, Integer.parseInt(port));
    }

    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private static String clip(String s) {
      String one = s.replaceAll("\\s*\\R\\s*", " ").strip();
      return one.length() > 80 ? one.substring(0, 80) + "…" : one;
    }
  }
}
