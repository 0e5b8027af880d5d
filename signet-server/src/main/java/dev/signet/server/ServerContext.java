package dev.signet.server;

import dev.signet.server.audit.AuditLog;
import dev.signet.server.audit.PersonalData;
import dev.signet.server.custody.Custody;
import dev.signet.server.custody.MasterKey;
import dev.signet.server.http.SignetMetrics;
import dev.signet.server.store.Database;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link ServerModule} gets to build its routes: the configuration (with the YAML of the
 * sections it owns), the database, the meters and the master key.
 *
 * @param masterKey seals software keys in custody: {@code master.key} from the data directory, or
 *     an AES key in a PKCS#11 token ({@code custody.hsm.masterKey}); the server closes it
 * @param personalData the audit log's HMAC of personal values, under this deployment's salt
 * @param hsm the token HSM custody keys are generated in ({@code custody.hsm}), or null
 * @param auditLog where every request, decision, key and policy event is recorded before it takes
 *     effect
 */
public record ServerContext(
    ServerConfig config,
    Database database,
    SignetMetrics metrics,
    MasterKey masterKey,
    PersonalData personalData,
    Custody.@Nullable HsmSlot hsm,
    AuditLog auditLog) {}
