package dev.signet.server.origin;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonFloat;
import dev.signet.json.JsonInteger;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.json.JsonWriter;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Verifies CI OIDC ID tokens against the configured issuers.
 *
 * <p>Nimbus parses and checks the JWS signature; every decision about whether a token is acceptable
 * is made here, explicitly and in this order (docs/origin.md lists it): size and shape, {@code alg}
 * (asymmetric only), exact {@code iss}, the issuer's {@code alg} allow-list, {@code kid}, the key,
 * the signature, {@code exp}, {@code nbf}, {@code iat} and maximum age, {@code aud}, tenant pins,
 * and last the single-use {@code jti}, so that only tokens that passed everything else are
 * remembered.
 */
public final class OidcVerifier {
  /** Beyond year 9999: a time claim past this is nonsense, and Instant arithmetic stays exact. */
  private static final long MAX_EPOCH_SECONDS = 253_402_300_799L;

  private static final JsonReader READER =
      new JsonReader(new InputLimits(InputLimits.MAX_TOKEN_CHARS, 0, 16, 1, 1));

  private record Issuer(IssuerConfig config, IssuerKeys keys) {}

  private final Map<String, Issuer> byIss;
  private final List<IssuerConfig> configs;
  private final ReplayGuard replay;
  private final Clock clock;

  /** A verifier that fetches keys with its own HTTP client (no redirects, bounded timeouts). */
  public OidcVerifier(List<IssuerConfig> issuers, ReplayGuard replay, Clock clock)
      throws OriginConfigException {
    this(issuers, replay, clock, Fetcher.defaultClient());
  }

  /** A verifier with a given HTTP client (a proxy, a custom trust store); it must not redirect. */
  public OidcVerifier(List<IssuerConfig> issuers, ReplayGuard replay, Clock clock, HttpClient http)
      throws OriginConfigException {
    Fetcher fetcher = new Fetcher(http);
    Map<String, Issuer> map = new LinkedHashMap<>();
    java.util.Set<String> names = new java.util.HashSet<>();
    for (IssuerConfig c : issuers) {
      if (!names.add(c.name())) {
        throw new OriginConfigException("two issuers are named " + c.name());
      }
      if (map.put(c.issuer(), new Issuer(c, new IssuerKeys(c, fetcher, clock))) != null) {
        throw new OriginConfigException("two issuer configs have iss " + c.issuer());
      }
    }
    this.byIss = Map.copyOf(map);
    this.configs = List.copyOf(issuers);
    this.replay = replay;
    this.clock = clock;
  }

  public List<IssuerConfig> issuers() {
    return configs;
  }

