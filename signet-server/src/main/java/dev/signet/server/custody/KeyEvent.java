package dev.signet.server.custody;

import dev.signet.keys.Algorithm;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One change to a custody key, for the audit log: written by the store in the same atomic step as
 * the change itself, so a change without its event (or the reverse) cannot exist.
 *
 * @param version the version the event is about (the new one for CREATED and ROTATED)
 * @param at when the change was made
 * @param effectiveAt for REVOKED: the revocation's effective time (a second REVOKED event for one
 *     version records the time moved earlier)
 * @param actor who asked (the verified caller, as the HTTP layer names it)
 * @param thumbprint the RFC 7638 thumbprint of the version's public key
 */
public record KeyEvent(
    Type type,
    String project,
    String name,
    int version,
    Algorithm algorithm,
    CustodyKind kind,
    String thumbprint,
    Instant at,
    @Nullable Instant effectiveAt,
    String actor) {
  public enum Type {
    CREATED,
    ROTATED,
    RETIRED,
    REVOKED
  }
}
