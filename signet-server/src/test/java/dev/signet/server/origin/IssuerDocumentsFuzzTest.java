package dev.signet.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import dev.signet.testing.FuzzChecks;
import java.net.URI;
import java.util.Map;

/**
 * Fuzzes the two documents an issuer serves.
 *
 * <p>Properties: refusals are {@link OriginException}s with one-line messages; an accepted JWKS
 * yields only public EC or RSA (2048+ bits) keys with a bounded kid; an accepted discovery document
 * names exactly the configured issuer and a {@code jwks_uri} on its host over https.
 */
class IssuerDocumentsFuzzTest {
  static final IssuerConfig CONFIG;

  static {
    try {
      CONFIG =
          IssuerConfig.builder(IssuerPreset.GITHUB)
              .issuer("https://issuer.example.com")
              .audience("https://sign.example.com")
              .pin("repository_owner_id", "1")
              .build();
    } catch (OriginConfigException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @DictionaryEntries({
    "\"keys\"",
    "\"kty\":\"EC\"",
    "\"kty\":\"RSA\"",
    "\"kty\":\"oct\"",
    "\"crv\":\"P-256\"",
    "\"kid\"",
    "\"use\":\"enc\"",
    "\"d\"",
    "\"n\"",
    "\"e\":\"AQAB\""
  })
  @FuzzTest
  void jwks(@NotNull String body) {
    Map<String, JWK> keys;
    try {
      keys = IssuerDocuments.signingKeys(body, "fuzz JWKS");
    } catch (OriginException e) {
      FuzzChecks.typed(e);
      return;
    }
    keys.forEach((kid, k) -> {
      assertThat(kid).isNotEmpty().hasSizeLessThanOrEqualTo(OriginLimits.MAX_KID_CHARS);
      assertThat(k.isPrivate()).isFalse();
      assertThat(k).isInstanceOfAny(ECKey.class, RSAKey.class);
      if (k instanceof RSAKey rsa) {
        assertThat(rsa.size()).isGreaterThanOrEqualTo(IssuerDocuments.MIN_RSA_BITS);
      }
    });
  }

  @DictionaryEntries({
    "\"issuer\"",
    "\"https://issuer.example.com\"",
    "\"jwks_uri\"",
    "https://issuer.example.com/.well-known/jwks",
    "http://",
    "@",
    ":443"
  })
  @FuzzTest
  void discovery(@NotNull String body) {
    URI uri;
    try {
      uri = IssuerDocuments.jwksUri(body, CONFIG, "fuzz discovery");
    } catch (OriginException e) {
      FuzzChecks.typed(e);
      return;
    }
    assertThat(uri.getScheme()).isEqualTo("https");
    assertThat(uri.getHost()).isEqualTo("issuer.example.com");
    assertThat(uri.getPort()).isEqualTo(-1);
    assertThat(uri.getRawUserInfo()).isNull();
  }
}
