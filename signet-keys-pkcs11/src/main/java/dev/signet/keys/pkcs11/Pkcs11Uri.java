package dev.signet.keys.pkcs11;

import dev.signet.keys.KeyException;
import dev.signet.keys.KeyRef;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What an RFC 7512 reference asks for, with the defaults cosign users expect from the environment:
 * the module from {@code module-path}, else {@code SIGNET_PKCS11_MODULE_PATH}, else {@code
 * COSIGN_PKCS11_MODULE_PATH}; the PIN from {@code pin-value} or {@code pin-source}, else {@code
 * SIGNET_PKCS11_PIN}, else {@code COSIGN_PKCS11_PIN}.
 *
 * <p>Attributes that would narrow the choice but are not implemented here (library and slot
 * descriptions, vendor {@code x-} attributes) are refused rather than ignored: ignoring one could
 * select a key the user excluded.
 */
final class Pkcs11Uri {
  private final KeyRef.Pkcs11 ref;
  private final Path module;
  private final String moduleSource;
  private final @Nullable String token;
  private final @Nullable String serial;
  private final @Nullable String manufacturer;
  private final @Nullable String model;
  private final @Nullable Long slotId;
  private final @Nullable String label;
  private final byte @Nullable [] id;
  private final @Nullable String type;
  private final Pin pin;

  private Pkcs11Uri(
      KeyRef.Pkcs11 ref,
      Path module,
      String moduleSource,
      @Nullable String token,
      @Nullable String serial,
      @Nullable String manufacturer,
      @Nullable String model,
      @Nullable Long slotId,
      @Nullable String label,
      byte @Nullable [] id,
      @Nullable String type,
      Pin pin) {
    this.ref = ref;
    this.module = module;
    this.moduleSource = moduleSource;
    this.token = token;
    this.serial = serial;
    this.manufacturer = manufacturer;
    this.model = model;
    this.slotId = slotId;
    this.label = label;
    this.id = id;
    this.type = type;
    this.pin = pin;
  }

  KeyRef.Pkcs11 ref() {
    return ref;
  }

  Path module() {
    return module;
  }

  String moduleSource() {
    return moduleSource;
  }

  @Nullable Long slotId() {
    return slotId;
  }

  /** The object label ({@code CKA_LABEL}) asked for, if any. */
  @Nullable String label() {
    return label;
  }

  /** The {@code CKA_ID} asked for, if any. */
  byte @Nullable [] id() {
    return id == null ? null : id.clone();
  }

  @Nullable String type() {
    return type;
  }

  Pin pin() {
    return pin;
  }

  static final String MODULE_ENV = "SIGNET_PKCS11_MODULE_PATH";
  static final String COSIGN_MODULE_ENV = "COSIGN_PKCS11_MODULE_PATH";
  static final String PIN_ENV = "SIGNET_PKCS11_PIN";
  static final String COSIGN_PIN_ENV = "COSIGN_PKCS11_PIN";

  /** A PIN file larger than this is not a PIN file. */
  private static final int MAX_PIN_FILE_BYTES = 1024;

  private static final Set<String> SUPPORTED_PATH =
      Set.of("token", "serial", "manufacturer", "model", "slot-id", "object", "id", "type");

  /** Where the PIN comes from; never holds it in a form that prints. */
  sealed interface Pin {
    /** No PIN configured: only tokens that need no login, or have a PIN pad, work. */
    record None() implements Pin {}

    record Value(String value, String source) implements Pin {
      @Override
      public String toString() {
        return "Pin.Value[" + source + "]";
      }
    }

    record File(Path path) implements Pin {}
  }

  static Pkcs11Uri of(KeyRef.Pkcs11 ref, Map<String, String> env) throws KeyException {
    for (String name : ref.pathAttributes().keySet()) {
      if (!SUPPORTED_PATH.contains(name)) {
        throw malformed(ref, "attribute \"" + name + "\" is not supported here");
      }
    }
    if (ref.query("module-name") != null) {
      throw malformed(ref, "module-name is not supported; give module-path=/path/to/module.so");
    }
    for (String name : ref.queryAttributes().keySet()) {
      if (name.startsWith("x-")) {
        throw malformed(ref, "attribute \"" + name + "\" is not supported here");
      }
    }
    String modulePath = ref.query("module-path");
    String moduleSource = "module-path";
    if (modulePath == null) {
      modulePath = nonEmpty(env.get(MODULE_ENV));
      moduleSource = MODULE_ENV;
    }
    if (modulePath == null) {
      modulePath = nonEmpty(env.get(COSIGN_MODULE_ENV));
      moduleSource = COSIGN_MODULE_ENV;
    }
    if (modulePath == null) {
      throw malformed(
          ref, "no PKCS#11 module: add ?module-path=/path/to/module.so or set " + MODULE_ENV);
    }
    Path module;
    try {
      module = Path.of(modulePath).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw malformed(ref, "the module path from " + moduleSource + " is not a valid path");
    }
    Long slotId = null;
    String slot = ref.path("slot-id");
    if (slot != null) {
      try {
        slotId = Long.parseUnsignedLong(slot);
      } catch (NumberFormatException e) {
        throw malformed(ref, "slot-id must be a decimal number");
      }
    }
    String type = ref.path("type");
    if (type != null && !Set.of("private", "public").contains(type)) {
      throw malformed(ref, "type=" + type + " is not a key; use type=private or type=public");
    }
    byte[] id = ref.idBytes();
    if (id != null && id.length == 0) {
      throw malformed(ref, "the id is empty");
    }
    String label = ref.path("object");
    if (label != null && label.isEmpty()) {
      throw malformed(ref, "the object label is empty");
    }
    return new Pkcs11Uri(
        ref,
        module,
        moduleSource,
        ref.path("token"),
        ref.path("serial"),
        ref.path("manufacturer"),
        ref.path("model"),
        slotId,
        label,
        id,
        type,
        pin(ref, env));
  }

