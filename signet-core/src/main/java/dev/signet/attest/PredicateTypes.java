package dev.signet.attest;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

/**
 * Predicate type names as users write them: a short alias for the types Signet generates, or the
 * type URI itself.
 */
public final class PredicateTypes {
  /** SLSA Provenance v1. */
  public static final String SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";

  private static final Map<String, String> ALIASES =
      Map.of(
          "slsa-provenance/v1", SLSA_PROVENANCE_V1,
          // cosign attest --type
          "slsaprovenance1", SLSA_PROVENANCE_V1);

  private PredicateTypes() {}

  /**
   * The type URI for an alias or an absolute URI.
   *
   * @throws AttestationException {@link AttestationException.Reason#MALFORMED} for anything else
   */
  public static String resolve(String nameOrUri) throws AttestationException {
    String alias = ALIASES.get(nameOrUri);
    if (alias != null) {
      return alias;
    }
    try {
      URI uri = new URI(nameOrUri);
      if (uri.isAbsolute() && !nameOrUri.isBlank() && nameOrUri.strip().equals(nameOrUri)) {
        return nameOrUri;
      }
    } catch (URISyntaxException e) {
      // fall through to the refusal
    }
    throw new AttestationException(
        AttestationException.Reason.MALFORMED,
        "predicate type \""
            + nameOrUri
            + "\" is neither slsa-provenance/v1 nor an absolute URI such as"
            + " https://example.com/test-result/v1");
  }

  /** Whether Signet accepts this predicate type without being told to (it generates it). */
  static boolean isKnown(String uri) {
    return uri.equals(SLSA_PROVENANCE_V1);
  }
}
