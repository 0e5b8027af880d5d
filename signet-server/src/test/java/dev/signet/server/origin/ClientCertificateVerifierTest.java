package dev.signet.server.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.signet.server.origin.OriginException.Reason;
import dev.signet.server.origin.testing.TestCa;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Client certificates from real CAs: chains, validity, usage, and CLIENTCERT-style rules. */
class ClientCertificateVerifierTest {
  static final String TEMPLATE = "1.3.6.1.4.1.311.21.8.1234.5678";
  static final String POLICY = "1.3.6.1.4.1.99999.1.2";

  static TestCa root;
  static TestCa clients;
  static TestCa otherRoot;

  @BeforeAll
  static void cas() {
    root = TestCa.root("CN=Signet Test Root,O=Acme");
    clients = root.intermediate("CN=Build Clients CA,O=Acme");
    otherRoot = TestCa.root("CN=Signet Test Root,O=Acme"); // same name, other key
  }

  static ClientCertificateVerifier verifier(CertificateRule... rules) throws OriginConfigException {
    return new ClientCertificateVerifier(
        List.of(root.certificate()), List.of(rules), Clock.systemUTC());
  }

  static OriginException refused(
      ClientCertificateVerifier v, List<X509Certificate> chain, Reason r) {
    OriginException e = (OriginException) catchThrowable(() -> v.verify(chain));
    assertThat(e).isNotNull();
    assertThat(e.reason()).as(e.getMessage()).isEqualTo(r);
    dev.signet.testing.FuzzChecks.typed(e);
    return e;
  }

  TestCa.Issued builder() {
    return clients
        .client("CN=build-agent-7,OU=CI,OU=Payments,O=Acme,C=DE")
        .template(TEMPLATE)
        .policy(POLICY)
        .issue();
  }

  @Test
  void certificateOfTheConfiguredCaVerifies() throws Exception {
    TestCa.Issued issued = builder();
    Credential.Certificate c = verifier().verify(issued.chain());
    assertThat(c.subjectDn()).isEqualTo("CN=build-agent-7,OU=CI,OU=Payments,O=Acme,C=DE");
    assertThat(c.issuerDn()).isEqualTo("CN=Build Clients CA,O=Acme");
    assertThat(c.subject())
        .containsEntry("CN", List.of("build-agent-7"))
        .containsEntry("OU", List.of("Payments", "CI")) // certificate (DER) order
        .containsEntry("C", List.of("DE"));
    assertThat(c.templateOids()).containsExactlyInAnyOrder(TEMPLATE, POLICY);
    assertThat(c.sha256()).isEqualTo(ClientCertificateVerifier.sha256(issued.certificate(), "t"));
    assertThat(c.caSha256())
        .as("the issuing CA, not the root")
        .isEqualTo(ClientCertificateVerifier.sha256(clients.certificate(), "t"));
    assertThat(c.method()).isEqualTo("mtls");
  }

  @Test
  void chainWithoutTheRootVerifies() throws Exception {
    TestCa.Issued issued = builder();
    verifier().verify(issued.chain().subList(0, 2));
  }

  @Test
  void certificateIssuedDirectlyByTheRootNamesTheRootAsCa() throws Exception {
    TestCa.Issued issued = root.client("CN=direct").issue();
    Credential.Certificate c = verifier().verify(List.of(issued.certificate()));
    assertThat(c.caSha256()).isEqualTo(ClientCertificateVerifier.sha256(root.certificate(), "t"));
  }

  @Test
  void certificateOfAnotherCaIsRefused() throws Exception {
    TestCa.Issued issued =
        otherRoot.intermediate("CN=Build Clients CA,O=Acme").client("CN=x").issue();
    refused(verifier(), issued.chain(), Reason.CERT_UNTRUSTED);
  }

  @Test
  void selfSignedLeafIsRefused() throws Exception {
    refused(verifier(), List.of(otherRoot.certificate()), Reason.CERT_USAGE);
  }