  /**
   * The verified token, or the first check it fails.
   *
   * @throws OriginException naming the claim or header member that failed, never the token
   */
  public Credential.Oidc verify(String token) throws OriginException {
    if (token.length() > InputLimits.MAX_TOKEN_CHARS) {
      throw malformed("the ID token is longer than " + InputLimits.MAX_TOKEN_CHARS + " characters");
    }
    if (!isCompactJws(token)) {
      throw malformed("the ID token is not a compact JWS (base64url header.claims.signature)");
    }
    int dot1 = token.indexOf('.');
    int dot2 = token.indexOf('.', dot1 + 1);
    String headerPart = token.substring(0, dot1);
    if (headerPart.length() > InputLimits.MAX_JWS_HEADER_CHARS) {
      throw malformed(
          "the ID token header is longer than " + InputLimits.MAX_JWS_HEADER_CHARS + " characters");
    }
    JsonObject header = object(headerPart, "header");
    JsonObject claims = object(token.substring(dot1 + 1, dot2), "claims");

    // The header: alg before anything else, so that none and HS* never reach key selection.
    String alg = string(header, "alg", "header");
    if (!IssuerConfig.ASYMMETRIC_ALGORITHMS.contains(alg)) {
      throw new OriginException(
          OriginException.Reason.ALG_NOT_ALLOWED,
          "header alg " + quote(alg) + " is not allowed; only asymmetric algorithms are");
    }
    if (header.has("crit")) {
      throw malformed("header crit: no critical header extensions are supported");
    }
    JsonValue typ = header.get("typ");
    if (typ != null
        && !(typ instanceof JsonString(String t) && (t.equals("JWT") || t.equals("jwt")))) {
      throw malformed("header typ must be JWT");
    }

    String iss = string(claims, "iss", "claim");
    Issuer issuer = byIss.get(iss);
    if (issuer == null) {
      throw new OriginException(
          OriginException.Reason.UNKNOWN_ISSUER,
          "claim iss " + quote(iss) + " is not a configured issuer");
    }
    IssuerConfig config = issuer.config();
    if (!config.algorithms().contains(alg)) {
      throw new OriginException(
          OriginException.Reason.ALG_NOT_ALLOWED,
          "header alg " + alg + " is not allowed for issuer " + config.name());
    }
    if (!(header.get("kid") instanceof JsonString(String kid)) || kid.isEmpty()) {
      throw malformed(
          "header kid is missing; issuer " + config.name() + " tokens must name their key");
    }
    if (kid.length() > OriginLimits.MAX_KID_CHARS) {
      throw malformed("header kid is longer than " + OriginLimits.MAX_KID_CHARS + " characters");
    }

    IssuerKeys.Key key = issuer.keys().key(kid);
    verifySignature(token, alg, key, config, kid);

    Instant now = clock.instant();
    long leeway = config.leeway().toSeconds();
    long nowS = now.getEpochSecond();
    long exp = numericDate(claims, "exp", true);
    long iat = numericDate(claims, "iat", true);
    if (nowS > exp + leeway) {
      throw new OriginException(
          OriginException.Reason.EXPIRED,
          "claim exp: the token expired at " + Instant.ofEpochSecond(exp));
    }
    if (claims.has("nbf")) {
      long nbf = numericDate(claims, "nbf", true);
      if (nbf > nowS + leeway) {
        throw new OriginException(
            OriginException.Reason.NOT_YET_VALID,
            "claim nbf: the token is not valid before " + Instant.ofEpochSecond(nbf));
      }
    }
    if (iat > nowS + leeway) {
      throw new OriginException(
          OriginException.Reason.NOT_YET_VALID,
          "claim iat: the token was issued in the future, at " + Instant.ofEpochSecond(iat));
    }
    if (nowS > iat + config.maxTokenAge().toSeconds() + leeway) {
      throw new OriginException(
          OriginException.Reason.TOO_OLD,
          "claim iat: the token was issued at "
              + Instant.ofEpochSecond(iat)
              + ", more than "
              + config.maxTokenAge().toSeconds()
              + " s ago");
    }

    String audience = audience(claims, config);
    Map<String, String> flat = flatten(claims);
    for (var pin : config.tenantPins().entrySet()) {
      String value = flat.get(pin.getKey());
      if (!pin.getValue().equals(value)) {
        throw new OriginException(
            OriginException.Reason.TENANT_MISMATCH,
            "claim "
                + pin.getKey()
                + (value == null ? " is missing" : " is " + quote(value))
                + "; issuer "
                + config.name()
                + " pins it to another tenant");
      }
    }
    String subject = string(claims, "sub", "claim");
    String jti = "";
    if (claims.get("jti") instanceof JsonString(String j)) {
      jti = j;
    } else if (claims.has("jti")) {
      throw malformed("claim jti is not a string");
    }
    if (config.singleUse()) {
      if (jti.isEmpty()) {
        throw malformed("claim jti is missing; issuer " + config.name() + " tokens are single-use");
      }
      if (!replay.firstUse(iss, jti, Instant.ofEpochSecond(exp + leeway))) {
        throw new OriginException(
            OriginException.Reason.REPLAYED,
            "claim jti " + quote(jti) + ": the token was used before");
      }
    }
    return new Credential.Oidc(
        config.name(),
        iss,
        subject,
        audience,
        Instant.ofEpochSecond(iat),
        Instant.ofEpochSecond(exp),
        jti,
        flat);
  }

  /**
   * Two non-empty base64url parts and a third that may be empty, joined by dots. A loop rather than
   * a regular expression: this runs on every OIDC request and the regex was 1.5 % of the server's
   * CPU under load.
   */
  static boolean isCompactJws(String token) {
    int dots = 0;
    int partLength = 0;
    for (int i = 0; i < token.length(); i++) {
      char ch = token.charAt(i);
      if (ch == '.') {
        if (partLength == 0 || ++dots > 2) {
          return false;
        }
        partLength = 0;
      } else if ((ch >= 'A' && ch <= 'Z')
          || (ch >= 'a' && ch <= 'z')
          || (ch >= '0' && ch <= '9')
          || ch == '_'
          || ch == '-') {
        partLength++;
      } else {
        return false;
      }
    }
    return dots == 2;
  }

  private static void verifySignature(
      String token, String alg, IssuerKeys.Key key, IssuerConfig config, String kid)
      throws OriginException {
    JWK jwk = key.jwk();
    if (jwk.getAlgorithm() != null && !jwk.getAlgorithm().getName().equals(alg)) {
      throw new OriginException(
          OriginException.Reason.ALG_NOT_ALLOWED,
          "header alg "
              + alg
              + " differs from the alg of issuer "
              + config.name()
              + "'s key "
              + quote(kid));
    }
    // The key's type and curve must fit alg: an RSA key never verifies an ES256 token, a P-384 key
    // never an ES256 one.
    boolean fits =
        alg.startsWith("ES")
            ? jwk instanceof ECKey ec && curveFor(alg).equals(ec.getCurve())
            : jwk instanceof RSAKey;
    if (!fits) {
      throw keyMismatch(alg, config, kid);
    }
    try {
      JWSObject jws = JWSObject.parse(token);
      if (!jws.getHeader().getAlgorithm().getName().equals(alg)) {
        throw malformed("header alg is read differently by the JWS parser");
      }
      if (!jws.verify(key.verifier())) {
        throw badSignature(config, kid, null);
      }
    } catch (JOSEException e) {
      throw badSignature(config, kid, e);
    } catch (ParseException e) {
      throw new OriginException(
          OriginException.Reason.MALFORMED,
          "the ID token is not a JWS: " + IssuerDocuments.oneLine(e.getMessage()),
          e);
    }
  }

