package dev.signet.server.origin.testing;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CertificatePolicies;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.PolicyInformation;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A real X.509 CA for client-certificate tests (BouncyCastle): a root or intermediate, and client
 * certificates with a chosen subject, EKU, key usage, Microsoft template extension, policies and
 * validity.
 */
public final class TestCa {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final X500Name name;
  private final KeyPair keys;
  private final X509Certificate certificate;
  private final List<X509Certificate> chainAbove; // this CA's certificate and its issuers, upwards

  private TestCa(
      X500Name name, KeyPair keys, X509Certificate certificate, List<X509Certificate> above) {
    this.name = name;
    this.keys = keys;
    this.certificate = certificate;
    this.chainAbove = above;
  }

  /** A self-signed root, valid from a day ago for ten years. */
  public static TestCa root(String dn) {
    X500Name name = name(dn);
    KeyPair kp = keyPair();
    Instant now = Instant.now();
    X509Certificate cert =
        build(
            name,
            kp.getPrivate(),
            name,
            kp,
            now.minus(Duration.ofDays(1)),
            now.plus(Duration.ofDays(3650)),
            true,
            b -> {});
    return new TestCa(name, kp, cert, List.of(cert));
  }

  /** An intermediate CA below this one. */
  public TestCa intermediate(String dn) {
    X500Name sub = name(dn);
    KeyPair kp = keyPair();
    Instant now = Instant.now();
    X509Certificate cert =
        build(
            name,
            keys.getPrivate(),
            sub,
            kp,
            now.minus(Duration.ofDays(1)),
            now.plus(Duration.ofDays(3650)),
            true,
            b -> {});
    List<X509Certificate> above = new ArrayList<>();
    above.add(cert);
    above.addAll(chainAbove);
    return new TestCa(sub, kp, cert, List.copyOf(above));
  }

  /** The CA certificate in PEM, as a server's {@code clientCa} file holds it. */
  public String pem() throws CertificateEncodingException {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate().getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** Starts a client certificate for this subject: clientAuth EKU, digitalSignature, valid now. */
  public ClientBuilder client(String subjectDn) {
    return new ClientBuilder(subjectDn);
  }

  /** An issued client certificate and the chain a TLS client would present (leaf first). */
  public record Issued(X509Certificate certificate, PrivateKey key, List<X509Certificate> chain) {}

  /** Chooses what goes into a client certificate. */
  public final class ClientBuilder {
    private final X500Name subject;
    private Instant notBefore = Instant.now().minus(Duration.ofHours(1));
    private Instant notAfter = Instant.now().plus(Duration.ofDays(30));
    private List<KeyPurposeId> eku = List.of(KeyPurposeId.id_kp_clientAuth);
    private int keyUsage = KeyUsage.digitalSignature;
    private String templateOid;
    private final List<String> policies = new ArrayList<>();

    private ClientBuilder(String dn) {
      this.subject = name(dn);
    }

    public ClientBuilder validity(Instant from, Instant to) {
      this.notBefore = from;
      this.notAfter = to;
      return this;
    }

    /** Extended key usages; none at all when empty (then any use is allowed). */
    public ClientBuilder eku(KeyPurposeId... purposes) {
      this.eku = List.of(purposes);
      return this;
    }

    public ClientBuilder keyUsage(int bits) {
      this.keyUsage = bits;
      return this;
    }

    /** Microsoft certificate-template information (1.3.6.1.4.1.311.21.7), version 100.0. */
    public ClientBuilder template(String oid) {
      this.templateOid = oid;
      return this;
    }

    public ClientBuilder policy(String oid) {
      policies.add(oid);
      return this;
    }

    public Issued issue() {
      KeyPair kp = keyPair();
      X509Certificate cert =
          build(
              name,
              keys.getPrivate(),
              subject,
              kp,
              notBefore,
              notAfter,
              false,
              b -> {
                try {
                  b.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
                  if (!eku.isEmpty()) {
                    b.addExtension(
                        Extension.extendedKeyUsage,
                        false,
                        new ExtendedKeyUsage(eku.toArray(KeyPurposeId[]::new)));
                  }
                  if (templateOid != null) {
                    b.addExtension(
                        new ASN1ObjectIdentifier("1.3.6.1.4.1.311.21.7"),
                        false,
                        new DERSequence(
                            new org.bouncycastle.asn1.ASN1Encodable[] {
                              new ASN1ObjectIdentifier(templateOid),
                              new ASN1Integer(100),
                              new ASN1Integer(0)
                            }));
                  }
                  if (!policies.isEmpty()) {
                    b.addExtension(
                        Extension.certificatePolicies,
                        false,
                        new CertificatePolicies(
                            policies.stream()
                                .map(p -> new PolicyInformation(new ASN1ObjectIdentifier(p)))
                                .toArray(PolicyInformation[]::new)));
                  }
                } catch (java.io.IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      List<X509Certificate> chain = new ArrayList<>();
      chain.add(cert);
      chain.addAll(chainAbove);
      return new Issued(cert, kp.getPrivate(), List.copyOf(chain));
    }
  }

  private interface Extensions {
    void add(X509v3CertificateBuilder b);
  }

  @SuppressWarnings("JavaUtilDate")
  private static X509Certificate build(
      X500Name issuer,
      PrivateKey issuerKey,
      X500Name subject,
      KeyPair subjectKeys,
      Instant from,
      Instant to,
      boolean ca,
      Extensions extensions) {
    try {
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              issuer,
              new BigInteger(64, RANDOM),
              Date.from(from),
              Date.from(to),
              subject,
              subjectKeys.getPublic());
      if (ca) {
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(
            Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      }
      extensions.add(b);
      return new JcaX509CertificateConverter()
          .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    } catch (GeneralSecurityException
        | org.bouncycastle.operator.OperatorCreationException
        | java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** As the JDK reads a DN: most specific RDN first in text, last in the encoding. */
  private static X500Name name(String dn) {
    return X500Name.getInstance(new javax.security.auth.x500.X500Principal(dn).getEncoded());
  }

  private static KeyPair keyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
