package dev.signet.server.policy;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.SequencedMap;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The condition records a rule is made of. */
public final class Conditions {
  private Conditions() {}

  /**
   * The rule needs an OIDC token from the configured issuer named {@code issuer} whose discrete
   * claims satisfy every entry of {@code claims} (in policy order). {@code tenantPins} names the
   * claims among them that the issuer's vocabulary declares tenant claims: a token that fails one
   * of those comes from another customer of the issuer, and the rule is not addressed to it.
   */
  public record Oidc(String issuer, SequencedMap<String, Match> claims, Set<String> tenantPins) {
    public Oidc {
      claims =
          java.util.Collections.unmodifiableSequencedMap(new java.util.LinkedHashMap<>(claims));
      tenantPins = Set.copyOf(tenantPins);
      if (!claims.keySet().containsAll(tenantPins)) {
        throw new IllegalArgumentException("tenant pins must be claim conditions");
      }
    }
  }

  /**
   * The rule needs a client certificate. {@code issuerDn} (RFC 2253, compared RDN-wise in canonical
   * form) and {@code caSha256} pin where it comes from; at least one of them is set. Each subject
   * attribute listed must be present, and every value of it must match; one of {@code
   * templateOids}, when given, must be among the certificate's template or policy OIDs.
   */
  public record Certificate(
      @Nullable String issuerDn,
      @Nullable String caSha256,
      SequencedMap<String, Match> subject,
      Set<String> templateOids) {
    public Certificate {
      subject =
          java.util.Collections.unmodifiableSequencedMap(new java.util.LinkedHashMap<>(subject));
      templateOids = Set.copyOf(templateOids);
    }
  }

  /** Pipeline signing only: every step key in the request must match. */
  public record Pipeline(Match stepKey) {}

  /** m-of-n approval: {@code quorum} distinct holders of {@code role}, before {@code expires}. */
  public record Approval(String role, int quorum, Duration expires) {}

  /** After an approval, later requests that match the same rule sign without waiting. */
  public record Grant(Duration ttl, int maxSignatures) {}

  /** A token bucket: {@code count} requests per {@code unit}, bursting up to {@code count}. */
  public record RateLimit(int count, ChronoUnit unit) {
    public String spec() {
      return count
          + switch (unit) {
            case SECONDS -> "/s";
            case MINUTES -> "/min";
            default -> "/h";
          };
    }
  }
}
