package dev.signet.server.custody;

import dev.signet.keys.Algorithm;
import java.time.Instant;

/**
 * One custody key as the store holds it.
 *
 * @param currentVersion the version that signs (if it is {@link VersionState#ACTIVE})
 * @param revision bumped by every change; the store's compare-and-set compares it
 */
public record KeyRecord(
    String project,
    String name,
    Algorithm algorithm,
    CustodyKind kind,
    int currentVersion,
    long revision,
    Instant createdAt) {}
