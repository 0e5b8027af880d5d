package dev.signet.server.policy;

import dev.signet.server.origin.IssuerPreset;
import java.util.Optional;
import java.util.Set;

/**
 * What the policy loader needs to know about configured OIDC issuers: the claims each one issues,
 * and which of them name a tenant. Adapted from the origin package's issuer presets; the loader
 * refuses a rule on an unknown issuer or claim, and a rule on a shared issuer that pins no tenant.
 */
@FunctionalInterface
public interface IssuerVocabularies {

  /** The vocabulary of the issuer configured under {@code issuerName}, if one is. */
  Optional<Vocabulary> find(String issuerName);

  /**
   * The claims of one issuer.
   *
   * @param tenantClaims claims that tell one customer of the issuer from another; when non-empty, a
   *     rule must pin one of them to exact values (Buildkite's {@code organization_id}: one issuer
   *     for every organisation)
   * @param knownClaims claims a condition may name
   * @param knownClaimPrefixes prefixes of open claim families (GitHub's {@code repo_property_})
   */
  record Vocabulary(
      Set<String> tenantClaims, Set<String> knownClaims, Set<String> knownClaimPrefixes) {
    public Vocabulary {
      tenantClaims = Set.copyOf(tenantClaims);
      knownClaims = Set.copyOf(knownClaims);
      knownClaimPrefixes = Set.copyOf(knownClaimPrefixes);
      if (!knownClaims.containsAll(tenantClaims)) {
        throw new IllegalArgumentException("tenant claims must be known claims");
      }
    }

    /** The vocabulary of one of the origin package's presets (GitHub, Buildkite, GitLab). */
    public static Vocabulary of(IssuerPreset preset) {
      return new Vocabulary(
          preset.tenantClaims(), preset.claims(), Set.copyOf(preset.claimPrefixes()));
    }

    public boolean knows(String claim) {
      return knownClaims.contains(claim)
          || knownClaimPrefixes.stream()
              .anyMatch(p -> claim.startsWith(p) && claim.length() > p.length());
    }
  }
}
