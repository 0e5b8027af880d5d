package dev.signet.server.approval;

import dev.signet.server.origin.Credential;
import dev.signet.server.origin.Origin;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * Who requested or approved, for the rules "the requester never approves their own request" and "an
 * approver counts once". Equality is by kind, issuer and subject, exactly:
 *
 * <ul>
 *   <li>OIDC: the token's {@code iss} URL and {@code sub} (a subject is only unique within its
 *       issuer, and names such as a repository are not identities);
 *   <li>certificate: the issuer DN and subject DN, both in canonical RFC 2253 form;
 *   <li>project token: the project and the token's public id;
 *   <li>admin (a human using the admin API): the principal name, case-sensitive.
 * </ul>
 */
public record Identity(Kind kind, String issuer, String subject) {
  public enum Kind {
    OIDC,
    CERTIFICATE,
    TOKEN,
    ADMIN
  }

  public static Identity admin(String principal) {
    if (principal.isBlank()) {
      throw new IllegalArgumentException("an admin principal needs a name");
    }
    return new Identity(Kind.ADMIN, "", principal);
  }

  public static Identity of(Credential credential) {
    return switch (credential) {
      case Credential.Oidc o -> new Identity(Kind.OIDC, o.issuer(), o.subject());
      case Credential.Certificate c ->
          new Identity(Kind.CERTIFICATE, canonical(c.issuerDn()), canonical(c.subjectDn()));
      case Credential.ProjectToken t -> new Identity(Kind.TOKEN, t.project(), t.tokenId());
    };
  }

  /** Every identity the caller proved: a request made with two credentials has two. */
  public static Set<Identity> of(Origin origin) {
    Set<Identity> out = new LinkedHashSet<>();
    for (Credential c : origin.credentials()) {
      out.add(of(c));
    }
    return Set.copyOf(out);
  }

  private static String canonical(String dn) {
    try {
      return new X500Principal(dn).getName(X500Principal.CANONICAL);
    } catch (IllegalArgumentException e) {
      return dn; // the verifier produced it; compare as given rather than lose it
    }
  }

  /** For audit entries and messages: {@code oidc:https://…#repo:acme/x:ref:…}. */
  public String display() {
    return kind.name().toLowerCase(java.util.Locale.ROOT)
        + ":"
        + (issuer.isEmpty() ? "" : issuer + "#")
        + subject;
  }
}