  private static Curve curveFor(String alg) {
    return switch (alg) {
      case "ES256" -> Curve.P_256;
      case "ES384" -> Curve.P_384;
      default -> Curve.P_521;
    };
  }

  private static OriginException keyMismatch(String alg, IssuerConfig config, String kid) {
    return new OriginException(
        OriginException.Reason.ALG_NOT_ALLOWED,
        "header alg "
            + alg
            + " does not fit the type of issuer "
            + config.name()
            + "'s key "
            + quote(kid));
  }

  private static OriginException badSignature(
      IssuerConfig config, String kid, @Nullable JOSEException cause) {
    String message =
        "the signature does not verify with issuer " + config.name() + "'s key " + quote(kid);
    return cause == null
        ? new OriginException(OriginException.Reason.BAD_SIGNATURE, message)
        : new OriginException(OriginException.Reason.BAD_SIGNATURE, message, cause);
  }

  /** Exactly one audience, and one of ours: a multi-audience token is valid elsewhere too. */
  private static String audience(JsonObject claims, IssuerConfig config) throws OriginException {
    JsonValue aud = claims.get("aud");
    String value;
    if (aud instanceof JsonString(String s)) {
      value = s;
    } else if (aud instanceof JsonArray(List<JsonValue> items)
        && items.size() == 1
        && items.get(0) instanceof JsonString(String s)) {
      value = s;
    } else if (aud instanceof JsonArray) {
      throw new OriginException(
          OriginException.Reason.WRONG_AUDIENCE,
          "claim aud must name exactly one audience, this service");
    } else {
      throw malformed("claim aud is missing or not a string");
    }
    if (!config.audiences().contains(value)) {
      throw new OriginException(
          OriginException.Reason.WRONG_AUDIENCE,
          "claim aud " + quote(value) + " is not an audience of issuer " + config.name());
    }
    return value;
  }

  private static long numericDate(JsonObject claims, String name, boolean required)
      throws OriginException {
    JsonValue v = claims.get(name);
    long seconds;
    if (v instanceof JsonInteger(BigInteger i) && i.bitLength() < 63) {
      seconds = i.longValue();
    } else if (v instanceof JsonFloat(double d) && Double.isFinite(d) && Math.abs(d) < 1e18) {
      seconds = (long) Math.floor(d);
    } else if (v == null && !required) {
      return 0;
    } else {
      throw malformed("claim " + name + " is missing or not a number of seconds");
    }
    if (seconds < 0 || seconds > MAX_EPOCH_SECONDS) {
      throw malformed("claim " + name + " is out of range");
    }
    return seconds;
  }

  private static String string(JsonObject o, String name, String kind) throws OriginException {
    if (!(o.get(name) instanceof JsonString(String s))) {
      throw malformed(kind + " " + name + " is missing or not a string");
    }
    return s;
  }

  private static JsonObject object(String part, String what) throws OriginException {
    if (part.length() % 4 == 1) {
      throw malformed("the ID token " + what + " is not valid base64url");
    }
    byte[] bytes = Base64.getUrlDecoder().decode(part);
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new OriginException(
          OriginException.Reason.MALFORMED, "the ID token " + what + " is not UTF-8", e);
    }
    JsonValue tree;
    try {
      tree = READER.parse(text, "ID token " + what);
    } catch (InputException e) {
      throw new OriginException(OriginException.Reason.MALFORMED, e.getMessage(), e);
    }
    if (!(tree instanceof JsonObject o)) {
      throw malformed("the ID token " + what + " is not a JSON object");
    }
    return o;
  }

  /** Every top-level claim as a string: strings as they are, everything else as compact JSON. */
  private static Map<String, String> flatten(JsonObject claims) {
    Map<String, String> out = new LinkedHashMap<>();
    claims
        .members()
        .forEach(
            (k, v) -> out.put(k, v instanceof JsonString(String s) ? s : JsonWriter.compact(v)));
    return out;
  }

  private static String quote(String s) {
    return JsonWriter.quoteOneLine(s, OriginLimits.MAX_SHOWN);
  }

  private static OriginException malformed(String message) {
    return new OriginException(OriginException.Reason.MALFORMED, message);
  }
}
