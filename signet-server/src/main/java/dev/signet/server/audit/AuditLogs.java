package dev.signet.server.audit;

import dev.signet.server.ServerConfig;
import dev.signet.server.custody.MasterKey;
import dev.signet.server.store.Database;
import dev.signet.yaml.YamlNode;
import java.nio.charset.StandardCharsets;
import javax.crypto.SecretKey;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/** Opens the server's audit log and the secrets that go with it. */
public final class AuditLogs {
  /** The log's origin (first checkpoint line) unless configured. */
  public static final String DEFAULT_ORIGIN = "signet/audit";

  private AuditLogs() {}

  /**
   * The server's audit log, in its database: durable, shared by every process on the database,
   * signed with the log key sealed under {@code masterKey}. The origin comes from the configuration
   * file's {@code audit: {origin: …}}, else {@link #DEFAULT_ORIGIN}.
   */
  public static JdbcAuditLog open(ServerConfig config, Database database, SecretKey masterKey)
      throws AuditException {
    return JdbcAuditLog.open(database, origin(config), masterKey, JdbcAuditLog.Settings.defaults());
  }

  /** As {@link #open(ServerConfig, Database, SecretKey)}, with a software or HSM master key. */
  public static JdbcAuditLog open(ServerConfig config, Database database, MasterKey masterKey)
      throws AuditException {
    return JdbcAuditLog.open(database, origin(config), masterKey, JdbcAuditLog.Settings.defaults());
  }

  /** The configured origin: {@code audit.origin}, a scalar. */
  static String origin(ServerConfig config) throws AuditException {
    YamlNode section = config.otherSections().get("audit");
    if (section == null) {
      return DEFAULT_ORIGIN;
    }
    String where = config.source() + ": audit";
    if (!(section instanceof YamlNode.Mapping map)) {
      throw new AuditException(where + " must be a mapping");
    }
    @org.jspecify.annotations.Nullable String origin = null;
    for (YamlNode.Entry t : map.entries().values()) {
      String name = t.key();
      if (!name.equals("origin")) {
        throw new AuditException(where + ": unknown setting " + name + " (known: origin)");
      }
      if (!(t.value() instanceof YamlNode.Scalar v)) {
        throw new AuditException(where + ".origin must be a string");
      }
      origin = v.value();
    }
    if (origin == null) {
      return DEFAULT_ORIGIN;
    }
    try {
      checkOrigin(origin);
    } catch (AuditException e) {
      throw new AuditException(where + ".origin: " + e.getMessage(), e);
    }
    return origin;
  }

  /** An origin is a checkpoint's first line and the log key's name: no spaces, no {@code +}. */
  static void checkOrigin(String origin) throws AuditException {
    if (origin.isEmpty() || origin.length() > AuditLimits.MAX_ORIGIN_CHARS) {
      throw new AuditException(
          "the audit log origin must be 1.." + AuditLimits.MAX_ORIGIN_CHARS + " characters");
    }
    for (int i = 0; i < origin.length(); i++) {
      char ch = origin.charAt(i);
      if (ch <= 0x20 || ch == '+' || ch >= 0x7f) {
        throw new AuditException(
            "the audit log origin must be printable ASCII without spaces or '+'");
      }
    }
  }

  /**
   * The salt for {@link PersonalData}, derived from the master key so that every server process
   * sharing the database (and so the master key) HMACs a login alike, and nothing else must be
   * stored or backed up.
   */
  public static PersonalData personalData(SecretKey masterKey) {
    HMac mac = new HMac(new SHA256Digest());
    mac.init(new KeyParameter(masterKey.getEncoded()));
    byte[] label = "signet/audit-personal-data/v1".getBytes(StandardCharsets.UTF_8);
    mac.update(label, 0, label.length);
    byte[] salt = new byte[mac.getMacSize()];
    mac.doFinal(salt, 0);
    return new PersonalData(salt);
  }
}
