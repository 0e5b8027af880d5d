package dev.signet.server;

import dev.signet.input.InputLimits;
import dev.signet.server.ServerConfig.HostPort;
import dev.signet.server.custody.CustodyKind;
import dev.signet.yaml.YamlException;
import dev.signet.yaml.YamlNode;
import dev.signet.yaml.YamlNode.Entry;
import dev.signet.yaml.YamlNode.Mapping;
import dev.signet.yaml.YamlNode.Scalar;
import dev.signet.yaml.YamlNode.Sequence;
import dev.signet.yaml.YamlReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import org.jspecify.annotations.Nullable;

/**
 * Reads the server's YAML configuration file strictly: every key it does not know is refused with
 * its file, line and column, except the top-level sections other parts of the server own, which are
 * kept as nodes for their parsers. Core's {@link YamlReader} reads the YAML (no object
 * construction), with the limits of {@link ServerLimits}.
 */
public final class ConfigReader {
  private ConfigReader() {}

  /** Top-level sections read by other parts of the server (origins, policies, audit). */
  public static final Set<String> OTHER_SECTIONS =
      Set.of("issuers", "projects", "audit", "sessions");

  private static final Set<String> LOG_LEVELS =
      Set.of("off", "error", "warning", "info", "debug", "trace");

  public static ServerConfig read(Path file) throws ServerException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(ServerLimits.MAX_CONFIG_BYTES + 1);
    } catch (IOException e) {
      throw new ServerException("cannot read configuration " + file + ": " + e.getMessage(), e);
    }
    if (bytes.length > ServerLimits.MAX_CONFIG_BYTES) {
      throw new ServerException(
          file + ": configuration is larger than " + ServerLimits.MAX_CONFIG_BYTES + " bytes");
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new ServerException(file + ": configuration is not UTF-8");
    }
    Path base = file.toAbsolutePath().getParent();
    return parse(text, file.toString(), base == null ? Path.of("").toAbsolutePath() : base);
  }

  /**
   * The YAML rules of the configuration: one document, core tags only, and a bound on the nodes the
   * document expands to, since every parser of a section walks it with aliases expanded.
   */
  private static final YamlReader.Options YAML =
      YamlReader.Options.of(
              "configuration",
              new InputLimits(
                  ServerLimits.MAX_CONFIG_BYTES,
                  ServerLimits.MAX_CONFIG_ALIASES,
                  ServerLimits.MAX_CONFIG_DEPTH,
                  InputLimits.DEFAULT.maxSteps(),
                  1))
          .withMaxNodes(ServerLimits.MAX_CONFIG_NODES)
          .withMaxAliasNodes(ServerLimits.MAX_CONFIG_NODES);

  /** Parses configuration text; relative paths resolve against {@code base}. */
  public static ServerConfig parse(String text, String source, Path base) throws ServerException {
    YamlNode root;
    try {
      // All of it, not the first document only: a second document is refused, not ignored.
      List<YamlNode> documents = YamlReader.readAll(text, source, YAML);
      root = documents.isEmpty() ? null : documents.getFirst();
    } catch (YamlException e) {
      String message = at(source, e.position()) + e.problem();
      throw e.getCause() == null
          ? new ServerException(message)
          : new ServerException(message, e.getCause());
    }
    if (root == null) {
      return ServerConfig.defaults();
    }
    return new Reader(source, base).config(root);
  }

  private static final class Reader {
    private final String source;
    private final Path base;

    Reader(String source, Path base) {
      this.source = source;
      this.base = base;
    }

    ServerConfig config(YamlNode root) throws ServerException {
      Mapping top = mapping(root, "configuration");
      HostPort listen = ServerConfig.DEFAULT_LISTEN;
      Path cert = null;
      Path key = null;
      Path clientCa = null;
      String url = null;
      String user = null;
      String password = null;
      String passwordEnv = ServerConfig.DEFAULT_PASSWORD_ENV;
      Level level = Level.INFO;
      ServerConfig.CustodyConfig custody = ServerConfig.CustodyConfig.DEFAULT;
      Map<String, YamlNode> others = new LinkedHashMap<>();
      for (Entry t : top.entries().values()) {
        String name = key(t);
        YamlNode v = t.value();
        switch (name) {
          case "server" -> {
            for (Entry s : mapping(v, "server").entries().values()) {
              String k = key(s);
              switch (k) {
                case "listen" -> listen = hostPort(s.value(), "server.listen");
                case "tls" -> {
                  for (Entry tl : mapping(s.value(), "server.tls").entries().values()) {
                    switch (key(tl)) {
                      case "cert" -> cert = path(tl.value(), "server.tls.cert");
                      case "key" -> key = path(tl.value(), "server.tls.key");
                      case "clientCa" -> clientCa = path(tl.value(), "server.tls.clientCa");
                      default -> throw unknown(tl, "server.tls", "cert, key, clientCa");
                    }
                  }
                }
                default -> throw unknown(s, "server", "listen, tls");
              }
            }
          }
          case "database" -> {
            for (Entry d : mapping(v, "database").entries().values()) {
              switch (key(d)) {
                case "url" -> url = scalar(d.value(), "database.url");
                case "user" -> user = scalar(d.value(), "database.user");
                case "password" -> password = scalar(d.value(), "database.password");
                case "passwordEnv" -> {
                  passwordEnv = scalar(d.value(), "database.passwordEnv");
                  if (!passwordEnv.matches("[A-Za-z_][A-Za-z0-9_]{0,127}")) {
                    throw error(d.value(), "database.passwordEnv is not a variable name");
                  }
                }
                default -> throw unknown(d, "database", "url, user, password, passwordEnv");
              }
            }
          }
          case "log" -> {
            for (Entry l : mapping(v, "log").entries().values()) {
              switch (key(l)) {
                case "level" -> {
                  String s = scalar(l.value(), "log.level").toLowerCase(Locale.ROOT);
                  if (!LOG_LEVELS.contains(s)) {
                    throw error(
                        l.value(),
                        "log.level must be one of off, error, warning, info, debug, trace");
                  }
                  level = jul(s);
                }
                default -> throw unknown(l, "log", "level");
              }
            }
          }
          case "custody" -> custody = custody(v);
          default -> {
            if (!OTHER_SECTIONS.contains(name)) {
              throw unknown(
                  t, "", "server, database, log, custody, issuers, projects, audit, sessions");
            }
            others.put(name, v);
          }
        }
      }
      if ((cert == null) != (key == null)) {
        throw new ServerException(source + ": server.tls needs both cert and key, or neither");
      }
      return new ServerConfig(
          listen,
          cert,
          key,
          clientCa,
          url,
          user,
          password,
          passwordEnv,
          level,
          custody,
          others,
          source);
    }

    private ServerConfig.CustodyConfig custody(YamlNode v) throws ServerException {
      CustodyKind keys = CustodyKind.SOFTWARE;
      YamlNode keysNode = null;
      ServerConfig.Hsm hsm = null;
      for (Entry c : mapping(v, "custody").entries().values()) {
        switch (key(c)) {
          case "keys" -> {
            keysNode = c.value();
            keys =
                switch (scalar(keysNode, "custody.keys")) {
                  case "software" -> CustodyKind.SOFTWARE;
                  case "hsm" -> CustodyKind.HSM;
                  default -> throw error(keysNode, "custody.keys must be software or hsm");
                };
          }
          case "hsm" -> hsm = hsm(c.value());
          default -> throw unknown(c, "custody", "keys, hsm");
        }
      }
      if (keys == CustodyKind.HSM && hsm == null) {
        throw error(
            java.util.Objects.requireNonNull(keysNode),
            "custody.keys is hsm but there is no custody.hsm token");
      }
      return new ServerConfig.CustodyConfig(keys, hsm);
    }

    private ServerConfig.Hsm hsm(YamlNode v) throws ServerException {
      Mapping m = mapping(v, "custody.hsm");
      Path library = null;
      String token = null;
      Long slot = null;
      ServerConfig.PinSource pin = null;
      String masterKey = null;
      String keyLabel = "signet";
      for (Entry h : m.entries().values()) {
        YamlNode n = h.value();
        switch (key(h)) {
          case "library" -> library = path(n, "custody.hsm.library");
          case "token" -> {
            token = scalar(n, "custody.hsm.token");
            if (token.length() > ServerLimits.MAX_TOKEN_LABEL_CHARS
                || token.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
              throw error(
                  n,
                  "custody.hsm.token must be a token label of at most "
                      + ServerLimits.MAX_TOKEN_LABEL_CHARS
                      + " printable characters");
            }
          }
          case "slot" -> {
            String s = scalar(n, "custody.hsm.slot");
            if (!s.matches("[0-9]{1,18}")) {
              throw error(n, "custody.hsm.slot must be a slot id (a decimal number)");
            }
            slot = Long.parseLong(s);
          }
          case "pin" -> pin = pin(n);
          case "masterKey" -> masterKey = objectLabel(n, "custody.hsm.masterKey");
          case "keyLabel" -> keyLabel = objectLabel(n, "custody.hsm.keyLabel");
          default ->
              throw unknown(h, "custody.hsm", "library, token, slot, pin, masterKey, keyLabel");
        }
      }
      if (library == null) {
        throw error(v, "custody.hsm needs library: the path of the PKCS#11 module");
      }
      if ((token == null) == (slot == null)) {
        throw error(v, "custody.hsm needs exactly one of token (a label) or slot (an id)");
      }
      if (pin == null) {
        throw error(v, "custody.hsm needs pin: env:VARIABLE or file:PATH");
      }
      return new ServerConfig.Hsm(library, token, slot, pin, masterKey, keyLabel);
    }

    /**
     * {@code env:VAR} or {@code file:PATH}. A PIN written in the file is refused without repeating
     * it: configuration files get copied, committed and pasted into tickets.
     */
    private ServerConfig.PinSource pin(YamlNode n) throws ServerException {
      if (!(n instanceof Scalar s) || s.value().isEmpty()) {
        throw error(n, "custody.hsm.pin must be env:VARIABLE or file:PATH");
      }
      String value = s.value();
      if (value.startsWith("env:")) {
        String var = value.substring(4);
        if (!var.matches("[A-Za-z_][A-Za-z0-9_]{0,127}")) {
          throw error(n, "custody.hsm.pin: env: must name an environment variable");
        }
        return new ServerConfig.PinSource.Env(var);
      }
      if (value.startsWith("file:") && value.length() > 5) {
        return new ServerConfig.PinSource.File(path(n, value.substring(5), "custody.hsm.pin"));
      }
      throw error(
          n,
          "custody.hsm.pin must be env:VARIABLE or file:PATH; the PIN itself does not belong in"
              + " the configuration file");
    }

    private String objectLabel(YamlNode n, String what) throws ServerException {
      String s = scalar(n, what);
      if (s.length() > ServerLimits.MAX_OBJECT_LABEL_CHARS || !s.matches("[A-Za-z0-9._-]+")) {
        throw error(
            n,
            what
                + " must be 1-"
                + ServerLimits.MAX_OBJECT_LABEL_CHARS
                + " characters from A-Z a-z 0-9 . _ -");
      }
      return s;
    }

    private static Level jul(String s) {
      return switch (s) {
        case "off" -> Level.OFF;
        case "error" -> Level.SEVERE;
        case "warning" -> Level.WARNING;
        case "debug" -> Level.FINE;
        case "trace" -> Level.FINEST;
        default -> Level.INFO;
      };
    }

    private Mapping mapping(YamlNode n, String what) throws ServerException {
      if (n instanceof Mapping m) {
        return m;
      }
      throw error(n, what + " must be a mapping");
    }

    private static String key(Entry t) {
      return t.key();
    }

    private String scalar(YamlNode n, String what) throws ServerException {
      if (n instanceof Scalar s && !s.value().isEmpty()) {
        return s.value();
      }
      throw error(
          n,
          what + (n instanceof Sequence ? " must not be a list" : " must be a non-empty string"));
    }

    private Path path(YamlNode n, String what) throws ServerException {
      return path(n, scalar(n, what), what);
    }

    private Path path(YamlNode n, String s, String what) throws ServerException {
      try {
        return base.resolve(s).normalize();
      } catch (java.nio.file.InvalidPathException e) {
        throw error(n, what + " is not a valid path");
      }
    }

    private HostPort hostPort(YamlNode n, String what) throws ServerException {
      String s = scalar(n, what);
      try {
        return HostPort.parse(s, what);
      } catch (ServerException e) {
        throw error(n, e.getMessage());
      }
    }

    private ServerException unknown(Entry t, String section, String known) {
      String k = t.key();
      String where = section.isEmpty() ? "top level" : section;
      return error(
          t.keyNode(), "unknown key " + clip(k) + " in " + where + " (known: " + known + ")");
    }

    private ServerException error(YamlNode n, String message) {
      return new ServerException(at(source, n.position()) + message);
    }
  }

  /** {@code file:line:column: }, the place as compilers print it. */
  static String at(String source, YamlNode.@Nullable Position position) {
    if (position == null) {
      return source + ": ";
    }
    return source + ":" + position.line() + ":" + position.column() + ": ";
  }

  private static String clip(String s) {
    String one = oneLine(s);
    return one.length() > 64 ? one.substring(0, 64) + "…" : one;
  }

  private static String oneLine(String s) {
    return s.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
