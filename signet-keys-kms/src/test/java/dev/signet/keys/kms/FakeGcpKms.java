package dev.signet.keys.kms;

import com.sun.net.httpserver.HttpExchange;
import dev.signet.SuppressForbidden;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonBool;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.keys.Algorithm;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Cloud KMS's REST API: {@code GET /v1/{version}/publicKey}, {@code POST
 * /v1/{version}:asymmetricSign}, {@code GET /v1/{key}/cryptoKeyVersions?filter=state=ENABLED}, with
 * bearer tokens and Google's error shape ({@code {"error":{"code","status","message"}}}) and CRC32C
 * integrity fields. Also the metadata server's token endpoint.
 */
@SuppressForbidden(
    reason =
        "com.sun.net.httpserver is the JDK's exported HTTP server (module jdk.httpserver); the"
            + " fakes need a real server on 127.0.0.1 speaking each service's wire protocol")
final class FakeGcpKms extends FakeService {
  static final String KEY = "projects/acme/locations/global/keyRings/ci/cryptoKeys/release";
  static final String CONTENT_TYPE = "application/json; charset=UTF-8";

  volatile String algorithm;
  volatile String token = KmsTesting.GCP_TOKEN;

  /** Versions listed as enabled; the key answers for the highest. */
  volatile List<Integer> enabledVersions = List.of(1, 2);

  volatile boolean corruptPemCrc;
  volatile boolean corruptSignatureCrc;
  volatile boolean unverifiedDigestCrc;
  volatile String metadataToken = "ya29.metadata-token";

  FakeGcpKms(Algorithm alg) throws IOException {
    super(alg);
    algorithm =
        switch (alg) {
          case ES256 -> "EC_SIGN_P256_SHA256";
          case ES384 -> "EC_SIGN_P384_SHA384";
          case PS256 -> "RSA_SIGN_PSS_2048_SHA256";
          case PS512 -> "RSA_SIGN_PSS_4096_SHA512";
          case EdDSA -> "EC_SIGN_ED25519";
          default -> throw new IllegalArgumentException(alg.toString());
        };
  }

  String version() {
    return KEY + "/cryptoKeyVersions/" + enabledVersions.stream().max(Integer::compare).orElse(1);
  }

  String reference() {
    return "gcpkms://" + version();
  }

