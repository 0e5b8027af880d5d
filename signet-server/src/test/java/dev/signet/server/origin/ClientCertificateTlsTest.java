package dev.signet.server.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.signet.server.origin.testing.TestCa;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;

/**
 * A real TLS 1.3 handshake with a client certificate: the TLS layer accepts any client certificate,
 * and the chain it received is what {@link ClientCertificateVerifier} decides on.
 */
class ClientCertificateTlsTest {
  static final TestCa ROOT = TestCa.root("CN=TLS Root,O=Acme");

  @Test
  void peerChainOfARealHandshakeVerifies() throws Exception {
    TestCa.Issued client =
        ROOT.intermediate("CN=Clients,O=Acme").client("CN=agent-1,O=Acme").issue();
    List<X509Certificate> chain = handshake(client);
    assertThat(chain).hasSize(3);
    Credential.Certificate c =
        new ClientCertificateVerifier(List.of(ROOT.certificate()), List.of(), Clock.systemUTC())
            .verify(chain);
    assertThat(c.subject()).containsEntry("CN", List.of("agent-1"));
  }

  @Test
  void certificateTheTlsLayerAcceptedIsStillRefusedWhenFromAnotherCa() throws Exception {
    TestCa foreign = TestCa.root("CN=TLS Root,O=Acme");
    List<X509Certificate> chain = handshake(foreign.client("CN=agent-1,O=Acme").issue());
    OriginException e =
        (OriginException)
            catchThrowable(() ->
                new ClientCertificateVerifier(
                        List.of(ROOT.certificate()), List.of(), Clock.systemUTC())
                    .verify(chain));
    assertThat(e.reason()).isEqualTo(OriginException.Reason.CERT_UNTRUSTED);
  }

  private static List<X509Certificate> handshake(TestCa.Issued client) throws Exception {
    TestCa.Issued server = ROOT.client("CN=localhost").eku(KeyPurposeId.id_kp_serverAuth).issue();
    SSLContext serverCtx = SSLContext.getInstance("TLSv1.3");
    serverCtx.init(keyManagers(server), new TrustManager[] {new AcceptAnyClient()}, null);
    SSLContext clientCtx = SSLContext.getInstance("TLSv1.3");
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("root", ROOT.certificate());
    tmf.init(trust);
    clientCtx.init(keyManagers(client), tmf.getTrustManagers(), null);

    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (SSLServerSocket ss =
        (SSLServerSocket) serverCtx.getServerSocketFactory().createServerSocket(0, 1, loopback)) {
      ss.setNeedClientAuth(true);
      CompletableFuture<List<X509Certificate>> peer =
          CompletableFuture.supplyAsync(() -> {
            try (SSLSocket s = (SSLSocket) ss.accept()) {
              s.startHandshake();
              List<X509Certificate> out = new ArrayList<>();
              for (var c : s.getSession().getPeerCertificates()) {
                out.add((X509Certificate) c);
              }
              s.getOutputStream().write(1);
              s.getOutputStream().flush();
              return out;
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
      try (Socket s = clientCtx.getSocketFactory().createSocket(loopback, ss.getLocalPort());
          InputStream in = s.getInputStream()) {
        assertThat(in.read()).isEqualTo(1);
      }
      return peer.get(10, TimeUnit.SECONDS);
    }
  }

  private static javax.net.ssl.KeyManager[] keyManagers(TestCa.Issued issued) throws Exception {
    char[] pw = "test".toCharArray();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("k", issued.key(), pw, issued.chain().toArray(X509Certificate[]::new));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
    kmf.init(ks, pw);
    return kmf.getKeyManagers();
  }

  /** The TLS layer asks for a certificate but leaves the decision to the verifier. */
  private static final class AcceptAnyClient extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
      throw new UnsupportedOperationException("server side only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
      throw new UnsupportedOperationException("server side only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      throw new UnsupportedOperationException("server side only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
