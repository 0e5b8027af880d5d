package dev.signet.keys.kms;

import dev.signet.json.JsonObject;
import dev.signet.json.JsonValue;
import dev.signet.json.JsonWriter;
import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyException;
import dev.signet.keys.KeyRef;
import dev.signet.keys.SigningKey;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * Signing keys in Google Cloud KMS, through its REST API ({@code cloudkms.googleapis.com/v1}) and
 * the JDK HTTP client; the official Java client would bring 48 MB of gRPC for two calls.
 *
 * <p>The key is a crypto key version ({@code gcpkms://projects/P/locations/L/keyRings/R/
 * cryptoKeys/K/cryptoKeyVersions/V}); without a version, the highest-numbered enabled version is
 * used, as cosign does. Algorithms: {@code EC_SIGN_P256_SHA256} → ES256, {@code
 * EC_SIGN_P384_SHA384} → ES384, {@code RSA_SIGN_PSS_*_SHA256} → PS256, {@code
 * RSA_SIGN_PSS_4096_SHA512} → PS512, {@code EC_SIGN_ED25519} → EdDSA. Everything else (PKCS #1
 * v1.5, secp256k1, post-quantum, encryption and MAC keys) is refused.
 *
 * <p>Credentials, in order: an OAuth access token in {@code GOOGLE_OAUTH_ACCESS_TOKEN}; a file
 * holding one, named by {@code CLOUDSDK_AUTH_ACCESS_TOKEN_FILE}; the metadata server of a Google
 * Cloud VM or workload ({@code GCE_METADATA_HOST}, default {@code metadata.google.internal}).
 * Service-account key files ({@code GOOGLE_APPLICATION_CREDENTIALS}) are not read: mint a token
 * with {@code gcloud auth print-access-token} or workload identity instead. {@code
 * CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDKMS} replaces the endpoint (plain http only to this
 * machine).
 *
 * <p>Every request carries a CRC32C of what is signed, and every response's CRC32C fields are
 * checked as Google's integrity guide asks; a response that fails them is retried, then refused.
 */
public final class GcpKmsKeys {
  private GcpKmsKeys() {}

  public static final String TOKEN_ENV = "GOOGLE_OAUTH_ACCESS_TOKEN";
  public static final String TOKEN_FILE_ENV = "CLOUDSDK_AUTH_ACCESS_TOKEN_FILE";
  public static final String METADATA_HOST_ENV = "GCE_METADATA_HOST";
  public static final String ENDPOINT_ENV = "CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDKMS";
  static final String DEFAULT_ENDPOINT = "https://cloudkms.googleapis.com/";

