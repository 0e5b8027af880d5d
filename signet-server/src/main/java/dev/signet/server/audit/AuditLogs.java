package dev.signet.server.audit;

import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyException;
import dev.signet.keys.SoftwareKey;
import dev.signet.server.ServerConfig;
import dev.signet.server.store.Database;
import dev.signet.tlog.NoteSigner;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
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
   * The server's audit log. For now the in-memory reference log with a per-process key: not
   * durable, so a restart starts a new log. The database-backed log replaces it.
   */
  public static AuditLog open(ServerConfig config, Database database, SecretKey masterKey)
      throws AuditException {
    try {
      SoftwareKey key =
          SoftwareKey.fromPkcs8(
              SoftwareKey.generatePkcs8(Algorithm.EdDSA, new SecureRandom()),
              Algorithm.EdDSA,
              "audit-log",
              "audit log key");
      return new InMemoryAuditLog(DEFAULT_ORIGIN, NoteSigner.of(DEFAULT_ORIGIN, key));
    } catch (KeyException e) {
      throw new AuditException("cannot create the audit log key: " + e.getMessage(), e);
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
