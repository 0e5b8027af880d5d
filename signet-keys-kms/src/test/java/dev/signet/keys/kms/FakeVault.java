package dev.signet.keys.kms;

import com.sun.net.httpserver.HttpExchange;
import dev.signet.SuppressForbidden;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonBool;
import dev.signet.json.JsonInteger;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.keys.Algorithm;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Vault/OpenBao transit's HTTP API: {@code GET /v1/{mount}/keys/{name}} and {@code POST
 * /v1/{mount}/sign/{name}[/{hash}]}, with {@code X-Vault-Token}, {@code vault:vN:} signatures and
 * Vault's error shape ({@code {"errors":[…]}}).
 */
@SuppressForbidden(
    reason =
        "com.sun.net.httpserver is the JDK's exported HTTP server (module jdk.httpserver); the"
            + " fakes need a real server on 127.0.0.1 speaking each service's wire protocol")
final class FakeVault extends FakeService {
  static final String NAME = "release";

  volatile String type;
  volatile String mount = "transit";
  volatile String token = KmsTesting.VAULT_TOKEN;
  volatile boolean derived;
  volatile int latestVersion = 2;
  volatile String prefix = "vault";

  FakeVault(Algorithm alg) throws IOException {
    this(alg, null);
  }

  FakeVault(Algorithm alg, javax.net.ssl.@Nullable SSLContext tls) throws IOException {
    super(alg, tls);
    type =
        switch (alg) {
          case ES256 -> "ecdsa-p256";
          case ES384 -> "ecdsa-p384";
          case ES512 -> "ecdsa-p521";
          case EdDSA -> "ed25519";
          default -> "rsa-2048";
        };
  }

  @Override
  void handle(HttpExchange ex, byte[] body) throws IOException {
    String path = ex.getRequestURI().getPath();
    String keys = "/v1/" + mount + "/keys/";
    String sign = "/v1/" + mount + "/sign/";
    String op = path.startsWith(keys) ? "read" : path.startsWith(sign) ? "sign" : "other";
    @Nullable Fault f = count(op);
    JsonObject req = parse(body);
    requests.add(JsonObject.builder().put("op", op).put("path", path).putAll(req).build());
    if (!token.equals(ex.getRequestHeaders().getFirst("X-Vault-Token"))) {
      errors(ex, 403, "permission denied");
      return;
    }
    if (f != null) {
      switch (f) {
        case DENIED -> errors(ex, 403, "1 error occurred:\n\t* permission denied\n\n");
        case THROTTLED ->
            errors(ex, 429, "request path \"" + path + "\": rate limit quota exceeded");
        case SERVER_ERROR -> errors(ex, 503, "Vault is sealed");
        case NOT_FOUND -> errors(ex, 404);
        case MALFORMED_JSON -> send(ex, 200, "application/json", "{\"data\":{\"signature\":");
      }
      return;
    }
    switch (op) {
      case "read" -> read(ex, path.substring(keys.length()));
      case "sign" -> sign(ex, path.substring(sign.length()), req);
      default -> errors(ex, 404);
    }
  }

  private void read(HttpExchange ex, String name) throws IOException {
    if (!name.equals(NAME)) {
      errors(ex, 404);
      return;
    }
    boolean signing = !type.startsWith("aes") && !type.equals("hmac") && !type.startsWith("chacha");
    JsonObject.Builder versions = JsonObject.builder();
    for (int v = 1; v <= latestVersion; v++) {
      // Only the latest version is this fake's key; older ones get unrelated keys.
      SoftKey k = v == latestVersion ? key : SoftKey.other(key.algorithm());
      String pub =
          k.algorithm() == Algorithm.EdDSA
              ? Base64.getEncoder().encodeToString(k.rawEd25519())
              : k.pem();
      JsonObject.Builder entry =
          JsonObject.builder().put("creation_time", "2026-01-0" + v + "T00:00:00Z");
      if (signing) {
        entry.put("public_key", pub).put("name", type.startsWith("ecdsa") ? "P-256" : type);
      }
      versions.put(Integer.toString(v), signing ? entry.build() : new JsonInteger(BigInteger.ONE));
    }
    sendJson(
        ex,
        200,
        "application/json",
        JsonObject.builder()
            .put("request_id", "4fa6b7e4-0000-0000-0000-000000000000")
            .put(
                "data",
                JsonObject.builder()
                    .put("name", name)
                    .put("type", type)
                    .put("derived", JsonBool.of(derived))
                    .put("exportable", JsonBool.FALSE)
                    .put("keys", versions.build())
                    .put("latest_version", new JsonInteger(BigInteger.valueOf(latestVersion)))
                    .put("min_decryption_version", new JsonInteger(BigInteger.ONE))
                    .put("min_encryption_version", new JsonInteger(BigInteger.ZERO))
                    .put("supports_signing", JsonBool.of(signing))
                    .build())
            .build());
  }

  private void sign(HttpExchange ex, String rest, JsonObject req) throws IOException {
    String[] parts = rest.split("/", -1);
    if (!parts[0].equals(NAME)) {
      errors(ex, 400, "signing key not found");
      return;
    }
    String hash = parts.length > 1 ? parts[1] : "sha2-256";
    byte[] input = Base64.getDecoder().decode(((JsonString) req.get("input")).value());
    boolean prehashed = req.get("prehashed") instanceof JsonBool b && b.value();
    long version =
        req.get("key_version") instanceof JsonInteger i ? i.value().longValue() : latestVersion;
    if (version != latestVersion) {
      errors(ex, 400, "test fake: only the latest version signs");
      return;
    }
    if (key.algorithm() == Algorithm.EdDSA) {
      if (prehashed) {
        errors(ex, 400, "prehashed is not supported for ed25519 keys");
        return;
      }
    } else {
      String expectedHash =
          key.algorithm().digest().toLowerCase(java.util.Locale.ROOT).replace("sha-", "sha2-");
      if (!prehashed
          || !hash.equals(expectedHash)
          || input.length != Jca.digestBytes(key.algorithm())) {
        errors(ex, 400, "test fake: expected a prehashed " + expectedHash + " digest");
        return;
      }
      if (key.algorithm().keyType() == Algorithm.KeyType.RSA
          && !(str(req, "signature_algorithm").equals("pss")
              && str(req, "salt_length").equals("hash"))) {
        // Vault's default salt length ("auto") is the maximum, which JWS verifiers refuse.
        errors(ex, 400, "test fake: RSA must use pss with salt_length=hash");
        return;
      }
    }
    byte[] sig = sign(input, prehashed);
    sendJson(
        ex,
        200,
        "application/json",
        JsonObject.builder()
            .put(
                "data",
                JsonObject.builder()
                    .put(
                        "signature",
                        prefix + ":v" + version + ":" + Base64.getEncoder().encodeToString(sig))
                    .put("key_version", new JsonInteger(BigInteger.valueOf(version)))
                    .build())
            .build());
  }

  private static String str(JsonObject o, String name) {
    return o.get(name) instanceof JsonString s ? s.value() : "";
  }

  private static void errors(HttpExchange ex, int status, String... errors) throws IOException {
    List<JsonValue> list =
        java.util.Arrays.stream(errors).map(e -> (JsonValue) JsonString.of(e)).toList();
    sendJson(
        ex,
        status,
        "application/json",
        JsonObject.builder().put("errors", new JsonArray(list)).build());
  }
}
