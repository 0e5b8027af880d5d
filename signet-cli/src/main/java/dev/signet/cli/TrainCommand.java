package dev.signet.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * The training run for the JVM's ahead-of-time cache (JEP 483/514). The launcher runs it once after
 * each build with {@code -XX:AOTCacheOutput}, so that every later start finds the classes of the
 * hot paths — key loading, YAML and JSON parsing, signing, job verification — already loaded and
 * linked. It exercises those paths through the real CLI, in a temporary directory, and prints
 * nothing. Hidden: it is plumbing, not a user command.
 */
@Command(name = "aot-train", hidden = true)
final class TrainCommand implements Callable<Integer> {
  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("signet-train-");
    PrintWriter sink = new PrintWriter(Writer.nullWriter());
    try {
      String priv = dir.resolve("priv.json").toString();
      String pub = dir.resolve("pub.json").toString();
      String pipeline = dir.resolve("pipeline.yml").toString();
      String signed = dir.resolve("signed.yml").toString();
      String jobs = dir.resolve("jobs.json").toString();
      Files.writeString(Path.of(pipeline), DemoCommand.resource("demo-pipeline.yml"));
      run(
          sink,
          "keygen",
          "--key-id",
          "train",
          "--private-jwks-file",
          priv,
          "--public-jwks-file",
          pub);
      run(
          sink,
          "pipeline",
          "sign",
          pipeline,
          "--jwks-file",
          priv,
          "--repo",
          DemoCommand.REPO,
          "--output",
          signed);
      run(
          sink,
          "pipeline",
          "sign",
          pipeline,
          "--jwks-file",
          priv,
          "--repo",
          DemoCommand.REPO,
          "--format",
          "json");
      run(sink, "pipeline", "jobs", signed, "--repo", DemoCommand.REPO, "--output", jobs);
      run(sink, "pipeline", "verify", signed, "--jwks-file", pub, "--repo", DemoCommand.REPO);
      String text = Files.readString(Path.of(jobs));
      // The first job of the array, cut out as text: keeps this plumbing free of JSON code.
      String job = dir.resolve("job.json").toString();
      Files.writeString(Path.of(job), firstObject(text));
      run(sink, "job", "verify", job, "--jwks-file", pub);
      run(
          sink,
          "job",
          "verify",
          job,
          "--jwks-file",
          pub,
          "--explain",
          "--failure-behavior",
          "warn");
      run(sink, "job", "verify", dir.resolve("missing.json").toString(), "--jwks-file", pub);
      run(sink, "demo", "--no-service"); // the CLI's classes; the server is not AOT-cached
      run(sink, "--help");
      return ExitCode.OK;
    } finally {
      deleteTree(dir);
    }
  }

  private static void run(PrintWriter sink, String... args) {
    Main.run(args, sink, sink);
  }

  private static String firstObject(String array) {
    int start = array.indexOf('{');
    int depth = 0;
    boolean inString = false;
    for (int i = start; i < array.length(); i++) {
      char c = array.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return array.substring(start, i + 1);
      }
    }
    return "{}";
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