  private static final Pattern VERSION =
      Pattern.compile("(.*/cryptoKeys/[^/]+)/cryptoKeyVersions/([0-9]+)");
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_.:-]+");

  /** Opens the key with {@link KmsOptions#DEFAULT}. */
  public static SigningKey open(KeyRef.GcpKms ref, Map<String, String> env) throws KeyException {
    return open(ref, env, KmsOptions.DEFAULT);
  }

  /**
   * Opens the key: resolves the version, fetches the public key once, and signs and verifies a
   * probe.
   *
   * @param env the environment to read credentials and endpoint from (normally {@link
   *     System#getenv()})
   * @throws KeyException DENIED (no or refused credentials), NOT_FOUND, NOT_ALLOWED (algorithm,
   *     purpose or state), UNAVAILABLE (unreachable, throttled), SIGNING_FAILED (a response that is
   *     malformed or fails its checks); every message names the key and never the token
   */
  public static SigningKey open(KeyRef.GcpKms ref, Map<String, String> env, KmsOptions options)
      throws KeyException {
    String display = ref.display();
    for (String segment : ref.resourceName().split("/", -1)) {
      // The name becomes a URL path; a dot segment would climb out of it.
      if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
        throw new KeyException(
            KeyException.Reason.MALFORMED,
            display + ": \"" + segment + "\" is not a valid resource name segment");
      }
    }
    String endpoint = env.getOrDefault(ENDPOINT_ENV, "");
    URI base =
        Http.baseUrl(endpoint.isEmpty() ? DEFAULT_ENDPOINT : endpoint, ENDPOINT_ENV, display);
    Http http = new Http(options, null);
    Client client = new Client(base.resolve("v1/"), http, options, tokens(env, http, display));

    String version = ref.resourceName();
    if (!VERSION.matcher(version).matches()) {
      version = client.latestEnabledVersion(version, display);
    }
    String reference = "gcpkms://" + version;
    JsonObject pk = client.call("GET", version + "/publicKey", null, reference, "getPublicKey");
    String pem = Json.string(pk, "pem", reference + ": getPublicKey");
    Long pemCrc = Json.optLong(pk, "pemCrc32c");
    if (pemCrc == null || pemCrc != crc32c(pem.getBytes(StandardCharsets.UTF_8))) {
      throw new KeyException(
          KeyException.Reason.SIGNING_FAILED,
          reference + ": getPublicKey: the public key failed its CRC32C integrity check");
    }
    checkName(pk, version, reference, "getPublicKey");
    String gcpAlgorithm = Json.string(pk, "algorithm", reference + ": getPublicKey");
    Algorithm alg = algorithm(gcpAlgorithm, reference);
    String finalVersion = version;
    return RemoteKey.open(
        alg,
        Jca.pem(pem, reference),
        reference,
        (input, digest) -> client.sign(finalVersion, alg, input, digest, reference));
  }

  /** The JWS algorithm of a Cloud KMS key version algorithm, or NOT_ALLOWED. */
  static Algorithm algorithm(String gcp, String reference) throws KeyException {
    if (gcp.equals("EC_SIGN_P256_SHA256")) {
      return Algorithm.ES256;
    }
    if (gcp.equals("EC_SIGN_P384_SHA384")) {
      return Algorithm.ES384;
    }
    if (gcp.equals("EC_SIGN_ED25519")) {
      return Algorithm.EdDSA;
    }
    if (gcp.matches("RSA_SIGN_PSS_(2048|3072|4096)_SHA256")) {
      return Algorithm.PS256;
    }
    if (gcp.equals("RSA_SIGN_PSS_4096_SHA512")) {
      return Algorithm.PS512;
    }
    String why =
        gcp.startsWith("RSA_SIGN_PKCS1") || gcp.startsWith("RSA_SIGN_RAW")
            ? "RSASSA-PKCS1-v1_5 is the weaker RSA padding; use an RSA_SIGN_PSS key"
            : "use EC_SIGN_P256_SHA256 (ES256, what Buildkite verifies), EC_SIGN_P384_SHA384,"
                + " EC_SIGN_ED25519 or RSA_SIGN_PSS";
    throw new KeyException(
        KeyException.Reason.NOT_ALLOWED,
        reference + ": key algorithm " + Text.oneLine(gcp, null) + " cannot sign here; " + why);
  }

  static long crc32c(byte[] data) {
    CRC32C c = new CRC32C();
    c.update(data);
    return c.getValue();
  }

  private static void checkName(JsonObject o, String version, String reference, String op)
      throws KeyException {
    String name = Json.optString(o, "name");
    if (name != null && !name.equals(version)) {
      throw new KeyException(
          KeyException.Reason.SIGNING_FAILED,
          reference + ": " + op + " answered for a different key version");
    }
  }

  // ---- credentials ----

  /** Where the bearer token comes from. */
  private interface Tokens {
    String token() throws KeyException;

    /** The token last handed out, so that messages can be scrubbed of it. */
    @Nullable String last();
  }

  private static Tokens tokens(Map<String, String> env, Http http, String display)
      throws KeyException {
    String token = env.getOrDefault(TOKEN_ENV, "").strip();
    if (token.isEmpty()) {
      String file = env.getOrDefault(TOKEN_FILE_ENV, "");
      if (!file.isEmpty()) {
        try {
          token = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
          throw new KeyException(
              KeyException.Reason.DENIED,
              display + ": cannot read the access token file named by " + TOKEN_FILE_ENV);
        }
        if (token.isEmpty()) {
          throw new KeyException(
              KeyException.Reason.DENIED,
              display + ": the access token file named by " + TOKEN_FILE_ENV + " is empty");
        }
      }
    }
    if (!token.isEmpty()) {
      if (!token.matches("[\\x21-\\x7e]+")) {
        throw new KeyException(
            KeyException.Reason.DENIED,
            display + ": the access token holds characters an OAuth token never has");
      }
      String fixed = token;
      return new Tokens() {
        @Override
        public String token() {
          return fixed;
        }

        @Override
        public String last() {
          return fixed;
        }
      };
    }
    return new MetadataTokens(env.getOrDefault(METADATA_HOST_ENV, ""), http, display);
  }

  /**
   * Tokens from the metadata server of a Google Cloud VM, GKE workload or Cloud Run service, cached
   * until shortly before they expire.
   */
  private static final class MetadataTokens implements Tokens {
    private final URI url;
    private final Http http;
    private final String display;
    private @Nullable String token;
    private long expiresAtNanos;

    MetadataTokens(String host, Http http, String display) throws KeyException {
      String h = host.isEmpty() ? "metadata.google.internal" : host;
      if (!h.matches("[A-Za-z0-9.-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:]+\\](:[0-9]{1,5})?")) {
        throw new KeyException(
            KeyException.Reason.MALFORMED,
            display + ": " + METADATA_HOST_ENV + " is not HOST[:PORT]");
      }
      // Plain http is the metadata server's protocol: it is link-local and never leaves the host.
      this.url =
          URI.create("http://" + h + "/computeMetadata/v1/instance/service-accounts/default/token");
      this.http = http;
      this.display = display;
    }

    @Override
    public synchronized String token() throws KeyException {
      String t = token;
      if (t != null && System.nanoTime() < expiresAtNanos) {
        return t;
      }
      String hint =
          "no Google credentials: set "
              + TOKEN_ENV
              + " (e.g. to the output of `gcloud auth print-access-token`) or "
              + TOKEN_FILE_ENV
              + ", or run on Google Cloud with a service account";
      Http.Reply reply;
      try {
        reply =
            http.send(
                HttpRequest.newBuilder(url).header("Metadata-Flavor", "Google").GET().build());
      } catch (Retry.Transient e) {
        throw new KeyException(
            KeyException.Reason.DENIED,
            display + ": " + hint + " (metadata server: " + e.getMessage() + ")");
      }
      if (reply.status() != 200) {
        throw new KeyException(
            KeyException.Reason.DENIED,
            display + ": " + hint + " (metadata server: HTTP " + reply.status() + ")");
      }
      JsonObject o = Http.object(reply, display + ": metadata server token");
      String fresh = Json.string(o, "access_token", display + ": metadata server token");
      Long expiresIn = Json.optLong(o, "expires_in");
      long seconds = expiresIn == null ? 300 : Math.max(0, expiresIn - 60);
      token = fresh;
      expiresAtNanos = System.nanoTime() + seconds * 1_000_000_000L;
      return fresh;
    }

    @Override
    public synchronized @Nullable String last() {
      return token;
    }
  }

  // ---- REST calls ----

  private record Client(URI base, Http http, KmsOptions options, Tokens tokens) {

    String latestEnabledVersion(String cryptoKey, String display) throws KeyException {
      long best = -1;
      String pageToken = "";
      for (int page = 0; page < 20; page++) {
        String query =
            "?filter="
                + URLEncoder.encode("state=ENABLED", StandardCharsets.UTF_8)
                + "&pageSize=1000"
                + (pageToken.isEmpty()
                    ? ""
                    : "&pageToken=" + URLEncoder.encode(pageToken, StandardCharsets.UTF_8));
        JsonObject list =
            call("GET", cryptoKey + "/cryptoKeyVersions" + query, null, display, "list versions");
        for (JsonValue v : Json.array(list, "cryptoKeyVersions")) {
          String name = v instanceof JsonObject o ? Json.optString(o, "name") : null;
          if (name != null
              && v instanceof JsonObject version
              && "ENABLED".equals(Json.optString(version, "state"))) {
            Matcher m = VERSION.matcher(name);
            if (m.matches() && m.group(1).equals(cryptoKey) && m.group(2).length() < 10) {
              best = Math.max(best, Long.parseLong(m.group(2)));
            }
          }
        }
        String next = Json.optString(list, "nextPageToken");
        pageToken = next == null ? "" : next;
        if (pageToken.isEmpty()) {
          break;
        }
      }
      if (best < 0) {
        throw new KeyException(
            KeyException.Reason.NOT_FOUND,
            display + ": the key has no enabled version; name one with /cryptoKeyVersions/N");
      }
      return cryptoKey + "/cryptoKeyVersions/" + best;
    }

    byte[] sign(String version, Algorithm alg, byte[] input, boolean digest, String reference)
        throws KeyException {
      long crc = crc32c(input);
      String b64 = Base64.getEncoder().encodeToString(input);
      JsonObject body =
          digest
              ? JsonObject.builder()
                  .put(
                      "digest",
                      JsonObject.builder()
                          .put(
                              alg.digest().replace("-", "").toLowerCase(java.util.Locale.ROOT), b64)
                          .build())
                  .put("digestCrc32c", Long.toString(crc))
                  .build()
              : JsonObject.builder().put("data", b64).put("dataCrc32c", Long.toString(crc)).build();
      String what = reference + ": asymmetricSign";
      return Retry.run(
          options,
          what,
          () -> {
            JsonObject r =
                once("POST", version + ":asymmetricSign", body, reference, "asymmetricSign");
            // Google's integrity guide: the server must confirm the CRC32C of what it signed, and
            // the signature must match its own CRC32C; otherwise discard and retry a few times.
            if (!Json.isTrue(r, digest ? "verifiedDigestCrc32c" : "verifiedDataCrc32c")) {
              throw new Retry.Transient(
                  Retry.Kind.CORRUPTED,
                  "the service did not confirm the CRC32C of the " + (digest ? "digest" : "data"));
            }
            byte[] signature = Json.base64(Json.string(r, "signature", what), "signature", what);
            Long sigCrc = Json.optLong(r, "signatureCrc32c");
            if (sigCrc == null || sigCrc != crc32c(signature)) {
              throw new Retry.Transient(
                  Retry.Kind.CORRUPTED, "the signature does not match its CRC32C");
            }
            checkName(r, version, reference, "asymmetricSign");
            return signature;
          });
    }

    JsonObject call(
        String method, String path, @Nullable JsonObject body, String reference, String op)
        throws KeyException {
      return Retry.run(
          options, reference + ": " + op, () -> once(method, path, body, reference, op));
    }

    private JsonObject once(
        String method, String path, @Nullable JsonObject body, String reference, String op)
        throws KeyException, Retry.Transient {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(base.resolve(path))
              .timeout(options.callTimeout())
              .header("Authorization", "Bearer " + tokens.token())
              .header("Accept", "application/json");
      if (body == null) {
        b.GET();
      } else {
        b.header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(JsonWriter.compact(body)));
      }
      Http.Reply reply;
      try {
        reply = http.send(b.build());
      } catch (KeyException e) {
        throw new KeyException(e.reason(), reference + ": " + op + ": " + e.getMessage());
      }
      if (reply.status() / 100 == 2) {
        return Http.object(reply, reference + ": " + op);
      }
      throw failure(reply, reference, op);
    }

    /**
     * Maps a Google API error ({@code {"error":{"code","status","message"}}}): returns what is
     * worth retrying, throws what is not.
     */
    private Retry.Transient failure(Http.Reply reply, String reference, String op)
        throws KeyException {
      JsonObject o = Http.objectOrNull(reply);
      JsonObject error = o == null ? null : Json.optObject(o, "error");
      String status = error == null ? "" : Text.oneLine(Json.optString(error, "status"), null);
      String message =
          error == null ? "" : Text.oneLine(Json.optString(error, "message"), tokens.last());
      String detail =
          "HTTP "
              + reply.status()
              + (status.isEmpty() ? "" : " " + status)
              + (message.isEmpty() ? "" : ": " + message);
      int code = reply.status();
      if (code == 429 || status.equals("RESOURCE_EXHAUSTED")) {
        return new Retry.Transient(Retry.Kind.THROTTLED, detail);
      }
      if (code >= 500 || status.equals("UNAVAILABLE") || status.equals("DEADLINE_EXCEEDED")) {
        return new Retry.Transient(Retry.Kind.SERVER, detail);
      }
      KeyException.Reason reason =
          switch (code) {
            case 401, 403 -> KeyException.Reason.DENIED;
            case 404 -> KeyException.Reason.NOT_FOUND;
            default ->
                status.equals("FAILED_PRECONDITION")
                    ? KeyException.Reason.NOT_ALLOWED
                    : KeyException.Reason.SIGNING_FAILED;
          };
      throw new KeyException(reason, reference + ": " + op + " refused: " + detail);
    }
  }
}
