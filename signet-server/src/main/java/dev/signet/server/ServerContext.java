package dev.signet.server;

import dev.signet.server.audit.AuditLog;
import dev.signet.server.http.SignetMetrics;
import dev.signet.server.store.Database;
import javax.crypto.SecretKey;

/**
 * What a {@link ServerModule} gets to build its routes: the configuration (with the YAML of the
 * sections it owns), the database, the meters and the master key.
 *
 * @param masterKey the 32-byte key from the data directory, for sealing keys in custody
 * @param auditLog where every request, decision, key and policy event is recorded before it takes
 *     effect
 */
public record ServerContext(
    ServerConfig config,
    Database database,
    SignetMetrics metrics,
    SecretKey masterKey,
    AuditLog auditLog) {}
