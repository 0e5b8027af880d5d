package dev.signet.server.origin;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CertificatePolicies;
import org.bouncycastle.asn1.x509.PolicyInformation;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/**
 * Verifies a TLS client certificate chain on its own, independent of how the TLS stack was
 * configured: PKIX to one of the configured CAs at the verifier's clock, usable for client
 * authentication, and matching one of the rules (when there are rules). SignServer's CLIENTCERT
 * authorisation is the model: the rules live with the service, not in the TLS trust store.
 *
 * <p>Revocation is not checked (no CRL or OCSP); short-lived client certificates are the answer for
 * now, and docs/origin.md says so.
 */
public final class ClientCertificateVerifier {
  /** id-kp-clientAuth (RFC 5280 §4.2.1.12). */
  static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

  /** Microsoft certificate template information (template OID, major, minor version). */
  static final String MS_TEMPLATE = "1.3.6.1.4.1.311.21.7";

  private static final String CERTIFICATE_POLICIES = "2.5.29.32";

  private static final Map<String, String> ATTRIBUTE_NAMES =
      Map.ofEntries(
          Map.entry("2.5.4.3", "CN"),
          Map.entry("2.5.4.10", "O"),
          Map.entry("2.5.4.11", "OU"),
          Map.entry("2.5.4.6", "C"),
          Map.entry("2.5.4.7", "L"),
          Map.entry("2.5.4.8", "ST"),
          Map.entry("2.5.4.5", "SERIALNUMBER"),
          Map.entry("2.5.4.4", "SURNAME"),
          Map.entry("2.5.4.42", "GIVENNAME"),
          Map.entry("2.5.4.12", "T"),
          Map.entry("0.9.2342.19200300.100.1.25", "DC"),
          Map.entry("0.9.2342.19200300.100.1.1", "UID"),
          Map.entry("1.2.840.113549.1.9.1", "emailAddress"));

  private final Set<TrustAnchor> anchors;
  private final List<X509Certificate> cas;
  private final List<CertificateRule> rules;
  private final Clock clock;

  /**
   * @param cas the CA certificates client chains must lead to
   * @param rules which certificates of those CAs are accepted; empty accepts all of them (then
   *     policies must decide)
   */
  public ClientCertificateVerifier(
      List<X509Certificate> cas, List<CertificateRule> rules, Clock clock)
      throws OriginConfigException {
    if (cas.isEmpty()) {
      throw new OriginConfigException(
          "client certificates: at least one CA certificate is required");
    }
    Set<TrustAnchor> a = new LinkedHashSet<>();
    for (X509Certificate ca : cas) {
      if (ca.getBasicConstraints() < 0) {
        throw new OriginConfigException(
            "client certificates: "
                + ca.getSubjectX500Principal().getName()
                + " is not a CA certificate");
      }
      a.add(new TrustAnchor(ca, null));
    }
    this.anchors = Set.copyOf(a);
    this.cas = List.copyOf(cas);
    this.rules = List.copyOf(rules);
    this.clock = clock;
  }

  /**
   * The verified certificate, from a chain leaf first as the TLS stack presents it.
   *
   * @throws OriginException naming the certificate (by subject) and the check that failed
   */
  public Credential.Certificate verify(List<X509Certificate> chain) throws OriginException {
    if (chain.isEmpty()) {
      throw new OriginException(
          OriginException.Reason.MALFORMED, "the client certificate chain is empty");
    }
    if (chain.size() > OriginLimits.MAX_CHAIN_LENGTH) {
      throw new OriginException(
          OriginException.Reason.MALFORMED,
          "the client certificate chain has more than "
              + OriginLimits.MAX_CHAIN_LENGTH
              + " certificates");
    }
    X509Certificate leaf = chain.get(0);
    String subject = leaf.getSubjectX500Principal().getName(X500Principal.RFC2253);
    String who = "client certificate " + OriginLimits.shown(subject);
    Instant now = clock.instant();
    // PKIX takes a Date; the checks here use Instants.
    @SuppressWarnings("JavaUtilDate")
    Date date = Date.from(now);
    if (now.isAfter(leaf.getNotAfter().toInstant())) {
      throw new OriginException(
          OriginException.Reason.CERT_EXPIRED,
          who + " expired at " + leaf.getNotAfter().toInstant());
    }
    if (now.isBefore(leaf.getNotBefore().toInstant())) {
      throw new OriginException(
          OriginException.Reason.CERT_NOT_YET_VALID,
          who + " is not valid before " + leaf.getNotBefore().toInstant());
    }
    if (leaf.getBasicConstraints() >= 0) {
      throw new OriginException(OriginException.Reason.CERT_USAGE, who + " is a CA certificate");
    }
    checkUsage(leaf, who);

    // The path ends below the anchor: certificates the client sends from a configured CA upwards
    // are dropped, so that a client that sends its root too still validates.
    List<X509Certificate> path = new ArrayList<>();
    for (X509Certificate c : chain) {
      if (cas.contains(c)) {
        break;
      }
      path.add(c);
    }
    X509Certificate issuing;
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      CertPath certPath = cf.generateCertPath(path);
      PKIXParameters params = new PKIXParameters(anchors);
      params.setRevocationEnabled(false);
      params.setDate(date);
      PKIXCertPathValidatorResult result =
          (PKIXCertPathValidatorResult)
              CertPathValidator.getInstance("PKIX").validate(certPath, params);
      X509Certificate anchor = result.getTrustAnchor().getTrustedCert();
      issuing = path.size() > 1 ? path.get(1) : anchor;
      if (anchor == null) {
        throw new OriginException(
            OriginException.Reason.CERT_UNTRUSTED, who + ": no CA certificate");
      }
    } catch (CertPathValidatorException e) {
      OriginException.Reason reason =
          switch (e.getReason()) {
            case CertPathValidatorException.BasicReason.EXPIRED ->
                OriginException.Reason.CERT_EXPIRED;
            case CertPathValidatorException.BasicReason.NOT_YET_VALID ->
                OriginException.Reason.CERT_NOT_YET_VALID;
            default -> OriginException.Reason.CERT_UNTRUSTED;
          };
      throw new OriginException(
          reason,
          who + " does not chain to a configured CA: " + IssuerDocuments.oneLine(e.getMessage()),
          e);
    } catch (CertificateException
        | InvalidAlgorithmParameterException
        | NoSuchAlgorithmException e) {
      throw new OriginException(
          OriginException.Reason.CERT_UNTRUSTED,
          who + ": the chain cannot be validated: " + IssuerDocuments.oneLine(e.getMessage()),
          e);
    }

