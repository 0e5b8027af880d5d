package dev.signet.bench;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link SigningBenchmark} and prints each pipeline figure as a ratio of the raw primitive
 * measured in the same run, which is what docs/performance.md records. Machines differ; ratios
 * taken in one run on one machine travel better than absolute numbers.
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    Options opts = new OptionsBuilder().include(SigningBenchmark.class.getSimpleName()).build();
    Collection<RunResult> results = new Runner(opts).run();
    Map<String, Double> score = new HashMap<>();
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      score.put(name.substring(name.lastIndexOf('.') + 1), r.getPrimaryResult().getScore());
    }
    double rawSign = get(score, "rawEd25519Sign");
    double rawVerify = get(score, "rawEd25519Verify");
    double sign = get(score, "signPipelineSteps");
    double verify = get(score, "verifyJobs");
    System.out.printf(
        java.util.Locale.ROOT,
        "%nraw Ed25519 (BouncyCastle): %,.0f signatures/s, %,.0f verifications/s%n",
        rawSign,
        rawVerify);
    System.out.printf(
        java.util.Locale.ROOT,
        "JDK Ed25519 (SunEC): %,.0f signatures/s (%.1fx slower), %,.0f verifications/s (%.1fx slower)%n",
        get(score, "jdkEd25519Sign"),
        rawSign / get(score, "jdkEd25519Sign"),
        get(score, "jdkEd25519Verify"),
        rawVerify / get(score, "jdkEd25519Verify"));
    System.out.printf(
        java.util.Locale.ROOT,
        "steps signed:  %,.0f/s = %.0f %% of raw sign (target >= 60 %%)%n",
        sign,
        100 * sign / rawSign);
    System.out.printf(
        java.util.Locale.ROOT,
        "jobs verified: %,.0f/s = %.0f %% of raw verify (target >= 50 %%)%n",
        verify,
        100 * verify / rawVerify);
  }

  private static double get(Map<String, Double> score, String benchmark) {
    Double v = score.get(benchmark);
    if (v == null) {
      throw new IllegalStateException("benchmark " + benchmark + " did not run");
    }
    return v;
  }
}
