package dev.signet.pipeline;

import dev.signet.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SequencedMap;
import org.jspecify.annotations.Nullable;

/**
 * A build matrix (spec §2.7). The anonymous dimension of the list form ({@code matrix: [a, b]}) is
 * named {@link #ANONYMOUS} ({@code ""}).
 *
 * @param setup dimensions in order; null when {@code setup} is absent. A dimension maps to its
 *     values, or to null when written as {@code null} (which makes the dimension unusable).
 * @param adjustments adjustments in order
 * @param remaining other matrix keys, kept and signed
 */
public record Matrix(
    @Nullable SequencedMap<String, @Nullable List<String>> setup,
    List<Adjustment> adjustments,
    JsonObject remaining) {

  public static final String ANONYMOUS = "";

  public Matrix {
    if (setup != null) {
      LinkedHashMap<String, @Nullable List<String>> copy = new LinkedHashMap<>();
      for (Map.Entry<String, @Nullable List<String>> e : setup.entrySet()) {
        List<String> values = e.getValue();
        copy.put(e.getKey(), values == null ? null : List.copyOf(values));
      }
      setup = Collections.unmodifiableSequencedMap(copy);
    }
    adjustments = List.copyOf(adjustments);
    Objects.requireNonNull(remaining, "remaining");
  }

  /** The list form: one anonymous dimension. */
  public static Matrix anonymous(List<String> values) {
    LinkedHashMap<String, @Nullable List<String>> setup = new LinkedHashMap<>();
    setup.put(ANONYMOUS, new ArrayList<>(values));
    return new Matrix(setup, List.of(), JsonObject.EMPTY);
  }

  /** Absent, or present with no setup entries, no adjustments and no other keys: signed as null. */
  public boolean isEmpty() {
    return (setup == null || setup.isEmpty()) && adjustments.isEmpty() && remaining.isEmpty();
  }

  /**
   * One adjustment.
   *
   * @param with dimension to value; the scalar form is {@code {"": value}}
   * @param skip the {@code skip} value as written (null when absent); see spec §6 for its meaning
   * @param remaining other keys such as {@code soft_fail}, kept and signed
   */
  public record Adjustment(
      SequencedMap<String, String> with,
      dev.signet.json.@Nullable JsonValue skip,
      JsonObject remaining) {
    public Adjustment {
      with = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(with));
      Objects.requireNonNull(remaining, "remaining");
    }
  }
}
