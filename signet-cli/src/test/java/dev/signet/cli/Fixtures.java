package dev.signet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.input.InputLimits;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.json.JsonWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/** Keys, pipelines and jobs for the CLI tests, made through the CLI itself where that is cheap. */
final class Fixtures {
  static final String REPO = "git@github.com:acme/widgets.git";

  /** A secret-looking env value: tests assert it never shows up in anything Signet prints. */
  static final String SECRET = "sk_live_9fQ2ZxSECRETvalue7Kp";

  /**
   * Pipeline env, step env holding {@link #SECRET}, a plugin, a group, a matrix, and steps that are
   * not signed (wait, block): four jobs in all.
   */
  static final String PIPELINE =
      """
      env:
        DEPLOY_ENV: staging
      steps:
        - label: build
          key: build
          command: echo built
          env:
            API_TOKEN: %s
          plugins:
            - docker#v5.11.0:
                image: golang:1.22
        - wait
        - group: tests
          steps:
            - label: "test {{matrix.os}}"
              command: "echo testing {{matrix.os}}"
              matrix:
                setup:
                  os: [linux, darwin]
        - block: release?
        - label: deploy
          command: echo deployed
      """
          .formatted(SECRET);

  private Fixtures() {}

  record Keys(Path privateJwks, Path publicJwks, String kid) {}

  /** An EdDSA key pair made by {@code signet keygen}. */
  static Keys keygen(Path dir, String kid) {
    return keygen(dir, kid, "EdDSA");
  }

  static Keys keygen(Path dir, String kid, String alg) {
    Path priv = dir.resolve(kid + "-private.json");
    Path pub = dir.resolve(kid + "-public.json");
    Cli r =
        Cli.run(
            "keygen",
            "--alg",
            alg,
            "--key-id",
            kid,
            "--private-jwks-file",
            priv.toString(),
            "--public-jwks-file",
            pub.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    return new Keys(priv, pub, kid);
  }

  static Path write(Path dir, String name, String text) {
    try {
      return Files.writeString(dir.resolve(name), text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Signs {@code yaml} with {@code signet pipeline sign}; returns the signed file. */
  static Path sign(Path dir, Keys keys, String yaml) {
    Path in = write(dir, "pipeline.yml", yaml);
    Path out = dir.resolve("pipeline.signed.yml");
    Cli r =
        Cli.run(
            "pipeline",
            "sign",
            in.toString(),
            "--jwks-file",
            keys.privateJwks().toString(),
            "--repo",
            REPO,
            "--output",
            out.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    return out;
  }

  /** Runs {@code signet pipeline jobs} and writes each job to its own file, as an agent gets it. */
  static List<Path> jobs(Path dir, Path signedPipeline, String... extra) {
    List<String> args =
        new ArrayList<>(List.of("pipeline", "jobs", signedPipeline.toString(), "--repo", REPO));
    args.addAll(List.of(extra));
    Cli r = Cli.run(args.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<Path> files = new ArrayList<>();
    JsonArray jobs = (JsonArray) parse(r.out());
    for (int i = 0; i < jobs.size(); i++) {
      files.add(write(dir, "job-" + i + ".json", JsonWriter.pretty(jobs.get(i))));
    }
    return files;
  }

  static JsonValue parse(String json) {
    try {
      return new JsonReader(InputLimits.DEFAULT).parse(json, "test");
    } catch (dev.signet.input.InputException e) {
      throw new IllegalStateException(e);
    }
  }

  /** For vector files, which are larger and deeper than pipelines may be. */
  static JsonValue parseLarge(String json) {
    try {
      return new JsonReader(new InputLimits(64 << 20, 0, 256, 1, 1)).parse(json, "vector");
    } catch (dev.signet.input.InputException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Returns {@code json} with the member at a dotted {@code path} (e.g. {@code
   * step.signature.value}) set.
   */
  static String edit(String json, String path, JsonValue value) {
    return JsonWriter.pretty(set((JsonObject) parse(json), path.split("\\."), 0, value));
  }

  static String edit(String json, String path, String value) {
    return edit(json, path, new JsonString(value));
  }

  /** Returns {@code json} without the member at {@code path}. */
  static String remove(String json, String path) {
    return JsonWriter.pretty(set((JsonObject) parse(json), path.split("\\."), 0, null));
  }

  static String get(String json, String path) {
    JsonValue cur = parse(json);
    for (String p : path.split("\\.")) {
      cur = ((JsonObject) cur).get(p);
    }
    return ((JsonString) cur).value();
  }

  private static JsonObject set(JsonObject o, String[] path, int i, JsonValue value) {
    LinkedHashMap<String, JsonValue> m = new LinkedHashMap<>(o.members());
    if (i == path.length - 1) {
      if (value == null) {
        m.remove(path[i]);
      } else {
        m.put(path[i], value);
      }
    } else {
      m.put(path[i], set((JsonObject) o.get(path[i]), path, i + 1, value));
    }
    return new JsonObject(m);
  }

  /** No stack trace, no exception class names: what every error output must satisfy. */
  static void assertNoStackTrace(String text) {
    assertThat(text).doesNotContain("Exception", "\tat ", "Caused by", "at dev.signet", "at java.");
  }
}
