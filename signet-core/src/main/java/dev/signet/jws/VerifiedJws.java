package dev.signet.jws;

import dev.signet.keys.Algorithm;
import org.jspecify.annotations.Nullable;

/** A JWS that verified: which algorithm and key made it. */
public record VerifiedJws(Algorithm algorithm, @Nullable String keyId) {}
