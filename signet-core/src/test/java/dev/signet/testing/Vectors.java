package dev.signet.testing;

import dev.signet.input.InputLimits;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads the shared test vectors ({@code ../shared/vectors}) by file name. */
public final class Vectors {
  private Vectors() {}

  public static Path dir() {
    String p = System.getProperty("signet.vectors");
    Path dir = p != null ? Path.of(p) : Path.of("../../shared/vectors");
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("test vectors not found at " + dir.toAbsolutePath());
    }
    return dir;
  }

  /** The text of {@code buildkite/<name>} or {@code wycheproof/<name>}. */
  public static String text(String relative) {
    try {
      return Files.readString(dir().resolve(relative));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read vector file " + relative, e);
    }
  }

  /** Parses a vector file whose top level is an object. */
  public static JsonObject load(String relative) {
    try {
      return (JsonObject)
          new JsonReader(new InputLimits(64 << 20, 0, 256, 1, 1)).parse(text(relative), relative);
    } catch (dev.signet.input.InputException e) {
      throw new IllegalStateException("vector file is not valid JSON: " + e.getMessage(), e);
    }
  }

  /** The raw text of a fixture JWKS file from {@code buildkite/keys.json}, by id. */
  public static String buildkiteJwks(String id) {
    for (JsonValue f : ((JsonArray) load("buildkite/keys.json").get("jwks_files")).items()) {
      JsonObject o = (JsonObject) f;
      if (((JsonString) o.get("id")).value().equals(id)) {
        return ((JsonString) o.get("raw")).value();
      }
    }
    throw new IllegalArgumentException("no fixture key " + id);
  }

  public static String str(JsonValue v, String... path) {
    JsonValue cur = v;
    for (String p : path) {
      cur = ((JsonObject) cur).get(p);
    }
    return ((JsonString) cur).value();
  }
}
