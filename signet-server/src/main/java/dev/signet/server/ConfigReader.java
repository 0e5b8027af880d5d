package dev.signet.server;

import dev.signet.server.ServerConfig.HostPort;
import dev.signet.server.custody.CustodyKind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads the server's YAML configuration file strictly: every key it does not know is refused with
 * its file, line and column, except the top-level sections other parts of the server own, which are
 * kept as nodes for their parsers. snakeyaml-engine composes nodes only (no object construction),
 * with the limits of {@link ServerLimits}.
 */
public final class ConfigReader {
  private ConfigReader() {}

  /** Top-level sections read by other parts of the server (origins, policies, audit). */
  public static final Set<String> OTHER_SECTIONS = Set.of("issuers", "projects", "audit");

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

  /** Parses configuration text; relative paths resolve against {@code base}. */
  public static ServerConfig parse(String text, String source, Path base) throws ServerException {
    if (text.length() > ServerLimits.MAX_CONFIG_BYTES) {
      throw new ServerException(
          source + ": configuration is larger than " + ServerLimits.MAX_CONFIG_BYTES + " bytes");
    }
    LoadSettings settings =
        LoadSettings.builder()
            .setLabel(source)
            .setAllowDuplicateKeys(false)
            .setMaxAliasesForCollections(ServerLimits.MAX_CONFIG_ALIASES)
            .setAllowRecursiveKeys(false)
            .setCodePointLimit(ServerLimits.MAX_CONFIG_BYTES)
            .setUseMarks(true)
            .build();
    Optional<Node> root;
    try {
      checkDepth(text, source);
      root = new Compose(settings).composeString(text);
    } catch (MarkedYamlEngineException e) {
      Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
      String problem = e.getProblem() == null ? "malformed YAML" : e.getProblem();
      throw new ServerException(at(source, mark.orElse(null)) + oneLine(problem));
    } catch (YamlEngineException e) {
      throw new ServerException(source + ": " + oneLine(String.valueOf(e.getMessage())));
    } catch (RuntimeException | StackOverflowError e) {
      throw new ServerException(
          source + ": cannot read YAML (" + e.getClass().getSimpleName() + ")", e);
    }
    Reader r = new Reader(source, base);
    if (root.isEmpty()) {
      return ServerConfig.defaults();
    }
    // Aliases share nodes, so composing cannot blow up, but every parser walking a section
    // would: bound the tree as expanded, which also catches recursive aliases (cycles).
    expandedSize(root.get(), 1, new int[] {0}, source);
    return r.config(root.get());
  }

