package dev.signet.server.origin;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One verified proof of where a request comes from. Only the verifiers in this package create them,
 * after the proof checked out: an instance is a fact, not a claim.
 */
public sealed interface Credential {

  /** How the caller proved itself; also the name used in policies and audit entries. */
  String method();

  /**
   * A CI OIDC ID token that verified against a configured issuer.
   *
   * @param issuerName the configured issuer's name (e.g. {@code github}), not its URL
   * @param issuer the token's {@code iss}, equal to the configured issuer URL
   * @param claims every top-level claim as a string (numbers and booleans in their JSON form); the
   *     standard time claims are kept too, so an audit entry can show them
   */
  record Oidc(
      String issuerName,
      String issuer,
      String subject,
      String audience,
      Instant issuedAt,
      Instant expiresAt,
      String tokenId,
      Map<String, String> claims)
      implements Credential {
    public Oidc {
      claims = Map.copyOf(claims);
    }

    @Override
    public String method() {
      return "oidc";
    }
  }

  /**
   * A TLS client certificate that chained to a configured CA.
   *
   * @param subject attribute name (CN, O, OU, C, L, ST, DC, UID, emailAddress) to its values, in
   *     certificate order
   * @param templateOids Microsoft certificate-template OIDs and certificate-policy OIDs
   * @param sha256 lowercase hex SHA-256 of the DER certificate
   */
  record Certificate(
      String subjectDn,
      String issuerDn,
      Map<String, List<String>> subject,
      Set<String> templateOids,
      String sha256,
      String caSha256)
      implements Credential {
    public Certificate {
      subject = Map.copyOf(subject);
      templateOids = Set.copyOf(templateOids);
    }

    @Override
    public String method() {
      return "mtls";
    }
  }

  /**
   * A project token that matched a stored, unexpired, unrevoked hash.
   *
   * @param tokenId the token's public id (never the secret)
   * @param operations what the token may be used for
   */
  record ProjectToken(String tokenId, String project, Set<String> operations, Instant expiresAt)
      implements Credential {
    public ProjectToken {
      operations = Set.copyOf(operations);
    }

    @Override
    public String method() {
      return "token";
    }
  }
}
