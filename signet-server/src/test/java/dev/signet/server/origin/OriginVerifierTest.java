package dev.signet.server.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.signet.server.origin.OriginException.Reason;
import dev.signet.server.origin.testing.MutableClock;
import dev.signet.server.origin.testing.TestCa;
import dev.signet.server.origin.testing.TestOidcIssuer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One request, several credentials: all verified, or the request refused. */
class OriginVerifierTest {
  TestOidcIssuer issuer;
  MutableClock clock;
  TestCa root;
  OidcVerifier oidc;
  ProjectTokens projectTokens;
  ClientCertificateVerifier certificates;
  OriginVerifier origin;

  @BeforeEach
  void start() throws Exception {
    issuer = TestOidcIssuer.start();
    clock = MutableClock.startingNow();
    root = TestCa.root("CN=Root,O=Acme");
    oidc =
        new OidcVerifier(
            List.of(OidcVerifierTest.githubConfig(issuer)), new InMemoryReplayGuard(clock), clock);
    projectTokens = new ProjectTokens(new InMemoryProjectTokenStore(), clock);
    certificates = new ClientCertificateVerifier(List.of(root.certificate()), List.of(), clock);
    origin = new OriginVerifier(oidc, projectTokens, certificates);
  }

  @AfterEach
  void stop() {
    issuer.close();
  }

  String token() {
    return issuer.mintEs256(issuer.githubClaims(OidcVerifierTest.AUD, clock.instant()));
  }

  @Test
  void tokenAndCertificateTogether() throws Exception {
    Origin o = origin.verify(token(), null, root.client("CN=agent").issue().chain());
    assertThat(o.credentials()).hasSize(2);
    assertThat(o.oidc()).isPresent();
    assertThat(o.certificate())
        .get()
        .extracting(Credential.Certificate::subjectDn)
        .isEqualTo("CN=agent");
    assertThat(o.projectToken()).isEmpty();
  }

  @Test
  void allThreeTogether() throws Exception {
    String pt = projectTokens.issue("payments", Set.of("sign"), Duration.ofDays(1)).token();
    Origin o = origin.verify(token(), pt, root.client("CN=agent").issue().chain());
    assertThat(o.credentials()).hasSize(3);
  }

  @Test
  void aBadCertificateRefusesTheRequestAndDoesNotSpendTheToken() throws Exception {
    String token = token();
    List<java.security.cert.X509Certificate> foreign =
        TestCa.root("CN=Root,O=Acme").client("CN=agent").issue().chain();
    OriginException e = (OriginException) catchThrowable(() -> origin.verify(token, null, foreign));
    assertThat(e.reason()).isEqualTo(Reason.CERT_UNTRUSTED);
    assertThat(origin.verify(token, null, null).oidc()).isPresent();
  }

  @Test
  void aBadTokenRefusesTheRequestDespiteAGoodCertificate() {
    OriginException e =
        (OriginException)
            catchThrowable(
                () -> origin.verify("not.a.token", null, root.client("CN=agent").issue().chain()));
    assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
  }

  @Test
  void aBadProjectTokenRefusesTheRequest() {
    OriginException e =
        (OriginException) catchThrowable(() -> origin.verify(token(), "sgp_nope", null));
    assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
  }

  @Test
  void credentialsOfKindsNotConfiguredAreRefusedNotIgnored() {
    OriginVerifier oidcOnly = new OriginVerifier(oidc, null, null);
    OriginException e =
        (OriginException)
            catchThrowable(() -> oidcOnly.verify(null, null, root.client("CN=a").issue().chain()));
    assertThat(e.reason()).isEqualTo(Reason.NOT_ACCEPTED);
    e = (OriginException) catchThrowable(() -> oidcOnly.verify(null, "sgp_x", null));
    assertThat(e.reason()).isEqualTo(Reason.NOT_ACCEPTED);
    e =
        (OriginException)
            catchThrowable(() -> new OriginVerifier(null, null, null).verify("a.b.c", null, null));
    assertThat(e.reason()).isEqualTo(Reason.NOT_ACCEPTED);
  }

  @Test
  void nothingPresentedIsAnEmptyOrigin() throws Exception {
    assertThat(origin.verify(null, null, null).credentials()).isEmpty();
    assertThat(origin.verify(null, null, List.of()).credentials()).isEmpty();
  }
}
