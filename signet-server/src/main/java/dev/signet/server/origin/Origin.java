package dev.signet.server.origin;

import java.util.List;
import java.util.Optional;

/**
 * Everything that was verified about the caller of one request: zero or more credentials (a request
 * may need several, e.g. an OIDC token and a client certificate). Policies decide over an Origin,
 * audit entries record it.
 */
public record Origin(List<Credential> credentials) {
  public Origin {
    credentials = List.copyOf(credentials);
  }

  public static Origin of(Credential... credentials) {
    return new Origin(List.of(credentials));
  }

  public Optional<Credential.Oidc> oidc() {
    return first(Credential.Oidc.class);
  }

  public Optional<Credential.Certificate> certificate() {
    return first(Credential.Certificate.class);
  }

  public Optional<Credential.ProjectToken> projectToken() {
    return first(Credential.ProjectToken.class);
  }

  private <T extends Credential> Optional<T> first(Class<T> type) {
    return credentials.stream().filter(type::isInstance).map(type::cast).findFirst();
  }
}