  @Override
  void handle(HttpExchange ex, byte[] body) throws IOException {
    String path = URLDecoder.decode(ex.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
    if (path.startsWith("/computeMetadata/")) {
      count("metadata");
      if (!"Google".equals(ex.getRequestHeaders().getFirst("Metadata-Flavor"))) {
        send(ex, 403, "text/plain", "Missing Metadata-Flavor:Google header");
        return;
      }
      ex.getResponseHeaders().set("Metadata-Flavor", "Google");
      sendJson(
          ex,
          200,
          "application/json",
          JsonObject.builder()
              .put("access_token", metadataToken)
              .put(
                  "expires_in", new dev.signet.json.JsonInteger(java.math.BigInteger.valueOf(3599)))
              .put("token_type", "Bearer")
              .build());
      return;
    }
    String op =
        path.endsWith(":asymmetricSign")
            ? "asymmetricSign"
            : path.endsWith("/publicKey") ? "getPublicKey" : "list";
    @Nullable Fault f = count(op);
    JsonObject req = parse(body);
    requests.add(JsonObject.builder().put("op", op).putAll(req).build());
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    if (!("Bearer " + token).equals(auth)) {
      error(ex, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials.");
      return;
    }
    if (f != null) {
      switch (f) {
        case DENIED ->
            error(
                ex,
                403,
                "PERMISSION_DENIED",
                "Permission 'cloudkms.cryptoKeyVersions.useToSign' denied on resource '"
                    + version()
                    + "' (or it may not exist). Token "
                    + token);
        case THROTTLED ->
            error(
                ex,
                429,
                "RESOURCE_EXHAUSTED",
                "Quota exceeded for quota metric 'Cryptographic requests'");
        case SERVER_ERROR -> error(ex, 503, "UNAVAILABLE", "The service is currently unavailable.");
        case NOT_FOUND ->
            error(ex, 404, "NOT_FOUND", "CryptoKeyVersion " + version() + " not found.");
        case MALFORMED_JSON -> send(ex, 200, CONTENT_TYPE, "{\"signature\": \"MEUC");
      }
      return;
    }
    switch (op) {
      case "list" -> list(ex, path);
      case "getPublicKey" ->
          publicKey(ex, path.substring("/v1/".length(), path.length() - "/publicKey".length()));
      default ->
          sign(
              ex, path.substring("/v1/".length(), path.length() - ":asymmetricSign".length()), req);
    }
  }

  private void list(HttpExchange ex, String path) throws IOException {
    String query = ex.getRequestURI().getQuery();
    if (!path.equals("/v1/" + KEY + "/cryptoKeyVersions")
        || query == null
        || !query.contains("filter=state=ENABLED")) {
      error(ex, 404, "NOT_FOUND", "CryptoKey not found.");
      return;
    }
    List<JsonValue> versions = new ArrayList<>();
    for (int v : enabledVersions) {
      versions.add(
          JsonObject.builder()
              .put("name", KEY + "/cryptoKeyVersions/" + v)
              .put("state", "ENABLED")
              .put("algorithm", algorithm)
              .build());
    }
    sendJson(
        ex,
        200,
        CONTENT_TYPE,
        JsonObject.builder()
            .put("cryptoKeyVersions", new JsonArray(versions))
            .put(
                "totalSize",
                new dev.signet.json.JsonInteger(java.math.BigInteger.valueOf(versions.size())))
            .build());
  }

  private void publicKey(HttpExchange ex, String name) throws IOException {
    if (!name.equals(version())) {
      error(ex, 404, "NOT_FOUND", "CryptoKeyVersion " + name + " not found.");
      return;
    }
    if (ex.getRequestMethod().equals("POST")) {
      error(ex, 400, "INVALID_ARGUMENT", "wrong method");
      return;
    }
    String pem = key.pem();
    long crc = GcpKmsKeys.crc32c(pem.getBytes(StandardCharsets.UTF_8)) + (corruptPemCrc ? 1 : 0);
    sendJson(
        ex,
        200,
        CONTENT_TYPE,
        JsonObject.builder()
            .put("pem", pem)
            .put("algorithm", algorithm)
            .put("pemCrc32c", Long.toString(crc))
            .put("name", name)
            .put("protectionLevel", "HSM")
            .build());
  }

  private void sign(HttpExchange ex, String name, JsonObject req) throws IOException {
    if (!name.equals(version())) {
      error(ex, 404, "NOT_FOUND", "CryptoKeyVersion " + name + " not found.");
      return;
    }
    boolean digest = req.get("digest") instanceof JsonObject;
    byte[] input;
    long crc;
    if (digest) {
      JsonObject d = (JsonObject) req.get("digest");
      String field =
          switch (key.algorithm().digest()) {
            case "SHA-256" -> "sha256";
            case "SHA-384" -> "sha384";
            default -> "sha512";
          };
      if (key.algorithm() == Algorithm.EdDSA || !(d.get(field) instanceof JsonString s)) {
        error(ex, 400, "INVALID_ARGUMENT", "The digest type does not match the key algorithm.");
        return;
      }
      input = Base64.getDecoder().decode(s.value());
      crc = Long.parseLong(((JsonString) req.get("digestCrc32c")).value());
    } else {
      if (!(req.get("data") instanceof JsonString s)) {
        error(ex, 400, "INVALID_ARGUMENT", "Either digest or data must be set.");
        return;
      }
      if (key.algorithm() != Algorithm.EdDSA) {
        error(ex, 400, "INVALID_ARGUMENT", "test fake: send digests for this key");
        return;
      }
      input = Base64.getDecoder().decode(s.value());
      crc = Long.parseLong(((JsonString) req.get("dataCrc32c")).value());
    }
    if (crc != GcpKmsKeys.crc32c(input)) {
      error(ex, 400, "INVALID_ARGUMENT", "The checksum in field digest_crc32c did not match.");
      return;
    }
    byte[] signature = sign(input, digest);
    long sigCrc = GcpKmsKeys.crc32c(signature) + (corruptSignatureCrc ? 1 : 0);
    sendJson(
        ex,
        200,
        CONTENT_TYPE,
        JsonObject.builder()
            .put("signature", Base64.getEncoder().encodeToString(signature))
            .put("signatureCrc32c", Long.toString(sigCrc))
            .put(
                digest ? "verifiedDigestCrc32c" : "verifiedDataCrc32c",
                JsonBool.of(!unverifiedDigestCrc))
            .put("name", name)
            .put("protectionLevel", "HSM")
            .build());
  }

  private static void error(HttpExchange ex, int code, String status, String message)
      throws IOException {
    sendJson(
        ex,
        code,
        CONTENT_TYPE,
        JsonObject.builder()
            .put(
                "error",
                JsonObject.builder()
                    .put(
                        "code", new dev.signet.json.JsonInteger(java.math.BigInteger.valueOf(code)))
                    .put("message", message)
                    .put("status", status)
                    .build())
            .build());
  }
}
