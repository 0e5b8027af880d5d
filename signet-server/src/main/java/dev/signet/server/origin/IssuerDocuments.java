package dev.signet.server.origin;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.json.JsonWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Parsing of the two documents an issuer serves: the discovery document and its JWKS. Both are
 * untrusted (the network is between us and the issuer, and issuers have bugs), so both go through
 * the strict JSON reader first and are checked for what we rely on.
 */
final class IssuerDocuments {
  private static final JsonReader READER =
      new JsonReader(new InputLimits(OriginLimits.MAX_JWKS_BYTES, 0, 16, 1, 1));

  /** Smallest RSA modulus accepted for a signing key. */
  static final int MIN_RSA_BITS = 2048;

  private IssuerDocuments() {}

  /**
   * The {@code jwks_uri} of a discovery document, after checking that its {@code issuer} is the
   * configured one (OIDC Discovery §4.3) and that the key set lives at the issuer's origin.
   */
  static URI jwksUri(String body, IssuerConfig config, String source) throws OriginException {
    JsonObject doc = object(body, source);
    if (!(doc.get("issuer") instanceof JsonString(String issuer))) {
      throw bad(source + ": \"issuer\" is missing or not a string");
    }
    if (!issuer.equals(config.issuer())) {
      throw bad(
          source
              + ": the document is for issuer "
              + JsonWriter.quoteOneLine(issuer, OriginLimits.MAX_SHOWN)
              + ", not "
              + config.issuer());
    }
    if (!(doc.get("jwks_uri") instanceof JsonString(String jwks))) {
      throw bad(source + ": \"jwks_uri\" is missing or not a string");
    }
    URI uri;
    URI iss = URI.create(config.issuer());
    try {
      uri = new URI(jwks);
    } catch (URISyntaxException e) {
      throw bad(source + ": \"jwks_uri\" is not a URL");
    }
    if (!Fetcher.allowedScheme(uri, config.allowInsecureLoopback())) {
      throw bad(source + ": \"jwks_uri\" must be an https URL");
    }
    // Keys from the issuer's own origin only: a discovery document that points elsewhere would
    // let whoever controls that other host mint tokens for this issuer.
    if (!Objects.equals(uri.getScheme(), iss.getScheme())
        || !Objects.equals(uri.getHost(), iss.getHost())
        || uri.getPort() != iss.getPort()
        || uri.getRawUserInfo() != null) {
      throw bad(source + ": \"jwks_uri\" is not on the issuer's host " + iss.getHost());
    }
    return uri;
  }

  /**
   * The signing keys of a JWKS by {@code kid}: EC (P-256/384/521) and RSA (2048 bits or more)
   * public keys meant for signatures. Keys without a kid, of other types, or for encryption are
   * skipped (tokens must name a kid; we never verify with symmetric keys); a duplicate kid refuses
   * the whole set, because which key it means would depend on order.
   */
  static Map<String, JWK> signingKeys(String body, String source) throws OriginException {
    JsonObject doc = object(body, source);
    if (!(doc.get("keys") instanceof JsonArray keys)) {
      throw bad(source + ": \"keys\" is missing or not an array");
    }
    if (keys.size() > OriginLimits.MAX_JWKS_KEYS) {
      throw bad(source + ": more than " + OriginLimits.MAX_JWKS_KEYS + " keys");
    }
    Map<String, JWK> out = new LinkedHashMap<>();
    int i = 0;
    for (JsonValue v : keys.items()) {
      String where = source + ": keys[" + i++ + "]";
      if (!(v instanceof JsonObject k)) {
        throw bad(where + ": a key must be an object");
      }
      if (!(k.get("kid") instanceof JsonString(String kid))
          || kid.isEmpty()
          || kid.length() > OriginLimits.MAX_KID_CHARS) {
        continue;
      }
      if (!(k.get("kty") instanceof JsonString(String kty))
          || !(kty.equals("EC") || kty.equals("RSA"))) {
        continue;
      }
      if (k.get("use") instanceof JsonString(String use) && !use.equals("sig")) {
        continue;
      }
      JWK jwk;
      try {
        jwk = JWK.parse(JsonWriter.compact(k));
      } catch (ParseException | RuntimeException e) {
        // Nimbus messages describe structure ("Missing required \"n\" parameter"), not values.
        throw new OriginException(
            OriginException.Reason.BAD_DISCOVERY,
            where + ": not a valid JWK: " + oneLine(e.getMessage()),
            e);
      }
      if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
        continue;
      }
      if (jwk instanceof RSAKey rsa && rsa.size() < MIN_RSA_BITS) {
        throw bad(
            where + ": RSA key of " + rsa.size() + " bits; at least " + MIN_RSA_BITS + " required");
      }
      if (jwk instanceof ECKey ec && ec.getCurve() == null) {
        throw bad(where + ": EC key without a curve");
      }
      if (out.putIfAbsent(kid, jwk.toPublicJWK()) != null) {
        throw bad(
            source
                + ": more than one key has kid "
                + JsonWriter.quoteOneLine(kid, OriginLimits.MAX_SHOWN));
      }
    }
    return out;
  }

  private static JsonObject object(String body, String source) throws OriginException {
    JsonValue tree;
    try {
      tree = READER.parse(body, source);
    } catch (InputException e) {
      throw new OriginException(OriginException.Reason.BAD_DISCOVERY, e.getMessage(), e);
    }
    if (!(tree instanceof JsonObject o)) {
      throw bad(source + ": expected a JSON object");
    }
    return o;
  }

  static String oneLine(@org.jspecify.annotations.Nullable String s) {
    return s == null ? "invalid" : s.replaceAll("\\s*\\R\\s*", " ");
  }

  private static OriginException bad(String message) {
    return new OriginException(OriginException.Reason.BAD_DISCOVERY, message);
  }
}
