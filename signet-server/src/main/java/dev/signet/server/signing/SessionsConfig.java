package dev.signet.server.signing;

import dev.signet.server.ServerException;
import dev.signet.server.session.SessionLimits;
import dev.signet.server.session.Sessions;
import dev.signet.yaml.YamlNode;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The {@code sessions} section of the configuration file:
 *
 * <pre>
 * sessions:
 *   enabled: true   # false: no exchange; every request carries its own credentials
 *   maxTtl: 15m     # 1s..15m: the longest session; a longer ask is shortened
 *   maxUses: 100000 # 1..100000: the most signing requests per session; a larger ask is lowered
 * </pre>
 *
 * An operator tightens the bounds of {@link SessionLimits} here, never widens them.
 */
final class SessionsConfig {
  private SessionsConfig() {}

  static Sessions.Settings parse(@Nullable YamlNode section, String source) throws ServerException {
    Sessions.Settings d = Sessions.Settings.defaults();
    if (section == null) {
      return d;
    }
    if (!(section instanceof YamlNode.Mapping map)) {
      throw IssuersConfig.error(source, section, "sessions must be a mapping");
    }
    boolean enabled = d.enabled();
    Duration maxTtl = d.maxTtl();
    int maxUses = d.maxUses();
    for (YamlNode.Entry e : map.entries().values()) {
      YamlNode v = e.value();
      switch (e.key()) {
        case "enabled" -> enabled = IssuersConfig.bool(source, v, "sessions.enabled");
        case "maxTtl" -> {
          maxTtl = IssuersConfig.duration(source, v, "sessions.maxTtl");
          if (!maxTtl.isPositive() || maxTtl.compareTo(SessionLimits.MAX_TTL) > 0) {
            throw IssuersConfig.error(
                source,
                v,
                "sessions.maxTtl must be from 1s to " + SessionLimits.MAX_TTL.toMinutes() + "m");
          }
        }
        case "maxUses" -> {
          String s = IssuersConfig.scalar(source, v, "sessions.maxUses");
          int n = s.matches("[0-9]{1,6}") ? Integer.parseInt(s) : 0;
          if (n < 1 || n > SessionLimits.MAX_MAX_USES) {
            throw IssuersConfig.error(
                source,
                v,
                "sessions.maxUses must be a whole number from 1 to " + SessionLimits.MAX_MAX_USES);
          }
          maxUses = n;
        }
        default ->
            throw IssuersConfig.error(
                source,
                v,
                "sessions: unknown setting "
                    + (e.key().length() > 40 ? e.key().substring(0, 40) + "…" : e.key())
                    + " (known: enabled, maxTtl, maxUses)");
      }
    }
    return new Sessions.Settings(enabled, maxTtl, maxUses);
  }
}
