package dev.signet.keys.kms;

import dev.signet.json.JsonBool;
import dev.signet.json.JsonInteger;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonWriter;
import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyException;
import dev.signet.keys.KeyRef;
import dev.signet.keys.SigningKey;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Signing keys in the transit secrets engine of HashiCorp Vault or OpenBao ({@code
 * hashivault://NAME}, {@code openbao://NAME}), through its HTTP API and the JDK HTTP client.
 *
 * <p>Key types: {@code ecdsa-p256} → ES256, {@code ecdsa-p384} → ES384, {@code ecdsa-p521} → ES512,
 * {@code rsa-2048/3072/4096} → PS512 (PSS with the salt as long as the hash, as JWS requires),
 * {@code ed25519} → EdDSA (not derived). Signing uses the key version that was latest when the key
 * was opened, so a rotation meanwhile cannot produce signatures that the fetched public key does
 * not verify.
 *
 * <p>Configuration, as cosign and the Vault CLI read it ({@code BAO_*} first for {@code
 * openbao://}, {@code VAULT_*} first otherwise): {@code VAULT_ADDR}, {@code VAULT_TOKEN} (else
 * {@code ~/.vault-token}), {@code VAULT_NAMESPACE}, {@code VAULT_CACERT} (a PEM file of CA
 * certificates to trust instead of the JDK's), {@code TRANSIT_SECRET_ENGINE_PATH} (default {@code
 * transit}), {@code VAULT_KEY_PREFIX} (default {@code vault}, the prefix of {@code vault:v1:…}
 * signatures). Plain http is allowed to this machine only; {@code VAULT_SKIP_VERIFY} is not
 * honoured.
 */
public final class VaultKeys {
  private VaultKeys() {}

  // Segments of letters, digits, '_', '-' and '.', but never "." or "..": the mount becomes part
  // of a URL path, and a dot segment would climb out of it (to sys/, say).
  private static final String SEGMENT = "(?!\\.{1,2}(?:/|$))[A-Za-z0-9_.-]+";
  private static final Pattern MOUNT = Pattern.compile(SEGMENT + "(/" + SEGMENT + ")*");
  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_-]+");

  /** Opens the key with {@link KmsOptions#DEFAULT}. */
  public static SigningKey open(KeyRef.Vault ref, Map<String, String> env) throws KeyException {
    return open(ref, env, KmsOptions.DEFAULT);
  }

  /**
   * Opens the key: reads it once (type, latest version, public key), then signs and verifies a
   * probe.
   *
   * @throws KeyException UNAVAILABLE (no address, unreachable, sealed, throttled), DENIED (no or
   *     refused token), NOT_FOUND, NOT_ALLOWED (a key type that cannot sign here), SIGNING_FAILED
   *     (malformed responses); every message names the key and never the token
   */
  public static SigningKey open(KeyRef.Vault ref, Map<String, String> env, KmsOptions options)
      throws KeyException {
    String display = ref.display();
    boolean bao = ref.scheme().equals("openbao");
    String addrVar = bao ? "BAO_ADDR" : "VAULT_ADDR";
    String addr = setting(env, bao, "ADDR");
    if (addr.isEmpty()) {
      throw new KeyException(
          KeyException.Reason.UNAVAILABLE,
          display + ": no server address; set " + addrVar + " (e.g. https://vault.example:8200)");
    }
    URI base = Http.baseUrl(addr, addrVar, display);
    String token = setting(env, bao, "TOKEN");
    if (token.isEmpty()) {
      token = tokenFile(env, display);
    }
    if (token.isEmpty()) {
      throw new KeyException(
          KeyException.Reason.DENIED,
          display
              + ": no token; set "
              + (bao ? "BAO_TOKEN" : "VAULT_TOKEN")
              + " or log in so that ~/.vault-token exists");
    }
    if (!token.matches("[\\x21-\\x7e]+")) {
      throw new KeyException(
          KeyException.Reason.DENIED, display + ": the token holds characters a token never has");
    }
    String mount = env.getOrDefault("TRANSIT_SECRET_ENGINE_PATH", "").strip();
    mount = mount.replaceAll("^/+|/+$", "");
    if (mount.isEmpty()) {
      mount = "transit";
    }
    if (!MOUNT.matcher(mount).matches()) {
      throw new KeyException(
          KeyException.Reason.MALFORMED,
          display
              + ": TRANSIT_SECRET_ENGINE_PATH \""
              + Text.oneLine(mount, null)
              + "\" is not a"
              + " mount path");
    }
    String prefix = env.getOrDefault("VAULT_KEY_PREFIX", "").strip();
    if (prefix.isEmpty()) {
      prefix = "vault";
    }
    if (!PREFIX.matcher(prefix).matches()) {
      throw new KeyException(
          KeyException.Reason.MALFORMED, display + ": VAULT_KEY_PREFIX is not a plain word");
    }
    String namespace = setting(env, bao, "NAMESPACE");
    String caCert = setting(env, bao, "CACERT");
    SSLContext ssl =
        caCert.isEmpty()
            ? null
            : Jca.trusting(Path.of(caCert), display + ": " + (bao ? "BAO_CACERT" : "VAULT_CACERT"));

    Client client =
        new Client(
            base.resolve("v1/" + mount + "/"),
            new Http(options, ssl),
            options,
            token,
            namespace,
            display);
    JsonObject data =
        Json.object(
            client.call("GET", "keys/" + ref.keyName(), null, "read key"),
            "data",
            display + ": read key");
    KeyInfo key = keyInfo(data, display);
    Algorithm alg = key.algorithm();
    String signPath =
        "sign/"
            + ref.keyName()
            + (alg == Algorithm.EdDSA
                ? ""
                : "/" + alg.digest().toLowerCase(java.util.Locale.ROOT).replace("sha-", "sha2-"));
    String versionPrefix = prefix + ":v" + key.version() + ":";
    return RemoteKey.open(
        alg,
        key.publicKey(),
        display,
        (input, digest) -> {
          JsonObject.Builder body =
              JsonObject.builder()
                  .put("input", Base64.getEncoder().encodeToString(input))
                  .put("key_version", new JsonInteger(BigInteger.valueOf(key.version())));
          if (digest) {
            body.put("prehashed", JsonBool.TRUE).put("marshaling_algorithm", "asn1");
          }
          if (alg.keyType() == Algorithm.KeyType.RSA) {
            body.put("signature_algorithm", "pss").put("salt_length", "hash");
          }
          JsonObject r = client.call("POST", signPath, body.build(), "sign");
          String what = display + ": sign";
          String sig = Json.string(Json.object(r, "data", what), "signature", what);
          if (!sig.startsWith(versionPrefix)) {
            throw Json.bad(
                what,
                "has a signature that is not \"" + versionPrefix + "…\" (the version signed)");
          }
          return Json.base64(sig.substring(versionPrefix.length()), "signature", what);
        });
  }

  private record KeyInfo(Algorithm algorithm, long version, java.security.PublicKey publicKey) {}

  private static KeyInfo keyInfo(JsonObject data, String display) throws KeyException {
    String what = display + ": read key";
    String type = Json.string(data, "type", what);
    Algorithm alg =
        switch (type) {
          case "ecdsa-p256" -> Algorithm.ES256;
          case "ecdsa-p384" -> Algorithm.ES384;
          case "ecdsa-p521" -> Algorithm.ES512;
          case "rsa-2048", "rsa-3072", "rsa-4096" -> Algorithm.PS512;
          case "ed25519" -> Algorithm.EdDSA;
          default ->
              throw new KeyException(
                  KeyException.Reason.NOT_ALLOWED,
                  display
                      + ": a transit key of type "
                      + Text.oneLine(type, null)
                      + " cannot sign here; use ecdsa-p256 (ES256), ecdsa-p384, ecdsa-p521,"
                      + " ed25519 or rsa-*");
        };
    if (data.get("supports_signing") instanceof JsonBool b && !b.value()) {
      throw new KeyException(
          KeyException.Reason.NOT_ALLOWED, display + ": the transit key does not support signing");
    }
    if (Json.isTrue(data, "derived")) {
      // A derived key has one public key per context; there is no single key to verify with.
      throw new KeyException(
          KeyException.Reason.NOT_ALLOWED,
          display
              + ": the transit key is derived (one key per context); use a key without"
              + " derivation");
    }
    Long latest = Json.optLong(data, "latest_version");
    if (latest == null || latest < 1) {
      throw Json.bad(what, "has no latest_version");
    }
    JsonObject keys = Json.object(data, "keys", what);
    JsonObject version = Json.optObject(keys, Long.toString(latest));
    String pub = version == null ? null : Json.optString(version, "public_key");
    if (pub == null || pub.isEmpty()) {
      throw Json.bad(what, "has no public key for version " + latest);
    }
    java.security.PublicKey key =
        alg == Algorithm.EdDSA
            ? Jca.ed25519Raw(Json.base64(pub, "public_key", what), display)
            : Jca.pem(pub, display);
    return new KeyInfo(alg, latest, key);
  }

  /** {@code BAO_X} then {@code VAULT_X} for OpenBao, the other way round for Vault. */
  private static String setting(Map<String, String> env, boolean bao, String name) {
    String first = env.getOrDefault((bao ? "BAO_" : "VAULT_") + name, "").strip();
    return first.isEmpty() ? env.getOrDefault((bao ? "VAULT_" : "BAO_") + name, "").strip() : first;
  }

  /** The token the Vault CLI's default token helper stores after {@code vault login}. */
  private static String tokenFile(Map<String, String> env, String display) throws KeyException {
    String home = env.getOrDefault("HOME", "");
    if (home.isEmpty()) {
      return "";
    }
    Path file = Path.of(home, ".vault-token");
    if (!Files.isRegularFile(file)) {
      return "";
    }
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException | RuntimeException e) {
      throw new KeyException(KeyException.Reason.DENIED, display + ": cannot read ~/.vault-token");
    }
  }

  private record Client(
      URI base, Http http, KmsOptions options, String token, String namespace, String display) {

    JsonObject call(String method, String path, @Nullable JsonObject body, String op)
        throws KeyException {
      return Retry.run(options, display + ": " + op, () -> once(method, path, body, op));
    }

    private JsonObject once(String method, String path, @Nullable JsonObject body, String op)
        throws KeyException, Retry.Transient {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(base.resolve(path))
              .timeout(options.callTimeout())
              .header("X-Vault-Token", token)
              .header("X-Vault-Request", "true");
      if (!namespace.isEmpty()) {
        b.header("X-Vault-Namespace", namespace);
      }
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
        String hint =
            String.valueOf(e.getMessage()).startsWith("TLS")
                ? "; if the server's certificate comes from a private CA, name its PEM file in"
                    + " VAULT_CACERT"
                : "";
        throw new KeyException(e.reason(), display + ": " + op + ": " + e.getMessage() + hint);
      }
      if (reply.status() / 100 == 2) {
        return Http.object(reply, display + ": " + op);
      }
      throw failure(reply, op);
    }

    /** Maps a Vault error ({@code {"errors":["…"]}}): returns what is worth retrying. */
    private Retry.Transient failure(Http.Reply reply, String op) throws KeyException {
      JsonObject o = Http.objectOrNull(reply);
      StringBuilder errors = new StringBuilder();
      if (o != null) {
        for (var e : Json.array(o, "errors")) {
          if (e instanceof JsonString s) {
            errors.append(errors.isEmpty() ? "" : "; ").append(s.value());
          }
        }
      }
      String message = Text.oneLine(errors.toString(), token);
      String detail = "HTTP " + reply.status() + (message.isEmpty() ? "" : ": " + message);
      int code = reply.status();
      if (code == 429) {
        return new Retry.Transient(Retry.Kind.THROTTLED, detail);
      }
      // 412: a performance standby has not yet caught up; 5xx includes 503 while sealed.
      if (code >= 500 || code == 412) {
        return new Retry.Transient(Retry.Kind.SERVER, detail);
      }
      KeyException.Reason reason =
          switch (code) {
            case 401, 403 -> KeyException.Reason.DENIED;
            case 404 -> KeyException.Reason.NOT_FOUND;
            default ->
                message.contains("not found")
                    ? KeyException.Reason.NOT_FOUND
                    : message.contains("does not support signing")
                        ? KeyException.Reason.NOT_ALLOWED
                        : KeyException.Reason.SIGNING_FAILED;
          };
      if (code == 404 && message.isEmpty()) {
        detail += ": no such key at this mount";
      }
      throw new KeyException(reason, display + ": " + op + " refused: " + detail);
    }
  }
}
