package dev.signet.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.server.http.ApiRouting;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Client certificates reach handlers through the request context, checked against clientCa. */
class MtlsTest {
  record Issued(KeyPair keys, X509Certificate cert) {}

  static Issued issue(String subject, String issuer, KeyPair issuerKeys, boolean ca)
      throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair kp = g.generateKeyPair();
    KeyPair signer = issuerKeys == null ? kp : issuerKeys;
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            new X500Name(issuer),
            BigInteger.valueOf(now.toEpochMilli()),
            Date.from(now.minusSeconds(60)),
            Date.from(now.plusSeconds(3600)),
            new X500Name(subject),
            kp.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    return new Issued(
        kp,
        new JcaX509CertificateConverter()
            .getCertificate(
                b.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate()))));
  }

  static HttpClient clientWith(Path serverCert, Issued client) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    char[] pw = "test".toCharArray();
    ks.setKeyEntry("client", client.keys().getPrivate(), pw, new X509Certificate[] {client.cert()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, pw);
    SSLContext trusting = TestServers.trusting(serverCert);
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry(
        "server",
        java.security.cert.CertificateFactory.getInstance("X.509")
            .generateCertificate(Files.newInputStream(serverCert)));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    SSLContext ctx = SSLContext.getInstance("TLS");
    // Present our certificate whatever CAs the server names: the JDK client would otherwise
    // keep a certificate from another CA to itself, and the server's check would go untested.
    javax.net.ssl.X509ExtendedKeyManager km =
        (javax.net.ssl.X509ExtendedKeyManager) kmf.getKeyManagers()[0];
    javax.net.ssl.X509ExtendedKeyManager always =
        new javax.net.ssl.X509ExtendedKeyManager() {
          @Override
          public String[] getClientAliases(String t, java.security.Principal[] i) {
            return new String[] {"client"};
          }

          @Override
          public String chooseClientAlias(
              String[] t, java.security.Principal[] i, java.net.Socket s) {
            return "client";
          }

          @Override
          public String chooseEngineClientAlias(
              String[] t, java.security.Principal[] i, javax.net.ssl.SSLEngine e) {
            return "client";
          }

          @Override
          public String[] getServerAliases(String t, java.security.Principal[] i) {
            return new String[0];
          }

          @Override
          public String chooseServerAlias(
              String t, java.security.Principal[] i, java.net.Socket s) {
            return null;
          }

          @Override
          public X509Certificate[] getCertificateChain(String alias) {
            return km.getCertificateChain(alias);
          }

          @Override
          public java.security.PrivateKey getPrivateKey(String alias) {
            return km.getPrivateKey(alias);
          }
        };
    ctx.init(new javax.net.ssl.KeyManager[] {always}, tmf.getTrustManagers(), null);
    assertThat(trusting).isNotNull();
    return HttpClient.newBuilder().sslContext(ctx).build();
  }

  @Test
  void aClientCertificateFromTheConfiguredCaReachesTheHandler(@TempDir Path tmp) throws Exception {
    Issued ca = issue("CN=CI agents CA", "CN=CI agents CA", null, true);
    Issued agent = issue("O=buildkite-agent,CN=ci-runner-42", "CN=CI agents CA", ca.keys(), false);
    Issued otherCa = issue("CN=Other CA", "CN=Other CA", null, true);
    Issued stranger = issue("CN=stranger", "CN=Other CA", otherCa.keys(), false);
    Path caFile = tmp.resolve("client-ca.pem");
    Files.write(caFile, DataDir.pem("CERTIFICATE", ca.cert().getEncoded()));
    Path cfg = tmp.resolve("signet.yaml");
    Files.writeString(cfg, "server:\n  tls:\n    clientCa: client-ca.pem\n");

    ServerModule peer =
        (context, routes) ->
            routes.get(
                "/test/peer",
                (ctx, req, res) ->
                    ApiRouting.writeJson(
                        res,
                        200,
                        Map.of(
                            "subjects",
                            ctx.peerCertificates().stream()
                                .map(c -> c.getSubjectX500Principal().getName())
                                .toList())));
    Path data = tmp.resolve("data");
    SignetServer server =
        TestServers.start(data, new TestServers.Db("h2", null, null, null), cfg, List.of(peer))
            .server();
    try {
      Path serverCert = data.resolve(DataDir.TLS_CERT);
      URI uri = URI.create(TestServers.base(server) + "/test/peer");
      HttpResponse<String> withCert =
          clientWith(serverCert, agent)
              .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(withCert.body())
          .isEqualTo("{\"subjects\":[\"CN=ci-runner-42,O=buildkite-agent\"]}");

      // Optional: no certificate is fine at the TLS layer; the origin verifiers decide.
      HttpResponse<String> without =
          TestServers.client(data)
              .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(without.body()).isEqualTo("{\"subjects\":[]}");

      // A certificate from another CA passes the handshake and reaches the handler as it was
      // presented: the origin verifier refuses it per request (and the refusal is audited).
      HttpResponse<String> foreign =
          clientWith(serverCert, stranger)
              .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(foreign.body()).isEqualTo("{\"subjects\":[\"CN=stranger\"]}");
    } finally {
      server.close();
    }
  }
}