    Credential.Certificate credential =
        new Credential.Certificate(
            subject,
            leaf.getIssuerX500Principal().getName(X500Principal.RFC2253),
            subjectAttributes(leaf.getSubjectX500Principal()),
            templateOids(leaf, who),
            sha256(leaf, who),
            sha256(issuing, who));
    if (!rules.isEmpty() && rules.stream().noneMatch(r -> r.matches(credential))) {
      throw new OriginException(
          OriginException.Reason.CERT_NOT_ALLOWED, who + " matches no client-certificate rule");
    }
    return credential;
  }

  private static void checkUsage(X509Certificate leaf, String who) throws OriginException {
    List<String> eku;
    try {
      eku = leaf.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      throw new OriginException(
          OriginException.Reason.MALFORMED, who + ": unreadable extended key usage", e);
    }
    if (eku != null && !eku.contains(CLIENT_AUTH)) {
      throw new OriginException(
          OriginException.Reason.CERT_USAGE,
          who + ": extended key usage does not include clientAuth (" + CLIENT_AUTH + ")");
    }
    boolean[] ku = leaf.getKeyUsage();
    if (ku != null && !ku[0]) {
      throw new OriginException(
          OriginException.Reason.CERT_USAGE, who + ": key usage does not include digitalSignature");
    }
  }

  /** Subject attributes by short name, values in certificate order. */
  static Map<String, List<String>> subjectAttributes(X500Principal principal) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    X500Name name = X500Name.getInstance(principal.getEncoded());
    for (RDN rdn : name.getRDNs()) {
      for (AttributeTypeAndValue ava : rdn.getTypesAndValues()) {
        String oid = ava.getType().getId();
        out.computeIfAbsent(ATTRIBUTE_NAMES.getOrDefault(oid, oid), k -> new ArrayList<>())
            .add(value(ava.getValue()));
      }
    }
    out.replaceAll((k, v) -> List.copyOf(v));
    return out;
  }

  static String value(ASN1Encodable v) {
    if (v instanceof ASN1String s) {
      return s.getString();
    }
    try {
      return "#" + HexFormat.of().formatHex(v.toASN1Primitive().getEncoded());
    } catch (IOException e) {
      return "#";
    }
  }

  private static Set<String> templateOids(X509Certificate leaf, String who) throws OriginException {
    Set<String> out = new LinkedHashSet<>();
    try {
      byte[] template = leaf.getExtensionValue(MS_TEMPLATE);
      if (template != null) {
        ASN1Primitive p = JcaX509ExtensionUtils.parseExtensionValue(template);
        if (p instanceof ASN1Sequence seq
            && seq.size() >= 1
            && seq.getObjectAt(0) instanceof ASN1ObjectIdentifier oid) {
          out.add(oid.getId());
        } else {
          throw new OriginException(
              OriginException.Reason.MALFORMED, who + ": malformed certificate-template extension");
        }
      }
      byte[] policies = leaf.getExtensionValue(CERTIFICATE_POLICIES);
      if (policies != null) {
        ASN1Primitive p = JcaX509ExtensionUtils.parseExtensionValue(policies);
        for (PolicyInformation info : CertificatePolicies.getInstance(p).getPolicyInformation()) {
          out.add(info.getPolicyIdentifier().getId());
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new OriginException(
          OriginException.Reason.MALFORMED, who + ": unreadable template or policy extension", e);
    }
    return out;
  }

  static String sha256(X509Certificate cert, String who) throws OriginException {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
    } catch (CertificateEncodingException e) {
      throw new OriginException(OriginException.Reason.MALFORMED, who + ": cannot encode", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
