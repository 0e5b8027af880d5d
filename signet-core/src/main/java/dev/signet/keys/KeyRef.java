package dev.signet.keys;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Where a key lives, parsed from the key reference a user writes after {@code --signing-key},
 * {@code --verification-key} or {@code --key}. The schemes follow cosign's so that references carry
 * over (artifact-signing spec §1.7):
 *
 * <ul>
 *   <li>{@code file:PATH[#KID]} or a plain path — a JWKS, PEM or cosign key file;
 *   <li>{@code pkcs11:token=…;object=…?module-path=…&pin-source=…} — RFC 7512;
 *   <li>{@code awskms://[ENDPOINT]/KEY-ID-OR-ALIAS-OR-ARN};
 *   <li>{@code gcpkms://projects/P/locations/L/keyRings/R/cryptoKeys/K[/cryptoKeyVersions/V]};
 *   <li>{@code hashivault://NAME} or {@code openbao://NAME} — Vault/OpenBao transit;
 *   <li>{@code signet://HOST[:PORT]/PROJECT[/KEY]} — the Signet signing service.
 * </ul>
 *
 * <p>Parsing is syntax only; opening the key is the job of a backend. {@code toString()} never
 * shows a PIN given inline ({@code pin-value}).
 */
public sealed interface KeyRef {

  /** The reference as the user would write it again, with secrets redacted. */
  String display();

  /** A key file: JWKS (JSON), PEM ({@code PUBLIC KEY}, PKCS#8) or cosign.key. */
  record File(Path path, @Nullable String keyId) implements KeyRef {
    @Override
    public String display() {
      String p = path.toString();
      if (keyId == null && p.indexOf('#') >= 0) {
        // After "file:" a '#' starts a key ID; written plain, the whole name is the path.
        return p;
      }
      return "file:" + p + (keyId == null ? "" : "#" + keyId);
    }
  }

  /**
   * An RFC 7512 PKCS#11 URI. Path attributes identify token and object ({@code token}, {@code
   * slot-id}, {@code object}, {@code id}, …); query attributes say how to reach them ({@code
   * module-path}, {@code pin-source}, {@code pin-value}). Values are percent-decoded: text
   * attributes as UTF-8, the binary {@code id} (a {@code CKA_ID}) byte for byte, one char per byte
   * (ISO-8859-1), so that ids such as {@code %a0%ff} survive; see {@link #idBytes()}.
   */
  record Pkcs11(Map<String, String> pathAttributes, Map<String, String> queryAttributes)
      implements KeyRef {
    public Pkcs11 {
      pathAttributes = Collections.unmodifiableMap(new LinkedHashMap<>(pathAttributes));
      queryAttributes = Collections.unmodifiableMap(new LinkedHashMap<>(queryAttributes));
    }

    public @Nullable String path(String name) {
      return pathAttributes.get(name);
    }

    public @Nullable String query(String name) {
      return queryAttributes.get(name);
    }

    /** The {@code id} attribute as the bytes of a {@code CKA_ID}, or null when absent. */
    public byte @Nullable [] idBytes() {
      String id = pathAttributes.get("id");
      return id == null ? null : id.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public String display() {
      StringBuilder b = new StringBuilder("pkcs11:");
      String sep = "";
      for (var e : pathAttributes.entrySet()) {
        b.append(sep)
            .append(e.getKey())
            .append('=')
            .append(printable(e.getValue(), e.getKey().equals("id")));
        sep = ";";
      }
      sep = "?";
      for (var e : queryAttributes.entrySet()) {
        String v = e.getKey().equals("pin-value") ? "[redacted]" : printable(e.getValue(), false);
        b.append(sep).append(e.getKey()).append('=').append(v);
        sep = "&";
      }
      return b.toString();
    }

    @Override
    public String toString() {
      return display();
    }

    /**
     * Percent-encodes what must not reach a message or log line raw (control characters) and what
     * would change the reference when parsed again ({@code % ; ? & #}); the binary id entirely, as
     * p11-kit prints it.
     */
    private static String printable(String value, boolean binary) {
      StringBuilder b = new StringBuilder(value.length());
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (binary || c < 0x20 || c == 0x7f || "%;?&#".indexOf(c) >= 0) {
          b.append('%').append(java.util.HexFormat.of().toHexDigits((byte) c));
        } else {
          b.append(c);
        }
      }
      return b.toString();
    }
  }

  /** An AWS KMS key; {@code endpoint} is empty for the SDK's default endpoint. */
  record AwsKms(String endpoint, String keyId) implements KeyRef {
    @Override
    public String display() {
      return "awskms://" + endpoint + "/" + keyId;
    }
  }

  /** A Google Cloud KMS crypto key (version), as a resource name starting {@code projects/}. */
  record GcpKms(String resourceName) implements KeyRef {
    @Override
    public String display() {
      return "gcpkms://" + resourceName;
    }
  }

  /** A Vault or OpenBao transit key. */
  record Vault(String scheme, String keyName) implements KeyRef {
    @Override
    public String display() {
      return scheme + "://" + keyName;
    }
  }

  /** A key held by the Signet signing service. {@code keyName} null means the project default. */
  record Service(String host, int port, String project, @Nullable String keyName)
      implements KeyRef {
    public static final int DEFAULT_PORT = 8443;

    @Override
    public String display() {
      return "signet://"
          + host
          + (port == DEFAULT_PORT ? "" : ":" + port)
          + "/"
          + project
          + (keyName == null ? "" : "/" + keyName);
    }
  }

  /**
   * Parses a key reference.
   *
   * @throws KeyException {@link KeyException.Reason#MALFORMED} naming the reference (with any
   *     inline PIN removed) and what is wrong with it
   */
  static KeyRef parse(String ref) throws KeyException {
    return Parser.parse(ref);
  }

  /** Package-private parsing; kept out of the interface body for readability. */
  final class Parser {
    private Parser() {}

    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):");
    private static final Pattern VAULT_NAME = Pattern.compile("\\w(?:[\\w.-]*\\w)?");
    private static final Pattern GCP =
        Pattern.compile(
            "projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+"
                + "(?:/(?:cryptoKeyVersions|versions)/[0-9]+)?");
    private static final Pattern HOST_PORT =
        Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+)(?::([0-9]{1,5}))?");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Set<String> PKCS11_PATH =
        Set.of(
            "token",
            "manufacturer",
            "serial",
            "model",
            "library-manufacturer",
            "library-description",
            "library-version",
            "slot-id",
            "slot-description",
            "slot-manufacturer",
            "object",
            "id",
            "type");
    private static final Set<String> PKCS11_QUERY =
        Set.of("pin-source", "pin-value", "module-name", "module-path");
    private static final int MAX_REF_CHARS = dev.signet.input.InputLimits.MAX_KEY_REF_CHARS;

    static KeyRef parse(String ref) throws KeyException {
      if (ref.isEmpty()) {
        throw bad(ref, "it is empty");
      }
      if (ref.length() > MAX_REF_CHARS) {
        throw bad(ref.substring(0, 40) + "…", "it is longer than " + MAX_REF_CHARS + " characters");
      }
      Matcher m = SCHEME.matcher(ref);
      if (!m.find() || m.group(1).length() == 1) {
        // No scheme, or a Windows drive letter: a plain path.
        return file(ref, ref, null);
      }
      String scheme = m.group(1);
      String rest = ref.substring(m.end());
      return switch (scheme) {
        case "file" -> {
          int hash = rest.lastIndexOf('#');
          String path = hash < 0 ? rest : rest.substring(0, hash);
          String kid = hash < 0 ? null : rest.substring(hash + 1);
          if (path.startsWith("//")) {
            path = path.substring(2); // file:///abs/path
          }
          if (kid != null && kid.isEmpty()) {
            throw bad(ref, "the key ID after '#' is empty");
          }
          yield file(ref, path, kid);
        }
        case "pkcs11" -> pkcs11(ref, rest);
        case "awskms" -> aws(ref, slashes(ref, rest));
        case "gcpkms" -> {
          String name = slashes(ref, rest);
          if (!GCP.matcher(name).matches()) {
            throw bad(
                ref,
                "expected gcpkms://projects/P/locations/L/keyRings/R/cryptoKeys/K"
                    + "[/cryptoKeyVersions/V]");
          }
          // Only the version segment: a project, location or ring may be named "versions".
          yield new KeyRef.GcpKms(
              name.replaceFirst("/versions/([0-9]+)$", "/cryptoKeyVersions/$1"));
        }
        case "hashivault", "openbao" -> {
          String name = slashes(ref, rest);
          if (!VAULT_NAME.matcher(name).matches()) {
            throw bad(
                ref,
                "a transit key name is letters, digits, '_', '-' and '.', as in "
                    + scheme
                    + "://release-key");
          }
          yield new KeyRef.Vault(scheme, name);
        }
        case "signet" -> service(ref, slashes(ref, rest));
        default -> {
          if (rest.startsWith("//")) {
            throw bad(
                ref,
                "unsupported scheme \""
                    + scheme
                    + "\"; use file:, pkcs11:, awskms://, gcpkms://, hashivault://, openbao://"
                    + " or signet://");
          }
          yield file(ref, ref, null);
        }
      };
    }

    private static KeyRef file(String ref, String path, @Nullable String kid) throws KeyException {
      if (path.isEmpty()) {
        throw bad(ref, "the file path is empty");
      }
      try {
        return new KeyRef.File(Path.of(path), kid);
      } catch (InvalidPathException e) {
        throw bad(ref, "not a valid file path");
      }
    }

    private static String slashes(String ref, String rest) throws KeyException {
      if (!rest.startsWith("//")) {
        throw bad(ref, "expected \"//\" after the scheme");
      }
      return rest.substring(2);
    }

    private static KeyRef aws(String ref, String rest) throws KeyException {
      int slash = rest.indexOf('/');
      if (slash < 0) {
        throw bad(ref, "expected awskms://[ENDPOINT]/KEY-ID, e.g. awskms:///alias/release");
      }
      String endpoint = rest.substring(0, slash);
      String keyId = rest.substring(slash + 1);
      if (keyId.isEmpty()) {
        throw bad(ref, "the key ID is empty");
      }
      if (!endpoint.isEmpty() && !HOST_PORT.matcher(endpoint).matches()) {
        throw bad(ref, "the endpoint \"" + endpoint + "\" is not HOST[:PORT]");
      }
      return new KeyRef.AwsKms(endpoint, keyId);
    }

    private static KeyRef service(String ref, String rest) throws KeyException {
      String[] parts = rest.split("/", -1);
      if (parts.length < 2 || parts.length > 3) {
        throw bad(ref, "expected signet://HOST[:PORT]/PROJECT[/KEY]");
      }
      Matcher hp = HOST_PORT.matcher(parts[0]);
      if (!hp.matches()) {
        throw bad(ref, "\"" + parts[0] + "\" is not HOST[:PORT]");
      }
      int port = KeyRef.Service.DEFAULT_PORT;
      if (hp.group(2) != null) {
        port = Integer.parseInt(hp.group(2));
        if (port < 1 || port > 65535) {
          throw bad(ref, "port " + port + " is out of range");
        }
      }
      for (int i = 1; i < parts.length; i++) {
        if (!NAME.matcher(parts[i]).matches()) {
          throw bad(
              ref,
              (i == 1 ? "project" : "key")
                  + " name \""
                  + parts[i]
                  + "\" must be letters, digits, '.', '_' or '-'");
        }
      }
      return new KeyRef.Service(hp.group(1), port, parts[1], parts.length == 3 ? parts[2] : null);
    }

    private static KeyRef pkcs11(String ref, String rest) throws KeyException {
      int q = rest.indexOf('?');
      String path = q < 0 ? rest : rest.substring(0, q);
      String query = q < 0 ? "" : rest.substring(q + 1);
      Map<String, String> pathAttrs = attributes(ref, path, ";", PKCS11_PATH);
      Map<String, String> queryAttrs = attributes(ref, query, "&", PKCS11_QUERY);
      if (!pathAttrs.containsKey("token")
          && !pathAttrs.containsKey("slot-id")
          && !pathAttrs.containsKey("serial")) {
        throw bad(ref, "name the token: token=LABEL, serial=… or slot-id=N");
      }
      if (!pathAttrs.containsKey("object") && !pathAttrs.containsKey("id")) {
        throw bad(ref, "name the key: object=LABEL or id=%01");
      }
      if (queryAttrs.containsKey("pin-source") && queryAttrs.containsKey("pin-value")) {
        throw bad(ref, "give either pin-source or pin-value, not both");
      }
      return new KeyRef.Pkcs11(pathAttrs, queryAttrs);
    }

    private static Map<String, String> attributes(
        String ref, String part, String separator, Set<String> known) throws KeyException {
      Map<String, String> out = new LinkedHashMap<>();
      if (part.isEmpty()) {
        return out;
      }
      for (String attr : part.split(Pattern.quote(separator), -1)) {
        int eq = attr.indexOf('=');
        if (eq <= 0) {
          throw bad(ref, "attribute \"" + attr + "\" is not NAME=VALUE");
        }
        String name = attr.substring(0, eq);
        if (!known.contains(name) && !name.startsWith("x-")) {
          throw bad(ref, "unknown attribute \"" + name + "\" (RFC 7512)");
        }
        String value;
        try {
          // '+' is literal in RFC 3986; URLDecoder would turn it into a space. The id is binary:
          // decoding it as UTF-8 would turn every byte above 0x7f into U+FFFD.
          value =
              URLDecoder.decode(
                  attr.substring(eq + 1).replace("+", "%2B"),
                  name.equals("id") ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          throw bad(ref, "attribute \"" + name + "\" has a malformed %-escape");
        }
        if (name.equals("id") && !value.chars().allMatch(c -> c <= 0xff)) {
          throw bad(ref, "the id is bytes: write characters outside ASCII as %-escapes");
        }
        if (out.put(name, value) != null) {
          throw bad(ref, "attribute \"" + name + "\" appears twice");
        }
      }
      return out;
    }

    private static KeyException bad(String ref, String why) {
      return new KeyException(
          KeyException.Reason.MALFORMED, oneLine("key reference \"" + redact(ref) + "\": " + why));
    }

    /**
     * Escapes line breaks and other control characters (C0, DEL, C1, U+2028, U+2029) as {@code
     * \\uXXXX}, so that a reference cannot add lines to a log.
     */
    private static String oneLine(String s) {
      StringBuilder b = new StringBuilder(s.length());
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029) {
          b.append("\\u").append(java.util.HexFormat.of().toHexDigits((short) c));
        } else {
          b.append(c);
        }
      }
      return b.toString();
    }

    private static String redact(String ref) {
      return ref.replaceAll("(pin-value=)[^&]*", "$1[redacted]");
    }
  }
}