  @Test
  void expiredCertificateIsRefused() throws Exception {
    Instant now = Instant.now();
    TestCa.Issued issued =
        clients
            .client("CN=old")
            .validity(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)))
            .issue();
    refused(verifier(), issued.chain(), Reason.CERT_EXPIRED);
  }

  @Test
  void notYetValidCertificateIsRefused() throws Exception {
    Instant now = Instant.now();
    TestCa.Issued issued =
        clients
            .client("CN=future")
            .validity(now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)))
            .issue();
    refused(verifier(), issued.chain(), Reason.CERT_NOT_YET_VALID);
  }

  @Test
  void serverAuthOnlyCertificateIsRefused() throws Exception {
    TestCa.Issued issued = clients.client("CN=web").eku(KeyPurposeId.id_kp_serverAuth).issue();
    assertThat(refused(verifier(), issued.chain(), Reason.CERT_USAGE).getMessage())
        .contains("clientAuth");
  }

  @Test
  void certificateWithoutEkuIsAccepted() throws Exception {
    verifier().verify(clients.client("CN=any-use").eku().issue().chain());
  }

  @Test
  void keyUsageWithoutDigitalSignatureIsRefused() throws Exception {
    TestCa.Issued issued = clients.client("CN=enc").keyUsage(KeyUsage.keyEncipherment).issue();
    refused(verifier(), issued.chain(), Reason.CERT_USAGE);
  }

  @Test
  void emptyAndOverlongChainsAreRefused() throws Exception {
    refused(verifier(), List.of(), Reason.MALFORMED);
    X509Certificate leaf = builder().certificate();
    refused(
        verifier(),
        java.util.Collections.nCopies(OriginLimits.MAX_CHAIN_LENGTH + 1, leaf),
        Reason.MALFORMED);
  }

  @Test
  void subjectRuleMatchesRdnWiseNormalisedAndGlob() throws Exception {
    CertificateRule rule =
        new CertificateRule(
            "payments-builders",
            Map.of("cn", "BUILD-agent-*", "OU", "payments", "O", "  acme "),
            "cn=build clients ca,  o=ACME",
            null,
            null);
    verifier(rule).verify(builder().chain());
  }

  @Test
  void certificateMatchingNoRuleIsRefused() throws Exception {
    CertificateRule rule =
        new CertificateRule("deployers", Map.of("CN", "deploy-*"), null, null, null);
    refused(verifier(rule), builder().chain(), Reason.CERT_NOT_ALLOWED);
  }

  @Test
  void globDoesNotMatchAcrossMoreThanItsValue() {
    CertificateRule exact = new CertificateRule("r", Map.of("CN", "build"), null, null, null);
    Credential.Certificate c =
        new Credential.Certificate(
            "CN=build-7", "CN=ca", Map.of("CN", List.of("build-7")), java.util.Set.of(), "a", "b");
    assertThat(exact.matches(c)).isFalse();
    assertThat(new CertificateRule("r", Map.of("CN", "build*"), null, null, null).matches(c))
        .isTrue();
    assertThat(new CertificateRule("r", Map.of("CN", "*7"), null, null, null).matches(c)).isTrue();
    assertThat(new CertificateRule("r", Map.of("CN", "b.ild-7"), null, null, null).matches(c))
        .isFalse();
    assertThat(new CertificateRule("r", Map.of("OU", "*"), null, null, null).matches(c))
        .as("a missing attribute matches nothing, not even *")
        .isFalse();
  }

  @Test
  void caPinAndTemplateRules() throws Exception {
    String pin = ClientCertificateVerifier.sha256(clients.certificate(), "t");
    String colons = pin.toUpperCase(java.util.Locale.ROOT).replaceAll("(..)(?!$)", "$1:");
    verifier(new CertificateRule("pinned", Map.of(), null, colons, null)).verify(builder().chain());
    verifier(new CertificateRule("template", Map.of(), null, null, TEMPLATE))
        .verify(builder().chain());
    refused(
        verifier(new CertificateRule("other-ca", Map.of(), null, "00".repeat(32), null)),
        builder().chain(),
        Reason.CERT_NOT_ALLOWED);
    refused(
        verifier(new CertificateRule("other-template", Map.of(), null, null, "1.2.3.4")),
        builder().chain(),
        Reason.CERT_NOT_ALLOWED);
    refused(
        verifier(new CertificateRule("other-issuer", Map.of(), "CN=Other CA,O=Acme", null, null)),
        builder().chain(),
        Reason.CERT_NOT_ALLOWED);
  }

  @Test
  void badRulesAndCasAreConfigErrors() {
    assertThatThrownBy(() -> new CertificateRule("empty", Map.of(), null, null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CertificateRule("pin", Map.of(), null, "abc", null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() ->
            new ClientCertificateVerifier(
                List.of(builder().certificate()), List.of(), Clock.systemUTC()))
        .isInstanceOf(OriginConfigException.class)
        .hasMessageContaining("not a CA");
  }
}
