package dev.signet.server.approval;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Admin-API tokens of principals: {@code sga_<id>_<secret>}, the same shape and reasoning as
 * project tokens ({@code sgp_}, see {@code origin.ProjectTokens}): 64-bit public id, 256-bit
 * secret, only SHA-256 of the secret stored.
 */
public final class PrincipalTokens {
  public static final String PREFIX = "sga_";

  /** Longer bearers are refused before any parsing. */
  static final int MAX_TOKEN_CHARS = 128;

  private static final Pattern FORMAT = Pattern.compile("sga_([0-9a-f]{16})_([0-9a-f]{64})");
  private static final HexFormat HEX = HexFormat.of();

  private final PrincipalStore store;
  private final InstantSource clock;
  private final SecureRandom random = new SecureRandom();

  public PrincipalTokens(PrincipalStore store, InstantSource clock) {
    this.store = store;
    this.clock = clock;
  }

  /** A new token; {@code token} is shown once and never stored. */
  public record Issued(String token, PrincipalStore.StoredToken stored) {
    @Override
    public String toString() {
      return "Issued[" + stored.id() + "]";
    }
  }

  /** The parts of a well-formed bearer; the secret stays hex until it is hashed. */
  record Parsed(String id, String secretHex) {
    byte[] secret() {
      return HEX.parseHex(secretHex);
    }

    @Override
    public String toString() {
      return "Parsed[" + id + "]";
    }
  }

  public Issued issue(String principal, Duration lifetime) {
    if (!lifetime.isPositive()) {
      throw new IllegalArgumentException("a principal token needs a positive lifetime");
    }
    if (store.find(principal).isEmpty()) {
      throw new IllegalArgumentException("no principal " + principal);
    }
    byte[] id = new byte[8];
    byte[] secret = new byte[32];
    random.nextBytes(id);
    random.nextBytes(secret);
    Instant now = clock.instant();
    PrincipalStore.StoredToken stored =
        new PrincipalStore.StoredToken(
            HEX.formatHex(id),
            principal,
            HEX.formatHex(sha256(secret)),
            now,
            now.plus(lifetime),
            null);
    store.addToken(stored);
    return new Issued(PREFIX + stored.id() + "_" + HEX.formatHex(secret), stored);
  }

  /**
   * The enabled principal {@code bearer} authenticates: a known, unrevoked, unexpired {@code sga_}
   * token whose secret matches, or the bootstrap admin token. Empty otherwise, whatever the reason,
   * so a caller learns nothing from a refusal.
   */
  public Optional<PrincipalStore.Principal> authenticate(String bearer) {
    if (bearer.length() > MAX_TOKEN_CHARS) {
      return Optional.empty();
    }
    Optional<Parsed> parsed = parse(bearer);
    String principal;
    if (parsed.isPresent()) {
      PrincipalStore.StoredToken stored = store.findToken(parsed.get().id()).orElse(null);
      if (stored == null
          || !MessageDigest.isEqual(
              sha256(parsed.get().secret()), HEX.parseHex(stored.secretSha256()))
          || stored.revokedAt() != null
          || !clock.instant().isBefore(stored.expiresAt())) {
        return Optional.empty();
      }
      principal = stored.principal();
    } else if (!bearer.startsWith(PREFIX) && store.isBootstrapAdminToken(bearer)) {
      principal = PrincipalStore.ADMIN;
    } else {
      return Optional.empty();
    }
    return store.find(principal).filter(PrincipalStore.Principal::enabled);
  }

  /** The id and secret of a well-formed {@code sga_} token. */
  static Optional<Parsed> parse(String bearer) {
    if (bearer.length() > MAX_TOKEN_CHARS) {
      return Optional.empty();
    }
    Matcher m = FORMAT.matcher(bearer);
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(new Parsed(m.group(1), m.group(2)));
  }

  static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }
}
