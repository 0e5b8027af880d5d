package dev.signet.bench;

import dev.signet.artifact.Digest;
import dev.signet.artifact.HashAlgorithm;
import dev.signet.cli.Main;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Artifact-signing throughput, measured beside a reference in the same run (docs/performance.md):
 *
 * <ol>
 *   <li>hashing a 1 GiB file with {@link Digest#ofFile} beside {@code sha256sum} on the same file
 *       (best of five each, the file in the page cache for both), target ≥ 0.8×;
 *   <li>{@code signet artifact sign} over 10,000 small files with a file key (ES256 PKCS#8 PEM), in
 *       files per second, each file getting FILE.sig and FILE.sigstore.json written atomically.
 * </ol>
 *
 * <p>Not JMH: the reference is another process, and the unit of work is seconds long. Run with
 * {@code java -cp signet-bench/target/signet-bench.jar dev.signet.bench.ArtifactBench [DIR
 * [hash|sign]]}; DIR (default: a temporary directory) needs about 1.2 GiB and is cleaned up.
 */
public final class ArtifactBench {
  private static final long GIB = 1L << 30;
  private static final int ROUNDS = 5;
  private static final int SMALL_FILES = 10_000;

  private ArtifactBench() {}

  public static void main(String[] args) throws Exception {
    Path base = args.length > 0 ? Path.of(args[0]) : Path.of(System.getProperty("java.io.tmpdir"));
    String what = args.length > 1 ? args[1] : "all";
    Path dir = Files.createTempDirectory(base, "signet-artifact-bench");
    try {
      if (!what.equals("sign")) {
        hashing(dir);
      }
      if (!what.equals("hash")) {
        signing(dir);
      }
    } finally {
      try (var walk = Files.walk(dir)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static void hashing(Path dir) throws Exception {
    Path big = dir.resolve("1gib.bin");
    byte[] block = new byte[1 << 20];
    new SplittableRandom(42).nextBytes(block);
    try (OutputStream out = Files.newOutputStream(big)) {
      for (long n = 0; n < GIB; n += block.length) {
        out.write(block);
      }
    }
    Digest ours = Digest.ofFile(big, HashAlgorithm.SHA2_256, n -> {}); // warm-up: JIT, page cache
    double[] sha256sum = new double[ROUNDS];
    double[] signet = new double[ROUNDS];
    String theirs = "";
    for (int i = 0; i < ROUNDS; i++) {
      long t0 = System.nanoTime();
      Process p = new ProcessBuilder("sha256sum", big.toString()).redirectErrorStream(true).start();
      String line =
          new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      theirs = line.substring(0, Math.max(0, line.indexOf(' ')));
      if (p.waitFor() != 0) {
        throw new IllegalStateException("sha256sum failed");
      }
      sha256sum[i] = seconds(t0);
      t0 = System.nanoTime();
      ours = Digest.ofFile(big, HashAlgorithm.SHA2_256, n -> {});
      signet[i] = seconds(t0);
    }
    if (!ours.hex().equals(theirs)) {
      throw new IllegalStateException("digests differ: " + ours.hex() + " vs " + theirs);
    }
    double theirsBest = Arrays.stream(sha256sum).min().orElseThrow();
    double oursBest = Arrays.stream(signet).min().orElseThrow();
    System.out.printf(
        Locale.ROOT,
        "hash 1 GiB: sha256sum %.0f MiB/s (best of %d: %.2f s), Signet %.0f MiB/s (%.2f s) = %.2fx"
            + " of sha256sum (target >= 0.8)%n",
        1024 / theirsBest,
        ROUNDS,
        theirsBest,
        1024 / oursBest,
        oursBest,
        theirsBest / oursBest);
    System.out.printf(
        Locale.ROOT,
        "  all rounds: sha256sum %s s; Signet %s s%n",
        Arrays.toString(round(sha256sum)),
        Arrays.toString(round(signet)));
    Files.delete(big);
  }

  private static void signing(Path dir) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    Path key = dir.resolve("k.pem");
    Files.writeString(
        key,
        "-----BEGIN PRIVATE KEY-----\n"
            + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(g.generateKeyPair().getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n");
    List<String> warm = files(dir.resolve("warm"), 1_000);
    run(key, warm); // JIT
    List<String> files = files(dir.resolve("small"), SMALL_FILES);
    double floor = outputFloor(dir.resolve("floor"), 2_000);
    long t0 = System.nanoTime();
    String summary = run(key, files);
    double s = seconds(t0);
    System.out.printf(
        Locale.ROOT,
        "sign %,d files of 1 KiB (ES256 file key, FILE.sig + FILE.sigstore.json each): %.2f s ="
            + " %,.0f files/s (%d threads)%n  %s"
            + "  floor: writing the two outputs alone (temp file, fsync, rename; one thread) allows"
            + " %,.0f files/s on this file system: Signet reaches %.2fx of it%n",
        files.size(),
        s,
        files.size() / s,
        Runtime.getRuntime().availableProcessors(),
        summary,
        floor,
        files.size() / s / floor);
  }

  /**
   * Inputs per second the file system allows when each input needs two small files written the way
   * {@code AtomicFiles} writes them, measured on {@code n} inputs with nothing else done.
   */
  private static double outputFloor(Path dir, int n) throws IOException {
    Files.createDirectories(dir);
    byte[] content = new byte[400];
    long t0 = System.nanoTime();
    for (int i = 0; i < 2 * n; i++) {
      Path tmp = dir.resolve(".f" + i + ".tmp");
      try (var ch =
          java.nio.channels.FileChannel.open(
              tmp,
              java.nio.file.StandardOpenOption.CREATE_NEW,
              java.nio.file.StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap(content));
        ch.force(true);
      }
      Files.move(tmp, dir.resolve("f" + i), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    return n / seconds(t0);
  }

  private static String run(Path key, List<String> files) {
    List<String> args = new ArrayList<>(List.of("artifact", "sign", "--key", key.toString()));
    args.addAll(files);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
    if (code != 0) {
      throw new IllegalStateException("artifact sign failed: " + err);
    }
    return err.toString();
  }

  private static List<String> files(Path dir, int n) throws IOException {
    Files.createDirectories(dir);
    SplittableRandom r = new SplittableRandom(7);
    byte[] content = new byte[1024];
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      r.nextBytes(content);
      out.add(Files.write(dir.resolve("f" + i + ".bin"), content).toString());
    }
    return out;
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static double[] round(double[] a) {
    return Arrays.stream(a).map(x -> Math.round(x * 100) / 100.0).toArray();
  }
}