  /**
   * Refuses deep nesting before the recursive composer sees it. Counting flow brackets and
   * indentation is an over-approximation that never under-counts block nesting by much; the
   * configuration is small and shallow, so a generous bound on both is enough.
   */
  private static void checkDepth(String text, String source) throws ServerException {
    int flow = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '[' || c == '{') {
        if (++flow > ServerLimits.MAX_CONFIG_DEPTH) {
          throw new ServerException(
              source + ": nested deeper than " + ServerLimits.MAX_CONFIG_DEPTH + " levels");
        }
      } else if ((c == ']' || c == '}') && flow > 0) {
        flow--;
      }
    }
  }

  private static void expandedSize(Node n, int depth, int[] count, String source)
      throws ServerException {
    if (depth > ServerLimits.MAX_CONFIG_DEPTH) {
      throw new ServerException(
          at(source, n.getStartMark().orElse(null))
              + "nested deeper than "
              + ServerLimits.MAX_CONFIG_DEPTH
              + " levels (or a recursive alias)");
    }
    if (++count[0] > ServerLimits.MAX_CONFIG_NODES) {
      throw new ServerException(
          source
              + ": configuration expands to more than "
              + ServerLimits.MAX_CONFIG_NODES
              + " nodes (too many aliases)");
    }
    switch (n) {
      case MappingNode m -> {
        // snakeyaml refuses duplicate keys only when constructing objects, which we never do.
        Map<String, Node> seen = new java.util.HashMap<>();
        for (NodeTuple t : m.getValue()) {
          if (t.getKeyNode() instanceof ScalarNode k) {
            Node first = seen.putIfAbsent(k.getValue(), k);
            if (first != null) {
              Mark f = first.getStartMark().orElse(null);
              throw new ServerException(
                  at(source, k.getStartMark().orElse(null))
                      + "found duplicate key "
                      + clip(k.getValue())
                      + (f == null ? "" : " (first at line " + (f.getLine() + 1) + ")"));
            }
          }
          expandedSize(t.getKeyNode(), depth + 1, count, source);
          expandedSize(t.getValueNode(), depth + 1, count, source);
        }
      }
      case SequenceNode s -> {
        for (Node c : s.getValue()) {
          expandedSize(c, depth + 1, count, source);
        }
      }
      default -> {}
    }
  }

  private static final class Reader {
    private final String source;
    private final Path base;

    Reader(String source, Path base) {
      this.source = source;
      this.base = base;
    }

    ServerConfig config(Node root) throws ServerException {
      MappingNode top = mapping(root, "configuration");
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
      Map<String, Node> others = new LinkedHashMap<>();
      for (NodeTuple t : top.getValue()) {
        String name = key(t);
        Node v = t.getValueNode();
        switch (name) {
          case "server" -> {
            for (NodeTuple s : mapping(v, "server").getValue()) {
              String k = key(s);
              switch (k) {
                case "listen" -> listen = hostPort(s.getValueNode(), "server.listen");
                case "tls" -> {
                  for (NodeTuple tl : mapping(s.getValueNode(), "server.tls").getValue()) {
                    switch (key(tl)) {
                      case "cert" -> cert = path(tl.getValueNode(), "server.tls.cert");
                      case "key" -> key = path(tl.getValueNode(), "server.tls.key");
                      case "clientCa" -> clientCa = path(tl.getValueNode(), "server.tls.clientCa");
                      default -> throw unknown(tl, "server.tls", "cert, key, clientCa");
                    }
                  }
                }
                default -> throw unknown(s, "server", "listen, tls");
              }
            }
          }
          case "database" -> {
            for (NodeTuple d : mapping(v, "database").getValue()) {
              switch (key(d)) {
                case "url" -> url = scalar(d.getValueNode(), "database.url");
                case "user" -> user = scalar(d.getValueNode(), "database.user");
                case "password" -> password = scalar(d.getValueNode(), "database.password");
                case "passwordEnv" -> {
                  passwordEnv = scalar(d.getValueNode(), "database.passwordEnv");
                  if (!passwordEnv.matches("[A-Za-z_][A-Za-z0-9_]{0,127}")) {
                    throw error(d.getValueNode(), "database.passwordEnv is not a variable name");
                  }
                }
                default -> throw unknown(d, "database", "url, user, password, passwordEnv");
              }
            }
          }
          case "log" -> {
            for (NodeTuple l : mapping(v, "log").getValue()) {
              switch (key(l)) {
                case "level" -> {
                  String s = scalar(l.getValueNode(), "log.level").toLowerCase(Locale.ROOT);
                  if (!LOG_LEVELS.contains(s)) {
                    throw error(
                        l.getValueNode(),
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
              throw unknown(t, "", "server, database, log, custody, issuers, projects, audit");
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

    private ServerConfig.CustodyConfig custody(Node v) throws ServerException {
      CustodyKind keys = CustodyKind.SOFTWARE;
      Node keysNode = null;
      ServerConfig.Hsm hsm = null;
      for (NodeTuple c : mapping(v, "custody").getValue()) {
        switch (key(c)) {
          case "keys" -> {
            keysNode = c.getValueNode();
            keys =
                switch (scalar(keysNode, "custody.keys")) {
                  case "software" -> CustodyKind.SOFTWARE;
                  case "hsm" -> CustodyKind.HSM;
                  default -> throw error(keysNode, "custody.keys must be software or hsm");
                };
          }
          case "hsm" -> hsm = hsm(c.getValueNode());
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

    private ServerConfig.Hsm hsm(Node v) throws ServerException {
      MappingNode m = mapping(v, "custody.hsm");
      Path library = null;
      String token = null;
      Long slot = null;
      ServerConfig.PinSource pin = null;
      String masterKey = null;
      String keyLabel = "signet";
      for (NodeTuple h : m.getValue()) {
        Node n = h.getValueNode();
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
    private ServerConfig.PinSource pin(Node n) throws ServerException {
      if (!(n instanceof ScalarNode s) || s.getValue().isEmpty()) {
        throw error(n, "custody.hsm.pin must be env:VARIABLE or file:PATH");
      }
      String value = s.getValue();
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

    private String objectLabel(Node n, String what) throws ServerException {
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

    private MappingNode mapping(Node n, String what) throws ServerException {
      if (n instanceof MappingNode m) {
        return m;
      }
      throw error(n, what + " must be a mapping");
    }

    private String key(NodeTuple t) throws ServerException {
      if (t.getKeyNode() instanceof ScalarNode s) {
        return s.getValue();
      }
      throw error(t.getKeyNode(), "keys must be plain strings");
    }

    private String scalar(Node n, String what) throws ServerException {
      if (n instanceof ScalarNode s && !s.getValue().isEmpty()) {
        return s.getValue();
      }
      throw error(
          n,
          what
              + (n instanceof SequenceNode
                  ? " must not be a list"
                  : " must be a non-empty string"));
    }

    private Path path(Node n, String what) throws ServerException {
      return path(n, scalar(n, what), what);
    }

    private Path path(Node n, String s, String what) throws ServerException {
      try {
        return base.resolve(s).normalize();
      } catch (java.nio.file.InvalidPathException e) {
        throw error(n, what + " is not a valid path");
      }
    }

    private HostPort hostPort(Node n, String what) throws ServerException {
      String s = scalar(n, what);
      try {
        return HostPort.parse(s, what);
      } catch (ServerException e) {
        throw error(n, e.getMessage());
      }
    }

    private ServerException unknown(NodeTuple t, String section, String known) {
      String k = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : "?";
      String where = section.isEmpty() ? "top level" : section;
      return error(
          t.getKeyNode(), "unknown key " + clip(k) + " in " + where + " (known: " + known + ")");
    }

    private ServerException error(Node n, String message) {
      return new ServerException(at(source, n.getStartMark().orElse(null)) + message);
    }
  }

  private static String at(String source, @Nullable Mark mark) {
    if (mark == null) {
      return source + ": ";
    }
    return source + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1) + ": ";
  }

  private static String clip(String s) {
    String one = oneLine(s);
    return one.length() > 64 ? one.substring(0, 64) + "…" : one;
  }

  private static String oneLine(String s) {
    return s.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
