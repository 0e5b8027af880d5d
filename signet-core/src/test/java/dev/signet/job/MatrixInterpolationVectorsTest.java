package dev.signet.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.pipeline.CommandStep;
import dev.signet.pipeline.Matrix;
import dev.signet.pipeline.Plugin;
import dev.signet.testing.StepModel;
import dev.signet.testing.Vectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code go-pipeline_interpolate_matrix_test.json} and the {@code TestPluginMatrixInterpolate}
 * cases of {@code go-pipeline_plugin_test.json}.
 */
class MatrixInterpolationVectorsTest {
  static final JsonObject FILE = Vectors.load("buildkite/go-pipeline_interpolate_matrix_test.json");

  record Case(Map<String, String> permutation, JsonObject c) {}

  static Stream<Named<Case>> cases() {
    List<Named<Case>> out = new ArrayList<>();
    for (JsonValue t : ((JsonArray) FILE.get("tests")).items()) {
      JsonObject test = (JsonObject) t;
      for (JsonValue c : ((JsonArray) test.get("cases")).items()) {
        JsonObject co = (JsonObject) c;
        if (!co.has("input")) {
          continue; // "matrix doesn't interpolate itself": a note, tested below
        }
        JsonValue perm = co.has("permutation") ? co.get("permutation") : test.get("permutation");
        out.add(
            Named.of(
                Vectors.str(test, "go_test") + "/" + Vectors.str(co, "name"),
                new Case(StepModel.stringMap(perm), co)));
      }
    }
    return out.stream();
  }

  @Test
  void tokenPatternIsTheVectorsRegexWithRe2Classes() {
    assertThat(Vectors.str(FILE, "token_regex_re2"))
        .isEqualTo("\\{\\{\\s*matrix(\\.[\\w-\\.]+)?\\s*\\}\\}");
    assertThat(cases()).hasSize(13);
  }

  @ParameterizedTest
  @MethodSource("cases")
  void interpolatesLikeGoPipeline(Case k) throws Exception {
    JsonValue input = k.c().get("input");
    if (k.c().has("want_error")) {
      assertThatThrownBy(() -> MatrixInterpolation.interpolate(input, k.permutation()))
          .isInstanceOf(MatrixException.class)
          .hasMessage(Vectors.str(k.c(), "want_error"));
    } else if (input instanceof JsonString s) {
      assertThat(MatrixInterpolation.interpolate(s.value(), k.permutation()))
          .isEqualTo(Vectors.str(k.c(), "want"));
    } else {
      assertThat(MatrixInterpolation.interpolate(input, k.permutation()))
          .isEqualTo(k.c().get("want"));
    }
  }

  @Test
  void re2WhitespaceExcludesVerticalTab() throws Exception {
    Map<String, String> p = Map.of("", "x");
    assertThat(MatrixInterpolation.interpolate("{{\u000bmatrix}}", p))
        .isEqualTo("{{\u000bmatrix}}");
    assertThat(MatrixInterpolation.interpolate("{{\f\r\n\t matrix \t}}", p)).isEqualTo("x");
    assertThat(MatrixInterpolation.interpolate("{{matrix.}}", p)).isEqualTo("{{matrix.}}");
  }

  @Test
  void substitutedTextIsNotScannedAgain() throws Exception {
    assertThat(MatrixInterpolation.interpolate("{{matrix.a}}", Map.of("a", "{{matrix.b}}")))
        .isEqualTo("{{matrix.b}}");
    assertThat(MatrixInterpolation.interpolate("$1 {{matrix}} \\0", Map.of("", "$2")))
        .isEqualTo("$1 $2 \\0");
  }

  @Test
  void unknownTokensAreSortedAndJoined() {
    assertThatThrownBy(() ->
            MatrixInterpolation.interpolate(
                "{{matrix.z}} {{matrix}} {{matrix.a}} {{matrix.z}}", Map.of("b", "x")))
        .hasMessage("unknown matrix tokens in input: matrix, matrix.a, matrix.z");
  }

  @Test
  void matrixDoesNotInterpolateItselfNorSecretsNorKey() throws Exception {
    Matrix m = Matrix.anonymous(List.of("{{matrix}}", "b"));
    CommandStep step =
        CommandStep.of("echo {{matrix}}")
            .withMatrix(m)
            .withSecrets(List.of(new dev.signet.pipeline.Secret("{{matrix}}", "{{matrix}}")));
    CommandStep post = MatrixInterpolation.apply(step, Map.of("", "b"));
    assertThat(post.command()).isEqualTo("echo b");
    assertThat(post.matrix()).isEqualTo(m);
    assertThat(post.secrets()).isEqualTo(step.secrets());
  }

  static Stream<Named<JsonObject>> pluginCases() {
    JsonObject file = Vectors.load("buildkite/go-pipeline_plugin_test.json");
    return ((JsonArray) file.get("tests"))
        .items().stream()
            .map(t -> (JsonObject) t)
            .filter(t -> Vectors.str(t, "go_test").equals("TestPluginMatrixInterpolate"))
            .flatMap(t -> ((JsonArray) t.get("cases")).items().stream())
            .map(c -> Named.of(Vectors.str(c, "name"), (JsonObject) c));
  }

  @ParameterizedTest
  @MethodSource("pluginCases")
  void pluginSourceAndConfigAreInterpolated(JsonObject c) throws Exception {
    Plugin plugin = StepModel.plugins(JsonArray.of(c.get("plugin"))).getFirst();
    Plugin want = StepModel.plugins(JsonArray.of(c.get("want"))).getFirst();
    CommandStep step = CommandStep.of("true").withPlugins(List.of(plugin));
    CommandStep post = MatrixInterpolation.apply(step, StepModel.stringMap(c.get("permutation")));
    assertThat(post.plugins()).containsExactly(want);
  }
}
