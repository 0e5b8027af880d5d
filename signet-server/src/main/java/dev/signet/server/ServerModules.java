package dev.signet.server;

import dev.signet.server.audit.AuditRoutes;
import dev.signet.server.signing.SigningModule;
import java.util.List;

/** The modules a production server runs, in order. Each developer adds theirs here. */
public final class ServerModules {
  private ServerModules() {}

  public static List<ServerModule> defaults() {
    return List.of(new AuditRoutes(), new SigningModule());
  }
}
