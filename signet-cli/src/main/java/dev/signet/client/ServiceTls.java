package dev.signet.client;

import dev.signet.input.InputException;
import dev.signet.input.InputFiles;
import dev.signet.keys.KeyException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * The client's TLS: the JDK's CAs plus {@code SIGNET_SERVER_CA} (a private CA, or the server's
 * self-signed certificate), and a client certificate for mTLS from {@code SIGNET_CLIENT_CERT} and
 * {@code SIGNET_CLIENT_KEY} (PEM; the key unencrypted PKCS#8, as CI secrets hand it over).
 */
final class ServiceTls {
  static final String SERVER_CA = "SIGNET_SERVER_CA";
  static final String CLIENT_CERT = "SIGNET_CLIENT_CERT";
  static final String CLIENT_KEY = "SIGNET_CLIENT_KEY";

  private ServiceTls() {}

  /** Whether the environment names a client certificate (an identity of its own). */
  static boolean hasClientCertificate(Map<String, String> env) {
    return nonEmpty(env.get(CLIENT_CERT)) != null;
  }

  static SSLContext context(Map<String, String> env, String service) throws KeyException {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(keyManagers(env, service), trustManagers(env, service), new SecureRandom());
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new KeyException(
          KeyException.Reason.UNAVAILABLE,
          service + ": cannot set up TLS: " + e.getClass().getSimpleName());
    }
  }

  private static TrustManager @Nullable [] trustManagers(Map<String, String> env, String service)
      throws KeyException, GeneralSecurityException {
    String caFile = nonEmpty(env.get(SERVER_CA));
    if (caFile == null) {
      return null; // the JDK's CAs
    }
    List<X509Certificate> cas = certificates(caFile, SERVER_CA, service);
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException(e);
    }
    int i = 0;
    for (X509Certificate ca : cas) {
      store.setCertificateEntry("signet-ca-" + i++, ca);
    }
    X509TrustManager extra = x509(store);
    X509TrustManager jdk = x509(null);
    return new TrustManager[] {new EitherTrustManager(jdk, extra)};
  }

  private static X509TrustManager x509(@Nullable KeyStore store) throws GeneralSecurityException {
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager");
  }

  private static KeyManager @Nullable [] keyManagers(Map<String, String> env, String service)
      throws KeyException, GeneralSecurityException {
    String certFile = nonEmpty(env.get(CLIENT_CERT));
    String keyFile = nonEmpty(env.get(CLIENT_KEY));
    if (certFile == null && keyFile == null) {
      return null;
    }
    if (certFile == null || keyFile == null) {
      throw new KeyException(
          KeyException.Reason.UNREADABLE,
          service
              + ": set both "
              + CLIENT_CERT
              + " and "
              + CLIENT_KEY
              + " for a client certificate");
    }
    List<X509Certificate> chain = certificates(certFile, CLIENT_CERT, service);
    PrivateKey key = privateKey(keyFile, service);
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException(e);
    }
    // A throwaway in-memory store: the password only satisfies the KeyStore API.
    char[] pw = "signet".toCharArray();
    store.setKeyEntry("client", key, pw, chain.toArray(new Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, pw);
    return kmf.getKeyManagers();
  }

  private static List<X509Certificate> certificates(String file, String var, String service)
      throws KeyException {
    String text = read(file, var, service);
    try {
      Collection<? extends Certificate> certs =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(
                  new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c : certs) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new KeyException(
            KeyException.Reason.MALFORMED, var + " (" + file + ") holds no PEM certificate");
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new KeyException(
          KeyException.Reason.MALFORMED, var + " (" + file + ") is not a PEM certificate");
    }
  }

  private static PrivateKey privateKey(String file, String service) throws KeyException {
    String text = read(file, CLIENT_KEY, service);
    String begin = "-----BEGIN PRIVATE KEY-----";
    String end = "-----END PRIVATE KEY-----";
    int b = text.indexOf(begin);
    int e = text.indexOf(end);
    if (b < 0 || e < b) {
      throw new KeyException(
          KeyException.Reason.MALFORMED,
          CLIENT_KEY + " (" + file + ") is not an unencrypted PKCS#8 PEM key (BEGIN PRIVATE KEY)");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
    } catch (IllegalArgumentException x) {
      throw new KeyException(
          KeyException.Reason.MALFORMED, CLIENT_KEY + " (" + file + "): bad base64");
    }
    for (String alg : List.of("EC", "RSA", "Ed25519")) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException ignored) {
        // try the next key type
      }
    }
    throw new KeyException(
        KeyException.Reason.MALFORMED,
        CLIENT_KEY + " (" + file + "): not an EC, RSA or Ed25519 private key");
  }

  private static String read(String file, String var, String service) throws KeyException {
    try {
      return InputFiles.readText(file, ClientLimits.MAX_PEM_BYTES);
    } catch (InputException e) {
      throw new KeyException(
          KeyException.Reason.UNREADABLE, service + ": " + var + ": " + e.getMessage(), e);
    }
  }

  static @Nullable String nonEmpty(@Nullable String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /** Trusts a chain that either the JDK's CAs or the configured CA accept. */
  private record EitherTrustManager(X509TrustManager first, X509TrustManager second)
      implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("a client does not check clients");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws java.security.cert.CertificateException {
      try {
        second.checkServerTrusted(chain, authType);
      } catch (java.security.cert.CertificateException e) {
        first.checkServerTrusted(chain, authType);
      }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      X509Certificate[] a = first.getAcceptedIssuers();
      X509Certificate[] b = second.getAcceptedIssuers();
      X509Certificate[] all = java.util.Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, all, a.length, b.length);
      return all;
    }
  }
}
