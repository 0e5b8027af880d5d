package dev.signet.server.signing;

import dev.signet.server.ServerException;
import dev.signet.server.origin.IssuerConfig;
import dev.signet.server.origin.IssuerPreset;
import dev.signet.server.origin.OriginConfigException;
import dev.signet.yaml.YamlNode;
import dev.signet.yaml.YamlNode.Entry;
import dev.signet.yaml.YamlNode.Mapping;
import dev.signet.yaml.YamlNode.Scalar;
import dev.signet.yaml.YamlNode.Sequence;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The {@code issuers:} section of the server configuration: issuer name → preset or custom issuer.
 * Strict: an unknown key, a wrong type or an issuer the origin package refuses (a shared issuer
 * without a tenant pin, a symmetric algorithm) stops the start with {@code file:line:column}.
 *
 * <pre>
 * issuers:
 *   github:                       # the name policies use
 *     preset: github              # github | buildkite | gitlab; default: the name, if it is one
 *     audience: https://signet.example.com
 *     pins: { repository_owner_id: "123456" }
 *   jenkins:
 *     issuer: https://jenkins.example.com/oidc
 *     audience: signet
 * </pre>
 */
public final class IssuersConfig {
  private static final Set<String> KEYS =
      Set.of(
          "preset",
          "issuer",
          "audience",
          "algorithms",
          "pins",
          "leeway",
          "maxTokenAge",
          "singleUse",
          "allowInsecureLoopback");

  private IssuersConfig() {}

