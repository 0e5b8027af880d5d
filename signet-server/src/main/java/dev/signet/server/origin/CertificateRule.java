package dev.signet.server.origin;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.jspecify.annotations.Nullable;

/**
 * Which client certificates are accepted, after the chain verified: SignServer's CLIENTCERT rules
 * (subject field, issuer DN) plus an issuing-CA fingerprint pin and a certificate-template OID. All
 * conditions that are set must hold.
 *
 * <p>Subject fields are compared value by value (an attribute that occurs twice, like {@code OU},
 * matches when one of its values does), after normalising both sides: surrounding white space
 * removed, inner runs of white space collapsed, case ignored (X.520 caseIgnoreMatch). A pattern
 * with {@code *} is a glob whose star matches any run of characters; otherwise it is exact. The
 * issuer DN is compared RDN by RDN with the same normalisation, so {@code CN=Build CA, O=Acme} and
 * {@code cn=build ca,o=ACME} are the same name; the order of RDNs matters.
 *
 * @param name for audit entries and messages
 * @param subject attribute short name ({@code CN}, {@code O}, {@code OU}, {@code DC}, {@code UID},
 *     {@code emailAddress} …, or a dotted OID) to an exact value or glob
 * @param issuerDn the issuer DN, or null for any issuer of the configured CAs
 * @param caSha256 SHA-256 of the issuing CA certificate (hex, colons allowed), or null
 * @param templateOid a Microsoft template OID or certificate-policy OID the certificate must carry,
 *     or null
 */
public record CertificateRule(
    String name,
    Map<String, String> subject,
    @Nullable String issuerDn,
    @Nullable String caSha256,
    @Nullable String templateOid) {

  private static final Pattern WHITE = Pattern.compile("\\s+");

  public CertificateRule {
    subject = Map.copyOf(new TreeMap<>(subject));
    if (subject.isEmpty() && issuerDn == null && caSha256 == null && templateOid == null) {
      throw new IllegalArgumentException("client-certificate rule " + name + " has no condition");
    }
    if (issuerDn != null) {
      normaliseDn(issuerDn); // refuses a DN that does not parse, at load time
    }
    if (caSha256 != null) {
      caSha256 = caSha256.replace(":", "").toLowerCase(Locale.ROOT);
      if (!caSha256.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException(
            "client-certificate rule " + name + ": caSha256 is not a SHA-256 in hex");
      }
    }
    if (templateOid != null && !templateOid.matches("[0-2](\\.[0-9]+)+")) {
      throw new IllegalArgumentException(
          "client-certificate rule " + name + ": templateOid is not a dotted OID");
    }
  }

  public boolean matches(Credential.Certificate cert) {
    for (var condition : subject.entrySet()) {
      List<String> values = valuesOf(cert, condition.getKey());
      Pattern p = glob(condition.getValue());
      if (values.stream().noneMatch(v -> p.matcher(normalise(v)).matches())) {
        return false;
      }
    }
    if (issuerDn != null && !sameDn(issuerDn, cert.issuerDn())) {
      return false;
    }
    if (caSha256 != null && !caSha256.equals(cert.caSha256())) {
      return false;
    }
    return templateOid == null || cert.templateOids().contains(templateOid);
  }

  private static List<String> valuesOf(Credential.Certificate cert, String attribute) {
    for (var e : cert.subject().entrySet()) {
      if (e.getKey().equalsIgnoreCase(attribute)) {
        return e.getValue();
      }
    }
    return List.of();
  }

  private static Pattern glob(String pattern) {
    return Pattern.compile(
        java.util.Arrays.stream(normalise(pattern).split("\\*", -1))
            .map(Pattern::quote)
            .collect(java.util.stream.Collectors.joining(".*")),
        Pattern.DOTALL);
  }

  private static boolean sameDn(String a, String b) {
    try {
      return normaliseDn(a).equals(normaliseDn(b));
    } catch (IllegalArgumentException e) {
      return false; // a DN that does not parse matches nothing
    }
  }

  static String normalise(String value) {
    return WHITE.matcher(value.strip()).replaceAll(" ").toLowerCase(Locale.ROOT);
  }

  /** A DN as normalised RDNs, each {@code oid=value} (multi-valued RDNs sorted). */
  static List<String> normaliseDn(String dn) {
    // The JDK's parser on both sides (rules and the RFC 2253 names the verifier records), so that
    // RDN order means the same thing for both: most specific first, as people write DNs.
    X500Name name =
        X500Name.getInstance(new javax.security.auth.x500.X500Principal(dn).getEncoded());
    List<String> out = new ArrayList<>();
    for (RDN rdn : name.getRDNs()) {
      List<String> avas = new ArrayList<>();
      for (AttributeTypeAndValue ava : rdn.getTypesAndValues()) {
        avas.add(
            ava.getType().getId()
                + "="
                + normalise(ClientCertificateVerifier.value(ava.getValue())));
      }
      avas.sort(null);
      out.add(String.join("+", avas));
    }
    return out;
  }
}
