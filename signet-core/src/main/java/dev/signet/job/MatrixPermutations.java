package dev.signet.job;

import dev.signet.json.JsonBool;
import dev.signet.json.JsonNull;
import dev.signet.json.JsonValue;
import dev.signet.json.JsonWriter;
import dev.signet.pipeline.Matrix;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Matrix permutations: which combinations a signed matrix allows (spec §6 step 2.3, go-pipeline's
 * {@code validatePermutation}), and the full list a control plane creates jobs for.
 *
 * <p>The agent validates the concrete permutation of each job before substituting it, so a forged
 * permutation cannot inject text into a signed command (spec §10.4).
 */
public final class MatrixPermutations {
  /** Most jobs one matrix step may expand to; Buildkite's own limits are far lower. */
  static final int MAX_PERMUTATIONS = dev.signet.input.InputLimits.MAX_MATRIX_PERMUTATIONS;

  private MatrixPermutations() {}

  /**
   * Checks {@code permutation} against {@code matrix} exactly as the agent does: the right
   * dimensions, then a basic combination or a matching adjustment, and no matching adjustment that
   * skips it (any skipping match wins, so a skipped duplicate is fatal).
   *
   * @param matrix the step's matrix; null when the step has none
   * @throws MatrixException with go-pipeline's error text
   */
  public static void validate(@Nullable Matrix matrix, Map<String, String> permutation)
      throws MatrixException {
    if (matrix == null) {
      if (!permutation.isEmpty()) {
        throw error(MatrixException.Reason.NIL_MATRIX, List.of(), "");
      }
      return;
    }
    Map<String, @Nullable List<String>> setup = setupOf(matrix);
    if (permutation.size() != setup.size()) {
      throw error(
          MatrixException.Reason.PERMUTATION_LENGTH_MISMATCH,
          List.of(),
          ": " + permutation.size() + " != " + setup.size());
    }
    boolean valid = true;
    for (Map.Entry<String, String> e : permutation.entrySet()) {
      List<String> values = setup.get(e.getKey());
      if (values == null) { // absent, or written as null: both unusable (spec §2.7)
        throw unknownDimension(MatrixException.Reason.PERMUTATION_UNKNOWN_DIMENSION, e.getKey());
      }
      if (!values.contains(e.getValue())) {
        valid = false;
      }
    }
    for (Matrix.Adjustment adj : matrix.adjustments()) {
      checkAdjustment(adj, setup);
      if (matches(adj, permutation)) {
        if (skips(adj.skip())) {
          throw error(MatrixException.Reason.PERMUTATION_SKIPPED, List.of(), "");
        }
        valid = true;
      }
    }
    if (!valid) {
      throw error(MatrixException.Reason.PERMUTATION_NO_MATCH, List.of(), "");
    }
  }

  /**
   * Every permutation {@link #validate} accepts, in the order a control plane creates the jobs: the
   * basic combinations (first setup dimension outermost, values in setup order), then the
   * combinations adjustments add, with skipped ones removed. A step without a matrix, or with a
   * matrix of no dimensions, has one job with the empty permutation.
   *
   * @throws MatrixException when the matrix itself is unusable: a setup dimension written as {@code
   *     null}, a malformed adjustment, or more than {@value #MAX_PERMUTATIONS} combinations
   */
  public static List<SequencedMap<String, String>> enumerate(@Nullable Matrix matrix)
      throws MatrixException {
    if (matrix == null) {
      return List.of(Collections.unmodifiableSequencedMap(new LinkedHashMap<>()));
    }
    Map<String, @Nullable List<String>> setup = setupOf(matrix);
    long basic = 1;
    for (Map.Entry<String, @Nullable List<String>> e : setup.entrySet()) {
      List<String> values = e.getValue();
      if (values == null) {
        throw unknownDimension(MatrixException.Reason.PERMUTATION_UNKNOWN_DIMENSION, e.getKey());
      }
      basic = Math.min(basic * values.size(), Integer.MAX_VALUE);
    }
    for (Matrix.Adjustment adj : matrix.adjustments()) {
      checkAdjustment(adj, setup);
    }
    if (basic + matrix.adjustments().size() > MAX_PERMUTATIONS) {
      throw error(
          MatrixException.Reason.TOO_MANY_PERMUTATIONS,
          List.of(),
          ": more than " + MAX_PERMUTATIONS);
    }
    LinkedHashSet<Map<String, String>> candidates = new LinkedHashSet<>();
    product(new ArrayList<>(setup.entrySet()), 0, new LinkedHashMap<>(), candidates);
    for (Matrix.Adjustment adj : matrix.adjustments()) {
      // In setup order, so the same combination written in another order is not added twice.
      LinkedHashMap<String, String> p = new LinkedHashMap<>();
      for (String dim : setup.keySet()) {
        p.put(dim, adj.with().get(dim));
      }
      candidates.add(p);
    }
    List<SequencedMap<String, String>> out = new ArrayList<>(candidates.size());
    for (Map<String, String> p : candidates) {
      if (!skipped(matrix, p)) {
        out.add(Collections.unmodifiableSequencedMap(new LinkedHashMap<>(p)));
      }
    }
    return List.copyOf(out);
  }