  /** Parses the section; {@code section} null (absent) means no OIDC issuer is trusted. */
  public static List<IssuerConfig> parse(@Nullable YamlNode section, String source)
      throws ServerException {
    if (section == null) {
      return List.of();
    }
    if (section instanceof Scalar s && s.value().isEmpty()) {
      return List.of();
    }
    if (!(section instanceof Mapping map)) {
      throw error(source, section, "issuers: expected a mapping of issuer name to issuer");
    }
    if (map.entries().size() > SigningLimits.MAX_ISSUERS) {
      throw error(source, section, "issuers: at most " + SigningLimits.MAX_ISSUERS + " issuers");
    }
    List<IssuerConfig> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Entry t : map.entries().values()) {
      String name = scalar(source, t.keyNode(), "issuer name");
      if (!name.matches("[a-z0-9][a-z0-9._-]{0,62}")) {
        throw error(
            source, t.keyNode(), "issuer name must be a-z 0-9 . _ -, at most 63: " + clip(name));
      }
      if (!names.add(name)) {
        throw error(source, t.keyNode(), "issuer " + name + " is defined twice");
      }
      out.add(issuer(source, name, t.value()));
    }
    return List.copyOf(out);
  }

  private static IssuerConfig issuer(String source, String name, YamlNode node)
      throws ServerException {
    if (!(node instanceof Mapping map)) {
      throw error(source, node, "issuer " + name + ": expected a mapping");
    }
    @Nullable String preset = null;
    @Nullable String url = null;
    List<String> audiences = new ArrayList<>();
    List<String> algorithms = new ArrayList<>();
    List<String[]> pins = new ArrayList<>();
    @Nullable Duration leeway = null;
    @Nullable Duration maxAge = null;
    @Nullable Boolean singleUse = null;
    boolean loopback = false;
    Set<String> seen = new HashSet<>();
    for (Entry t : map.entries().values()) {
      String key = scalar(source, t.keyNode(), "key");
      YamlNode v = t.value();
      String what = "issuer " + name + ": " + key;
      if (!KEYS.contains(key)) {
        throw error(
            source,
            t.keyNode(),
            "issuer " + name + ": unknown key " + clip(key) + " (known: " + known() + ")");
      }
      if (!seen.add(key)) {
        throw error(source, t.keyNode(), what + " is given twice");
      }
      switch (key) {
        case "preset" -> preset = scalar(source, v, what);
        case "issuer" -> url = scalar(source, v, what);
        case "audience" -> audiences.addAll(list(source, v, what));
        case "algorithms" -> algorithms.addAll(list(source, v, what));
        case "pins" -> {
          if (!(v instanceof Mapping pm)) {
            throw error(source, v, what + ": expected a mapping of claim to value");
          }
          for (Entry p : pm.entries().values()) {
            pins.add(
                new String[] {scalar(source, p.keyNode(), what), scalar(source, p.value(), what)});
          }
        }
        case "leeway" -> leeway = duration(source, v, what);
        case "maxTokenAge" -> maxAge = duration(source, v, what);
        case "singleUse" -> singleUse = bool(source, v, what);
        case "allowInsecureLoopback" -> loopback = bool(source, v, what);
        default -> throw new IllegalStateException(key);
      }
    }
    if (preset == null && url == null) {
      preset = presetName(name);
      if (preset == null) {
        throw error(
            source, node, "issuer " + name + ": give preset (github, buildkite, gitlab) or issuer");
      }
    }
    if (audiences.isEmpty()) {
      throw error(source, node, "issuer " + name + ": audience is required");
    }
    IssuerConfig.Builder b;
    if (preset != null) {
      IssuerPreset p = preset(source, node, name, preset);
      b = IssuerConfig.builder(p);
      if (url != null) {
        b.issuer(url);
      }
    } else {
      b = IssuerConfig.builder(name, java.util.Objects.requireNonNull(url));
    }
    for (String a : audiences) {
      b.audience(a);
    }
    if (!algorithms.isEmpty()) {
      b.algorithms(algorithms.toArray(String[]::new));
    }
    for (String[] pin : pins) {
      b.pin(pin[0], pin[1]);
    }
    if (leeway != null) {
      b.leeway(leeway);
    }
    if (maxAge != null) {
      b.maxTokenAge(maxAge);
    }
    if (singleUse != null) {
      b.singleUse(singleUse);
    }
    b.allowInsecureLoopback(loopback);
    try {
      IssuerConfig c = b.build();
      if (c.name().equals(name)) {
        return c;
      }
      // A preset under another name (two GitHub organisations, a GHES instance).
      return new IssuerConfig(
          name,
          c.issuer(),
          c.audiences(),
          c.algorithms(),
          c.leeway(),
          c.maxTokenAge(),
          c.tenantPins(),
          c.singleUse(),
          c.preset(),
          c.allowInsecureLoopback());
    } catch (OriginConfigException | IllegalArgumentException e) {
      throw error(source, node, oneLine(String.valueOf(e.getMessage())));
    }
  }

  private static @Nullable String presetName(String name) {
    for (IssuerPreset p : IssuerPreset.values()) {
      if (p.presetName().equals(name)) {
        return name;
      }
    }
    return null;
  }

  private static IssuerPreset preset(String source, YamlNode node, String name, String preset)
      throws ServerException {
    for (IssuerPreset p : IssuerPreset.values()) {
      if (p.presetName().equals(preset)) {
        return p;
      }
    }
    throw error(
        source,
        node,
        "issuer " + name + ": unknown preset " + clip(preset) + " (github, buildkite, gitlab)");
  }

  private static String known() {
    return String.join(", ", KEYS.stream().sorted().toList());
  }

  static String scalar(String source, YamlNode node, String what) throws ServerException {
    if (!(node instanceof Scalar s)) {
      throw error(source, node, what + ": expected a single value");
    }
    String v = s.value();
    if (v.length() > SigningLimits.MAX_CONFIG_VALUE_CHARS) {
      throw error(
          source,
          node,
          what + ": longer than " + SigningLimits.MAX_CONFIG_VALUE_CHARS + " characters");
    }
    return v;
  }

  private static List<String> list(String source, YamlNode node, String what)
      throws ServerException {
    if (node instanceof Sequence seq) {
      List<String> out = new ArrayList<>();
      for (YamlNode n : seq.items()) {
        out.add(scalar(source, n, what));
      }
      if (out.isEmpty()) {
        throw error(source, node, what + ": empty list");
      }
      return out;
    }
    return List.of(scalar(source, node, what));
  }

  static boolean bool(String source, YamlNode node, String what) throws ServerException {
    String v = scalar(source, node, what);
    return switch (v) {
      case "true" -> true;
      case "false" -> false;
      default -> throw error(source, node, what + ": expected true or false, got " + clip(v));
    };
  }

  /** {@code 30s}, {@code 5m}, {@code 1h} or ISO-8601 {@code PT30S}. */
  static Duration duration(String source, YamlNode node, String what) throws ServerException {
    String v = scalar(source, node, what);
    try {
      if (v.matches("[0-9]{1,6}[smh]")) {
        long n = Long.parseLong(v.substring(0, v.length() - 1));
        return switch (v.charAt(v.length() - 1)) {
          case 's' -> Duration.ofSeconds(n);
          case 'm' -> Duration.ofMinutes(n);
          default -> Duration.ofHours(n);
        };
      }
      return Duration.parse(v.toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      throw error(source, node, what + ": expected a duration such as 30s, 5m or PT1H");
    }
  }

  static ServerException error(String source, YamlNode node, String message) {
    YamlNode.Position p = node.position();
    return new ServerException(
        source + ":" + p.line() + ":" + p.column() + ": " + oneLine(message));
  }

  private static String oneLine(String s) {
    return s.replaceAll("\\s*\\R\\s*", " ").strip();
  }

  private static String clip(String s) {
    String one = oneLine(s);
    return one.length() > 60 ? one.substring(0, 60) + "…" : one;
  }
}
