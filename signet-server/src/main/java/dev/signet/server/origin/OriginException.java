package dev.signet.server.origin;

import dev.signet.SignetException;

/**
 * A presented credential that does not prove an origin. The message is one line, names the claim,
 * header member, certificate field or token id that failed, and never contains a token, a token's
 * secret part or a signature.
 */
public final class OriginException extends SignetException {
  private static final long serialVersionUID = 1L;

  /** Why a credential was refused; the server maps these to its responses and audit entries. */
  public enum Reason {
    /** Not a well-formed token or credential (structure, encoding, a required claim missing). */
    MALFORMED,
    /** No configured issuer has this exact {@code iss}. */
    UNKNOWN_ISSUER,
    /**
     * The {@code alg} is not on the issuer's allow-list ({@code none}, HS*, or simply not listed).
     */
    ALG_NOT_ALLOWED,
    /** The signature does not verify with the issuer's key of that {@code kid}. */
    BAD_SIGNATURE,
    /** The issuer publishes no key with this {@code kid} (after a rate-limited refetch). */
    UNKNOWN_KEY,
    /** {@code exp} has passed (beyond the leeway). */
    EXPIRED,
    /** {@code nbf} or {@code iat} lies in the future (beyond the leeway). */
    NOT_YET_VALID,
    /** {@code iat} is older than the issuer's maximum token age. */
    TOO_OLD,
    /** {@code aud} is not (only) one of our audiences. */
    WRONG_AUDIENCE,
    /** A tenant-pin claim (e.g. Buildkite {@code organization_slug}) has another value. */
    TENANT_MISMATCH,
    /** This (issuer, {@code jti}) was used before. */
    REPLAYED,
    /** The replay guard cannot record a use (full, or its database is down): fail closed. */
    REPLAY_GUARD_UNAVAILABLE,
    /** Discovery or JWKS could not be fetched (network, status, size, timeout). */
    ISSUER_UNAVAILABLE,
    /**
     * Discovery or JWKS was fetched but is wrong (another issuer, a foreign jwks_uri, bad keys).
     */
    BAD_DISCOVERY,
    /** The client certificate chain does not lead to a configured CA. */
    CERT_UNTRUSTED,
    /** The client certificate (or a CA in its chain) has expired. */
    CERT_EXPIRED,
    /** The client certificate (or a CA in its chain) is not valid yet. */
    CERT_NOT_YET_VALID,
    /** The client certificate may not be used for TLS client authentication (EKU, key usage). */
    CERT_USAGE,
    /** The client certificate chains to a configured CA but matches no client-certificate rule. */
    CERT_NOT_ALLOWED,
    /** No project token has this id, or its secret is not the one presented. */
    UNKNOWN_TOKEN,
    /** The project token was revoked. */
    REVOKED,
    /** The project token is for another project. */
    WRONG_PROJECT,
    /** The project token does not allow this operation. */
    OPERATION_NOT_ALLOWED,
    /** A credential of a kind this server is not configured to accept. */
    NOT_ACCEPTED
  }

  private final Reason reason;

  public OriginException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public OriginException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
