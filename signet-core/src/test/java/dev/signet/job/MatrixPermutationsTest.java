package dev.signet.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.json.JsonBool;
import dev.signet.json.JsonNull;
import dev.signet.json.JsonNumber;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.pipeline.Matrix;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class MatrixPermutationsTest {
  static Matrix.Adjustment adj(Map<String, String> with, @Nullable JsonValue skip) {
    return new Matrix.Adjustment(new LinkedHashMap<>(with), skip, JsonObject.EMPTY);
  }

  static SequencedMap<String, String> perm(String... kv) {
    SequencedMap<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void aDimensionNameFromTheJobIsQuotedOnOneLine() {
    assertThatThrownBy(() ->
            MatrixPermutations.validate(Matrix.anonymous(List.of("a")), perm("x\u2029y", "a")))
        .isInstanceOf(MatrixException.class)
        .hasMessageEndingWith(": \"x\\u2029y\"");
  }

  @Test
  void enumeratesBasicCombinationsThenAdjustmentsWithoutSkipped() throws Exception {
    LinkedHashMap<String, @Nullable List<String>> setup = new LinkedHashMap<>();
    setup.put("os", List.of("linux", "mac"));
    setup.put("arch", List.of("x86", "arm"));
    Matrix m =
        new Matrix(
            setup,
            List.of(
                adj(Map.of("os", "mac", "arch", "x86"), JsonBool.TRUE),
                adj(Map.of("arch", "riscv", "os", "linux"), null),
                adj(Map.of("os", "linux", "arch", "arm"), JsonBool.FALSE)),
            JsonObject.EMPTY);
    assertThat(MatrixPermutations.enumerate(m))
        .containsExactly(
            perm("os", "linux", "arch", "x86"),
            perm("os", "linux", "arch", "arm"),
            perm("os", "mac", "arch", "arm"),
            perm("os", "linux", "arch", "riscv"));
    assertThat(MatrixPermutations.enumerate(m).get(3).sequencedKeySet())
        .containsExactly("os", "arch");
  }

  @Test
  void noMatrixMeansOneJobWithTheEmptyPermutation() throws Exception {
    assertThat(MatrixPermutations.enumerate(null)).containsExactly(perm());
    assertThat(MatrixPermutations.enumerate(new Matrix(null, List.of(), JsonObject.EMPTY)))
        .containsExactly(perm());
  }

  @Test
  void skipMeansTrueOrAnyNonNullNonBoolean() {
    assertThat(MatrixPermutations.skips(null)).isFalse();
    assertThat(MatrixPermutations.skips(JsonNull.NULL)).isFalse();
    assertThat(MatrixPermutations.skips(JsonBool.FALSE)).isFalse();
    assertThat(MatrixPermutations.skips(JsonBool.TRUE)).isTrue();
    assertThat(MatrixPermutations.skips(new JsonString(""))).isTrue();
    assertThat(MatrixPermutations.skips(new JsonString("false"))).isTrue();
    assertThat(MatrixPermutations.skips(JsonNumber.of(0))).isTrue();
    assertThat(MatrixPermutations.skips(JsonObject.EMPTY)).isTrue();
  }

  @Test
  void unusableMatricesAreRefusedWhenEnumerating() {
    LinkedHashMap<String, @Nullable List<String>> nullDim = new LinkedHashMap<>();
    nullDim.put("arch", null);
    assertThatThrownBy(
            () -> MatrixPermutations.enumerate(new Matrix(nullDim, List.of(), JsonObject.EMPTY)))
        .isInstanceOfSatisfying(
            MatrixException.class,
            e ->
                assertThat(e.reason())
                    .isEqualTo(MatrixException.Reason.PERMUTATION_UNKNOWN_DIMENSION));
    Matrix badAdj =
        new Matrix(
            new LinkedHashMap<>(Map.of("a", List.of("1"))),
            List.of(adj(Map.of("b", "1"), null)),
            JsonObject.EMPTY);
    assertThatThrownBy(() -> MatrixPermutations.enumerate(badAdj))
        .hasMessage("adjustment has unknown dimension: \"b\"");
    LinkedHashMap<String, @Nullable List<String>> huge = new LinkedHashMap<>();
    List<String> ten = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    for (String d : List.of("a", "b", "c", "d", "e")) {
      huge.put(d, ten);
    }
    assertThatThrownBy(
            () -> MatrixPermutations.enumerate(new Matrix(huge, List.of(), JsonObject.EMPTY)))
        .isInstanceOfSatisfying(
            MatrixException.class,
            e -> assertThat(e.reason()).isEqualTo(MatrixException.Reason.TOO_MANY_PERMUTATIONS));
  }

  /**
   * Property: for random matrices, enumerate() is exactly the set of permutations validate()
   * accepts among all combinations of values that appear anywhere (setup, adjustments, a decoy).
   */
  @Test
  void enumerationAgreesWithValidation() throws Exception {
    RandomGenerator rnd = RandomGeneratorFactory.of("L64X128MixRandom").create(7);
    for (int iter = 0; iter < 300; iter++) {
      int dims = rnd.nextInt(4);
      List<String> names = new ArrayList<>();
      LinkedHashMap<String, @Nullable List<String>> setup = new LinkedHashMap<>();
      for (int d = 0; d < dims; d++) {
        String name = dims == 1 && rnd.nextBoolean() ? "" : "d" + d;
        names.add(name);
        List<String> values = new ArrayList<>();
        int n = rnd.nextInt(4);
        for (int v = 0; v < n; v++) {
          values.add("v" + rnd.nextInt(4));
        }
        setup.put(name, values);
      }
      List<Matrix.Adjustment> adjs = new ArrayList<>();
      for (int a = rnd.nextInt(4); a > 0; a--) {
        LinkedHashMap<String, String> with = new LinkedHashMap<>();
        for (String name : names) {
          with.put(name, "v" + rnd.nextInt(6));
        }
        JsonValue skip =
            switch (rnd.nextInt(5)) {
              case 0 -> JsonBool.TRUE;
              case 1 -> new JsonString("");
              case 2 -> JsonBool.FALSE;
              default -> null;
            };
        adjs.add(adj(with, skip));
      }
      Matrix m = new Matrix(setup, adjs, JsonObject.EMPTY);
      List<SequencedMap<String, String>> listed = MatrixPermutations.enumerate(m);
      assertThat(new HashSet<>(listed)).hasSize(listed.size());
      Set<Map<String, String>> valid = new HashSet<>();
      for (Map<String, String> p : allCombinations(names, 0, new LinkedHashMap<>())) {
        try {
          MatrixPermutations.validate(m, p);
          valid.add(p);
        } catch (MatrixException e) {
          assertThat(e.reason())
              .isIn(
                  MatrixException.Reason.PERMUTATION_SKIPPED,
                  MatrixException.Reason.PERMUTATION_NO_MATCH);
        }
      }
      assertThat(new HashSet<Map<String, String>>(listed)).as("matrix %s", m).isEqualTo(valid);
    }
  }

  private static List<Map<String, String>> allCombinations(
      List<String> names, int i, LinkedHashMap<String, String> cur) {
    if (i == names.size()) {
      return List.of(new LinkedHashMap<>(cur));
    }
    List<Map<String, String>> out = new ArrayList<>();
    for (int v = 0; v < 7; v++) {
      cur.put(names.get(i), "v" + v);
      out.addAll(allCombinations(names, i + 1, cur));
    }
    cur.remove(names.get(i));
    return out;
  }
}