  /**
   * go-pipeline's {@code ShouldSkip}: boolean {@code true}, or any non-null non-boolean value —
   * including {@code ""}, {@code 0} and {@code "false"}, which serialise as absent or look false
   * but still skip (spec §10, pitfalls).
   */
  public static boolean skips(@Nullable JsonValue skip) {
    return switch (skip) {
      case null -> false;
      case JsonNull _ -> false;
      case JsonBool b -> b.value();
      default -> true;
    };
  }

  private static void product(
      List<Map.Entry<String, @Nullable List<String>>> dims,
      int index,
      Map<String, String> current,
      Set<Map<String, String>> out) {
    if (index == dims.size()) {
      out.add(new LinkedHashMap<>(current));
      return;
    }
    Map.Entry<String, @Nullable List<String>> dim = dims.get(index);
    for (String value : dim.getValue()) {
      current.put(dim.getKey(), value);
      product(dims, index + 1, current, out);
    }
    current.remove(dim.getKey());
  }

  private static boolean skipped(Matrix matrix, Map<String, String> permutation) {
    for (Matrix.Adjustment adj : matrix.adjustments()) {
      if (matches(adj, permutation) && skips(adj.skip())) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, @Nullable List<String>> setupOf(Matrix matrix) {
    Map<String, @Nullable List<String>> setup = matrix.setup();
    return setup == null ? Map.of() : setup;
  }

  private static void checkAdjustment(
      Matrix.Adjustment adj, Map<String, @Nullable List<String>> setup) throws MatrixException {
    if (adj.with().size() != setup.size()) {
      throw error(
          MatrixException.Reason.ADJUSTMENT_LENGTH_MISMATCH,
          List.of(),
          ": " + adj.with().size() + " != " + setup.size());
    }
    for (String dim : adj.with().keySet()) {
      if (!setup.containsKey(dim)) {
        throw unknownDimension(MatrixException.Reason.ADJUSTMENT_UNKNOWN_DIMENSION, dim);
      }
    }
  }

  /** Whether the adjustment's {@code with} equals the permutation (a missing dimension is ""). */
  private static boolean matches(Matrix.Adjustment adj, Map<String, String> permutation) {
    for (Map.Entry<String, String> e : permutation.entrySet()) {
      if (!adj.with().getOrDefault(e.getKey(), "").equals(e.getValue())) {
        return false;
      }
    }
    return true;
  }

  private static MatrixException unknownDimension(MatrixException.Reason reason, String dim) {
    // The name can come from the job's matrix_permutation: quoted on one line, whatever it holds.
    return error(reason, List.of(dim), ": " + JsonWriter.quoteOneLine(dim, 128));
  }

  private static MatrixException error(
      MatrixException.Reason reason, List<String> names, String suffix) {
    return new MatrixException(reason, names, reason.text() + suffix);
  }
}
