package dev.signet.cli;

import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared Buildkite vectors ({@code shared/vectors/buildkite}), located like signet-core's
 * tests.
 */
final class BuildkiteVectors {
  private BuildkiteVectors() {}

  static Path dir() {
    String p = System.getProperty("signet.vectors");
    Path dir = (p != null ? Path.of(p) : Path.of("../../shared/vectors")).resolve("buildkite");
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("test vectors not found at " + dir.toAbsolutePath());
    }
    return dir;
  }

  static JsonObject load(String name) {
    return (JsonObject) Fixtures.parseLarge(Fixtures.read(dir().resolve(name)));
  }

  /** The verbatim text of a fixture JWKS file from {@code keys.json}, by id. */
  static String jwks(String id) {
    for (JsonValue f : ((JsonArray) load("keys.json").get("jwks_files")).items()) {
      JsonObject o = (JsonObject) f;
      if (((JsonString) o.get("id")).value().equals(id)) {
        return ((JsonString) o.get("raw")).value();
      }
    }
    throw new IllegalArgumentException("no fixture key " + id);
  }

  /** An example of {@code derived_examples.json} by its id prefix, such as {@code D1-}. */
  static JsonObject example(String idPrefix) {
    for (JsonValue e : ((JsonArray) load("derived_examples.json").get("examples")).items()) {
      if (((JsonString) ((JsonObject) e).get("id")).value().startsWith(idPrefix)) {
        return (JsonObject) e;
      }
    }
    throw new IllegalArgumentException("no example " + idPrefix);
  }

  static String str(JsonValue v, String... path) {
    JsonValue cur = v;
    for (String p : path) {
      cur = ((JsonObject) cur).get(p);
    }
    return ((JsonString) cur).value();
  }
}
