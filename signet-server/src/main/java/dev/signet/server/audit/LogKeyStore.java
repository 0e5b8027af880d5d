package dev.signet.server.audit;

import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyException;
import dev.signet.keys.SoftwareKey;
import dev.signet.server.custody.CustodyException;
import dev.signet.server.custody.MasterKey;
import dev.signet.server.custody.SealBinding;
import dev.signet.server.custody.SoftwareMasterKey;
import dev.signet.tlog.NoteSigner;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import javax.crypto.SecretKey;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The log key in the {@code audit_key} row: an Ed25519 key made by the first process to start,
 * sealed under the master key, so every process sharing the database signs with the same key.
 * Processes racing to create it insert on one primary key: one wins, the others read its key.
 */
final class LogKeyStore {
  /** The custody binding of the sealed log key (AAD): it opens for this row only. */
  static SealBinding binding(String origin) {
    return new SealBinding("_audit", origin, 1, Algorithm.EdDSA);
  }

  private LogKeyStore() {}

  @SuppressWarnings("ArrayRecordComponent") // private, never compared
  private record Row(String origin, byte[] sealed, String vkey) {}

  static NoteSigner loadOrCreate(DataSource db, String origin, SecretKey masterKey)
      throws AuditException {
    byte[] raw = masterKey.getEncoded();
    try (SoftwareMasterKey master = SoftwareMasterKey.of(raw)) {
      return loadOrCreate(db, origin, master);
    } catch (CustodyException e) {
      throw new AuditException("audit log: cannot open the log key: " + e.getMessage(), e);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  /**
   * The log key sealed under {@code master}, software or in an HSM: with an HSM master key the log
   * key is sealed by the token like any custody key, so no master key bytes are needed here.
   */
  static NoteSigner loadOrCreate(DataSource db, String origin, MasterKey master)
      throws AuditException {
    try {
      Row row = read(db);
      if (row == null) {
        insert(db, origin, master);
        row = read(db);
        if (row == null) {
          throw new AuditException("audit log: the log key row vanished");
        }
      }
      if (!row.origin().equals(origin)) {
        throw new AuditException(
            "audit log: the configured origin "
                + origin
                + " is not the origin "
                + row.origin()
                + " this database's log was created with (audit.origin)");
      }
      NoteSigner signer = open(row, master);
      if (!signer.noteKey().format().equals(row.vkey())) {
        throw new AuditException("audit log: the sealed log key does not match its stored vkey");
      }
      return signer;
    } catch (CustodyException e) {
      throw new AuditException("audit log: cannot open the log key: " + e.getMessage(), e);
    }
  }

  private static NoteSigner open(Row row, MasterKey master)
      throws CustodyException, AuditException {
    byte[] pkcs8 = master.open(binding(row.origin()), row.sealed());
    try {
      return NoteSigner.of(row.origin(), key(pkcs8));
    } catch (KeyException e) {
      throw new AuditException("audit log: the log key is unusable: " + e.getMessage(), e);
    } finally {
      Arrays.fill(pkcs8, (byte) 0);
    }
  }

  private static SoftwareKey key(byte[] pkcs8) throws KeyException {
    return SoftwareKey.fromPkcs8(pkcs8, Algorithm.EdDSA, "audit-log", "audit log key");
  }

  private static void insert(DataSource db, String origin, MasterKey master)
      throws AuditException, CustodyException {
    byte[] pkcs8;
    String vkey;
    byte[] sealed;
    try {
      pkcs8 = SoftwareKey.generatePkcs8(Algorithm.EdDSA, new SecureRandom());
    } catch (KeyException e) {
      throw new AuditException("audit log: cannot create the log key: " + e.getMessage(), e);
    }
    try {
      vkey = NoteSigner.of(origin, key(pkcs8)).noteKey().format();
      sealed = master.seal(binding(origin), pkcs8);
    } catch (KeyException e) {
      throw new AuditException("audit log: cannot create the log key: " + e.getMessage(), e);
    } finally {
      Arrays.fill(pkcs8, (byte) 0);
    }
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO audit_key (id, origin, sealed, vkey, created_at) VALUES (1, ?, ?, ?,"
                    + " ?)")) {
      ps.setString(1, origin);
      ps.setBytes(2, sealed);
      ps.setString(3, vkey);
      ps.setTimestamp(4, Timestamp.from(Instant.now()));
      ps.executeUpdate();
    } catch (SQLException e) {
      if (!"23505".equals(e.getSQLState())) { // another process created it first: read theirs
        throw new AuditException(
            "audit log: cannot store the log key (database error: "
                + JdbcAuditLog.describe(e)
                + ")",
            e);
      }
    }
  }

  private static @Nullable Row read(DataSource db) throws AuditException {
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT origin, sealed, vkey FROM audit_key WHERE id = 1");
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return null;
      }
      return new Row(rs.getString(1), rs.getBytes(2), rs.getString(3));
    } catch (SQLException e) {
      throw new AuditException("audit log: cannot read the log key (database error)", e);
    }
  }
}
