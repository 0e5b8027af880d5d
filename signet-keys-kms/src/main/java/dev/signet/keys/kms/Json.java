package dev.signet.keys.kms;

import dev.signet.json.JsonArray;
import dev.signet.json.JsonBool;
import dev.signet.json.JsonInteger;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.keys.KeyException;
import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Typed reads from service responses; a missing or mistyped member is the service's fault. */
final class Json {
  private Json() {}

  static @Nullable String optString(JsonObject o, String name) {
    return o.get(name) instanceof JsonString s ? s.value() : null;
  }

  static String string(JsonObject o, String name, String what) throws KeyException {
    String s = optString(o, name);
    if (s == null) {
      throw bad(what, "has no string \"" + name + "\"");
    }
    return s;
  }

  static @Nullable JsonObject optObject(JsonObject o, String name) {
    return o.get(name) instanceof JsonObject x ? x : null;
  }

  static JsonObject object(JsonObject o, String name, String what) throws KeyException {
    JsonObject x = optObject(o, name);
    if (x == null) {
      throw bad(what, "has no object \"" + name + "\"");
    }
    return x;
  }

  static List<JsonValue> array(JsonObject o, String name) {
    return o.get(name) instanceof JsonArray a ? a.items() : List.of();
  }

  static boolean isTrue(JsonObject o, String name) {
    return o.get(name) instanceof JsonBool b && b.value();
  }

  /** An int64 member, which Google's JSON mapping writes as a string and others as a number. */
  static @Nullable Long optLong(JsonObject o, String name) {
    JsonValue v = o.get(name);
    try {
      if (v instanceof JsonInteger i) {
        return i.value().longValueExact();
      }
      if (v instanceof JsonString s && s.value().matches("-?[0-9]{1,19}")) {
        return Long.parseLong(s.value());
      }
    } catch (ArithmeticException | NumberFormatException e) {
      return null;
    }
    return null;
  }

  static byte[] base64(String value, String field, String what) throws KeyException {
    try {
      return Base64.getDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      throw bad(what, "has \"" + field + "\" that is not valid base64");
    }
  }

  static KeyException bad(String what, String problem) {
    return new KeyException(
        KeyException.Reason.SIGNING_FAILED, what + ": the service's response " + problem);
  }
}