  private static Pin pin(KeyRef.Pkcs11 ref, Map<String, String> env) throws KeyException {
    String value = ref.query("pin-value");
    if (value != null) {
      return new Pin.Value(value, "pin-value");
    }
    String source = ref.query("pin-source");
    if (source != null) {
      // RFC 7512 makes pin-source a URI; a file is the one kind that needs no program to run.
      String path = source.startsWith("file:") ? source.substring("file:".length()) : source;
      if (path.startsWith("//")) {
        path = path.substring(2); // file:///run/secrets/pin
      }
      if (!path.startsWith("/")) {
        throw malformed(
            ref, "pin-source must be an absolute file path or a file: URI, as in file:/run/pin");
      }
      try {
        return new Pin.File(Path.of(path));
      } catch (InvalidPathException e) {
        throw malformed(ref, "pin-source is not a valid file path");
      }
    }
    for (String name : new String[] {PIN_ENV, COSIGN_PIN_ENV}) {
      String v = env.get(name);
      if (v != null && !v.isEmpty()) {
        return new Pin.Value(v, name);
      }
    }
    return new Pin.None();
  }

  /**
   * The PIN's bytes (UTF-8), or null when none is configured. The caller zeroes the array after
   * use. A PIN file's one trailing line break is not part of the PIN.
   */
  byte @Nullable [] pinBytes() throws KeyException {
    return switch (pin) {
      case Pin.None n -> null;
      case Pin.Value v -> v.value().getBytes(StandardCharsets.UTF_8);
      case Pin.File f -> readPinFile(f.path());
    };
  }

  /** Where the PIN came from, for messages: never the PIN. */
  String pinSource() {
    return switch (pin) {
      case Pin.None n -> "no PIN";
      case Pin.Value v -> "the PIN from " + v.source();
      case Pin.File f -> "the PIN from " + f.path();
    };
  }

  private byte[] readPinFile(Path path) throws KeyException {
    byte[] b;
    try (InputStream in = Files.newInputStream(path)) {
      b = in.readNBytes(MAX_PIN_FILE_BYTES + 1);
    } catch (NoSuchFileException e) {
      throw new KeyException(
          KeyException.Reason.UNREADABLE, display() + ": PIN file " + path + " does not exist");
    } catch (IOException e) {
      throw new KeyException(
          KeyException.Reason.UNREADABLE,
          display() + ": cannot read PIN file " + path + " (" + e.getClass().getSimpleName() + ")");
    }
    if (b.length > MAX_PIN_FILE_BYTES) {
      Arrays.fill(b, (byte) 0);
      throw new KeyException(
          KeyException.Reason.MALFORMED,
          display() + ": PIN file " + path + " is larger than " + MAX_PIN_FILE_BYTES + " bytes");
    }
    int end = b.length;
    if (end > 0 && b[end - 1] == '\n') {
      end--;
      if (end > 0 && b[end - 1] == '\r') {
        end--;
      }
    }
    byte[] pinBytes = Arrays.copyOf(b, end);
    Arrays.fill(b, (byte) 0);
    if (pinBytes.length == 0) {
      throw new KeyException(
          KeyException.Reason.MALFORMED, display() + ": PIN file " + path + " is empty");
    }
    return pinBytes;
  }

  /** The reference as the user wrote it, PIN redacted. */
  String display() {
    return ref.display();
  }

  /** The token part of the reference, for "token not found" messages. */
  String tokenDescription() {
    StringBuilder b = new StringBuilder();
    append(b, "token", token);
    append(b, "serial", serial);
    append(b, "manufacturer", manufacturer);
    append(b, "model", model);
    append(b, "slot-id", slotId == null ? null : Long.toUnsignedString(slotId));
    return b.toString();
  }

  private static void append(StringBuilder b, String name, @Nullable String value) {
    if (value != null) {
      b.append(b.isEmpty() ? "" : ";").append(name).append('=').append(value);
    }
  }

  boolean matches(Cryptoki.TokenInfo info) {
    return (token == null || token.equals(info.label()))
        && (serial == null || serial.equals(info.serial()))
        && (manufacturer == null || manufacturer.equals(info.manufacturer()))
        && (model == null || model.equals(info.model()));
  }

  private static @Nullable String nonEmpty(@Nullable String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static KeyException malformed(KeyRef.Pkcs11 ref, String why) {
    return new KeyException(KeyException.Reason.MALFORMED, ref.display() + ": " + why);
  }

  @Override
  public String toString() {
    return display();
  }
}
