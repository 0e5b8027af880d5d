package dev.signet.keys.kms;

import com.sun.net.httpserver.HttpExchange;
import dev.signet.SuppressForbidden;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.keys.Algorithm;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * AWS KMS's JSON 1.1 protocol ({@code POST /}, {@code X-Amz-Target: TrentService.<Op>}, {@code
 * application/x-amz-json-1.1}, errors as {@code {"__type": …, "message": …}}), for GetPublicKey,
 * DescribeKey and Sign. SigV4 headers must be present but are not checked.
 */
@SuppressForbidden(
    reason =
        "com.sun.net.httpserver is the JDK's exported HTTP server (module jdk.httpserver); the"
            + " fakes need a real server on 127.0.0.1 speaking each service's wire protocol")
final class FakeAwsKms extends FakeService {
  static final String CONTENT_TYPE = "application/x-amz-json-1.1";
  static final String KEY_UUID = "1234abcd-12ab-34cd-56ef-1234567890ab";
  static final String ARN = "arn:aws:kms:eu-west-1:111122223333:key/" + KEY_UUID;
  static final String ALIAS = "alias/release";

  volatile String keySpec;
  volatile String keyUsage = "SIGN_VERIFY";
  volatile List<String> signingAlgorithms;

  /** DER to report instead of the key's own public half. */
  volatile byte @Nullable [] publicKeyOverride;

  FakeAwsKms(Algorithm alg) throws IOException {
    super(alg);
    switch (alg) {
      case ES256 -> set("ECC_NIST_P256", "ECDSA_SHA_256");
      case ES384 -> set("ECC_NIST_P384", "ECDSA_SHA_384");
      case ES512 -> set("ECC_NIST_P521", "ECDSA_SHA_512");
      case EdDSA -> set("ECC_NIST_EDWARDS25519", "ED25519_SHA_512", "ED25519_PH_SHA_512");
      default ->
          set(
              "RSA_2048",
              "RSASSA_PSS_SHA_256",
              "RSASSA_PSS_SHA_384",
              "RSASSA_PSS_SHA_512",
              "RSASSA_PKCS1_V1_5_SHA_256",
              "RSASSA_PKCS1_V1_5_SHA_384",
              "RSASSA_PKCS1_V1_5_SHA_512");
    }
  }

  private void set(String spec, String... algorithms) {
    keySpec = spec;
    signingAlgorithms = List.of(algorithms);
  }

  /** {@code awskms://127.0.0.1:PORT/alias/release}. */
  String reference() {
    return "awskms://" + hostPort() + "/" + ALIAS;
  }

  @Override
  void handle(HttpExchange ex, byte[] body) throws IOException {
    String target = String.valueOf(ex.getRequestHeaders().getFirst("X-Amz-Target"));
    String op = target.startsWith("TrentService.") ? target.substring(13) : target;
    @Nullable Fault f = count(op);
    JsonObject req = parse(body);
    requests.add(JsonObject.builder().put("Op", op).putAll(req).build());
    if (!"POST".equals(ex.getRequestMethod())
        || !String.valueOf(ex.getRequestHeaders().getFirst("Content-Type")).startsWith(CONTENT_TYPE)
        || ex.getRequestHeaders().getFirst("Authorization") == null) {
      error(ex, 400, "SerializationException", "bad request shape");
      return;
    }
    if (f != null) {
      switch (f) {
        case DENIED ->
            error(
                ex,
                400,
                "AccessDeniedException",
                "User: arn:aws:sts::111122223333:assumed-role/ci is not authorized to perform:"
                    + " kms:"
                    + op
                    + " (session "
                    + ex.getRequestHeaders().getFirst("X-Amz-Security-Token")
                    + ")");
        case THROTTLED -> error(ex, 400, "ThrottlingException", "Rate exceeded");
        case SERVER_ERROR ->
            error(ex, 500, "KMSInternalException", "An internal error occurred.\nTry again.");
        case NOT_FOUND -> error(ex, 400, "NotFoundException", "Alias " + ALIAS + " is not found.");
        case MALFORMED_JSON -> send(ex, 200, CONTENT_TYPE, "{\"KeyId\":\"" + ARN + "\",\"Signa");
      }
      return;
    }
    String keyId = str(req, "KeyId");
    if (!(ARN.equals(keyId) || KEY_UUID.equals(keyId) || ALIAS.equals(keyId))) {
      error(ex, 400, "NotFoundException", "Invalid keyId " + keyId);
      return;
    }
    switch (op) {
      case "GetPublicKey" ->
          sendJson(
              ex,
              200,
              CONTENT_TYPE,
              JsonObject.builder()
                  .put("KeyId", ARN)
                  .put(
                      "PublicKey",
                      Base64.getEncoder()
                          .encodeToString(
                              publicKeyOverride != null ? publicKeyOverride : key.spki()))
                  .put("KeySpec", keySpec)
                  .put("CustomerMasterKeySpec", keySpec)
                  .put("KeyUsage", keyUsage)
                  .put("SigningAlgorithms", strings(signingAlgorithms))
                  .build());
      case "DescribeKey" ->
          sendJson(
              ex,
              200,
              CONTENT_TYPE,
              JsonObject.builder()
                  .put(
                      "KeyMetadata",
                      JsonObject.builder()
                          .put("KeyId", KEY_UUID)
                          .put("Arn", ARN)
                          .put("KeyState", "Enabled")
                          .put("KeyUsage", keyUsage)
                          .put("KeySpec", keySpec)
                          .put("SigningAlgorithms", strings(signingAlgorithms))
                          .build())
                  .build());
      case "Sign" -> sign(ex, req);
      default -> error(ex, 400, "UnknownOperationException", op);
    }
  }

  private void sign(HttpExchange ex, JsonObject req) throws IOException {
    String algorithm = str(req, "SigningAlgorithm");
    if (!signingAlgorithms.contains(algorithm)) {
      error(ex, 400, "InvalidKeyUsageException", "Unsupported signing algorithm " + algorithm);
      return;
    }
    byte[] message = Base64.getDecoder().decode(str(req, "Message"));
    String type = str(req, "MessageType");
    boolean digest = type.equals("DIGEST");
    if (key.algorithm() == Algorithm.EdDSA) {
      if (digest || message.length > 4096) {
        error(
            ex, 400, "ValidationException", "ED25519_SHA_512 signs RAW messages up to 4096 bytes");
        return;
      }
    } else if (!digest || message.length != Jca.digestBytes(key.algorithm())) {
      error(ex, 400, "ValidationException", "Digest is invalid length for algorithm");
      return;
    }
    sendJson(
        ex,
        200,
        CONTENT_TYPE,
        JsonObject.builder()
            .put("KeyId", ARN)
            .put("Signature", Base64.getEncoder().encodeToString(sign(message, digest)))
            .put("SigningAlgorithm", algorithm)
            .build());
  }

  private static String str(JsonObject o, String name) {
    return o.get(name) instanceof JsonString s ? s.value() : "";
  }

  private static JsonArray strings(List<String> values) {
    List<JsonValue> out = new ArrayList<>();
    values.forEach(v -> out.add(JsonString.of(v)));
    return new JsonArray(out);
  }

  private static void error(HttpExchange ex, int status, String type, String message)
      throws IOException {
    sendJson(
        ex,
        status,
        CONTENT_TYPE,
        JsonObject.builder().put("__type", type).put("message", message).build());
  }
}
