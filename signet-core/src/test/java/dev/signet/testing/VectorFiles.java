package dev.signet.testing;

import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads the shared test vectors from the directory named by the system property {@code
 * signet.vectors} (surefire sets it to {@code shared/vectors}).
 */
public final class VectorFiles {
  private static final JsonReader READER = new JsonReader(new InputLimits(64 << 20, 0, 256, 1, 1));

  private VectorFiles() {}

  /** The vectors directory. */
  public static Path root() {
    String dir = System.getProperty("signet.vectors");
    if (dir == null || dir.isBlank()) {
      throw new IllegalStateException("system property signet.vectors is not set");
    }
    return Path.of(dir);
  }

  /** The text of {@code name}, a path relative to the vectors directory. */
  public static String text(String name) {
    try {
      return Files.readString(root().resolve(name), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read vector file " + name, e);
    }
  }

  /** The JSON value of {@code name}, e.g. {@code buildkite/derived_examples.json}. */
  public static JsonValue load(String name) {
    try {
      return READER.parse(text(name), name);
    } catch (InputException e) {
      throw new IllegalStateException("vector file is not valid JSON: " + e.getMessage(), e);
    }
  }

  /** Like {@link #load} for a file whose top level is an object. */
  public static JsonObject loadObject(String name) {
    return (JsonObject) load(name);
  }
}
