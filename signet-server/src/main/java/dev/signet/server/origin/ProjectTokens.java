package dev.signet.server.origin;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Project tokens: long-lived bearer secrets for callers without an OIDC issuer or a client
 * certificate, scoped to one project and a set of operations, expiring and revocable.
 *
 * <p>The format is {@code sgp_<id>_<secret>}: a visible prefix so that secret scanners and humans
 * recognise a leaked token, a public id (16 hex digits, 64 random bits) to find the stored record
 * and to name the token in audit entries and messages, and the secret (64 hex digits, 256 bits from
 * {@link SecureRandom}). Only SHA-256 of the secret is stored.
 *
 * <p>Why a plain SHA-256 and not bcrypt or Argon2: those slow down guessing of low-entropy secrets
 * such as passwords. A 256-bit random secret cannot be guessed however fast the hash, so a slow
 * hash would only add latency to every request; and since every secret is unique and random, a salt
 * protects nothing either. SHA-256's preimage resistance is what keeps a leaked table of hashes
 * from yielding tokens.
 */
public final class ProjectTokens {
  public static final String PREFIX = "sgp_";

  private static final Pattern FORMAT = Pattern.compile("sgp_([0-9a-f]{16})_([0-9a-f]{64})");
  private static final HexFormat HEX = HexFormat.of();

  private final ProjectTokenStore store;
  private final Clock clock;
  private final SecureRandom random;

  public ProjectTokens(ProjectTokenStore store, Clock clock) {
    this(store, clock, new SecureRandom());
  }

  public ProjectTokens(ProjectTokenStore store, Clock clock, SecureRandom random) {
    this.store = store;
    this.clock = clock;
    this.random = random;
  }

  /** Whether a bearer credential is meant as a project token (rather than an OIDC ID token). */
  public static boolean looksLikeProjectToken(String bearer) {
    return bearer.startsWith(PREFIX);
  }

  /** A new token; its {@link IssuedProjectToken#token()} is shown once and never stored. */
  public IssuedProjectToken issue(String project, Set<String> operations, Duration lifetime) {
    if (project.isBlank() || operations.isEmpty() || !lifetime.isPositive()) {
      throw new IllegalArgumentException(
          "a project token needs a project, at least one operation and a positive lifetime");
    }
    byte[] id = new byte[8];
    byte[] secret = new byte[32];
    random.nextBytes(id);
    random.nextBytes(secret);
    Instant now = clock.instant();
    StoredProjectToken stored =
        new StoredProjectToken(
            HEX.formatHex(id),
            project,
            operations,
            now,
            now.plus(lifetime),
            HEX.formatHex(sha256(secret)),
            null);
    store.add(stored);
    return new IssuedProjectToken(PREFIX + stored.id() + "_" + HEX.formatHex(secret), stored);
  }

  /**
   * The token's credential when the presented token is known, its secret matches, and it is neither
   * revoked nor expired.
   *
   * @throws OriginException naming the token by its public id only
   */
  public Credential.ProjectToken verify(String presented) throws OriginException {
    if (presented.length() > OriginLimits.MAX_PROJECT_TOKEN_CHARS) {
      throw new OriginException(
          OriginException.Reason.MALFORMED,
          "the project token is longer than "
              + OriginLimits.MAX_PROJECT_TOKEN_CHARS
              + " characters");
    }
    Matcher m = FORMAT.matcher(presented);
    if (!m.matches()) {
      throw new OriginException(
          OriginException.Reason.MALFORMED, "not a project token (sgp_<id>_<secret>)");
    }
    String id = m.group(1);
    StoredProjectToken stored = store.find(id).orElse(null);
    // The same refusal for an unknown id and a wrong secret; and the secret is checked before
    // anything about the token's state is told, so the public id alone reveals nothing.
    if (stored == null
        || !MessageDigest.isEqual(
            sha256(HEX.parseHex(m.group(2))), HEX.parseHex(stored.secretSha256()))) {
      throw new OriginException(
          OriginException.Reason.UNKNOWN_TOKEN, "no project token matches id " + id);
    }
    if (stored.revokedAt() != null) {
      throw new OriginException(
          OriginException.Reason.REVOKED,
          "project token " + id + " was revoked at " + stored.revokedAt());
    }
    if (!clock.instant().isBefore(stored.expiresAt())) {
      throw new OriginException(
          OriginException.Reason.EXPIRED,
          "project token " + id + " expired at " + stored.expiresAt());
    }
    return new Credential.ProjectToken(
        id, stored.project(), stored.operations(), stored.expiresAt());
  }

  /** {@link #verify}, and the token is for {@code project} and allows {@code operation}. */
  public Credential.ProjectToken verifyFor(String presented, String project, String operation)
      throws OriginException {
    Credential.ProjectToken t = verify(presented);
    if (!t.project().equals(project)) {
      throw new OriginException(
          OriginException.Reason.WRONG_PROJECT,
          "project token "
              + t.tokenId()
              + " is for another project, not "
              + OriginLimits.shown(project));
    }
    if (!t.operations().contains(operation)) {
      throw new OriginException(
          OriginException.Reason.OPERATION_NOT_ALLOWED,
          "project token " + t.tokenId() + " does not allow " + OriginLimits.shown(operation));
    }
    return t;
  }

  /** Revokes by public id; false when there is no such token. */
  public boolean revoke(String id) {
    return store.revoke(id, clock.instant());
  }

  private static byte[] sha256(byte[] secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
