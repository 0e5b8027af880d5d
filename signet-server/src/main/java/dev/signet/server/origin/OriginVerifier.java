package dev.signet.server.origin;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Verifies everything one request presents and returns it as one {@link Origin}. A request may
 * carry an OIDC ID token, a project token and a client certificate at once (a policy may require a
 * token <em>and</em> a certificate); every credential presented must verify, or the request is
 * refused: one bad credential is never outweighed by a good one. A credential of a kind this server
 * is not configured for is refused too ({@link OriginException.Reason#NOT_ACCEPTED}), not ignored.
 * A request that presents nothing gets an empty Origin, which policies refuse.
 */
public final class OriginVerifier {
  private final @Nullable OidcVerifier oidc;
  private final @Nullable ProjectTokens projectTokens;
  private final @Nullable ClientCertificateVerifier certificates;

  /** Each verifier may be null: that kind of credential is then not accepted. */
  public OriginVerifier(
      @Nullable OidcVerifier oidc,
      @Nullable ProjectTokens projectTokens,
      @Nullable ClientCertificateVerifier certificates) {
    this.oidc = oidc;
    this.projectTokens = projectTokens;
    this.certificates = certificates;
  }

  /**
   * The verified credentials of one request.
   *
   * @param idToken an OIDC ID token (from {@code Authorization: Bearer}), or null
   * @param projectToken a project token ({@code sgp_…}), or null
   * @param clientChain the TLS peer's certificate chain, leaf first, or null (or empty) when the
   *     client sent none
   */
  public Origin verify(
      @Nullable String idToken,
      @Nullable String projectToken,
      @Nullable List<X509Certificate> clientChain)
      throws OriginException {
    List<Credential> verified = new ArrayList<>();
    if (clientChain != null && !clientChain.isEmpty()) {
      if (certificates == null) {
        throw notAccepted("client certificates");
      }
      verified.add(certificates.verify(clientChain));
    }
    if (projectToken != null) {
      if (projectTokens == null) {
        throw notAccepted("project tokens");
      }
      verified.add(projectTokens.verify(projectToken));
    }
    // Last: a token that verifies is remembered as used, so it is spent only when the cheaper
    // credentials of the same request checked out.
    if (idToken != null) {
      if (oidc == null) {
        throw notAccepted("OIDC ID tokens");
      }
      verified.add(oidc.verify(idToken));
    }
    return new Origin(verified);
  }

  private static OriginException notAccepted(String what) {
    return new OriginException(
        OriginException.Reason.NOT_ACCEPTED, "this server is not configured to accept " + what);
  }
}
