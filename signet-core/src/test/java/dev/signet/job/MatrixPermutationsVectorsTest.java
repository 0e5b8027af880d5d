package dev.signet.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.json.Jcs;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.pipeline.Matrix;
import dev.signet.pipeline.StepJson;
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

/** Every validation case of {@code go-pipeline_step_command_matrix_test.json}. */
class MatrixPermutationsVectorsTest {
  static final JsonObject FILE =
      Vectors.load("buildkite/go-pipeline_step_command_matrix_test.json");

  record Case(JsonValue matrix, JsonObject c) {}

  static Stream<Named<Case>> cases() {
    List<Named<Case>> out = new ArrayList<>();
    for (JsonValue t : ((JsonArray) FILE.get("tests")).items()) {
      JsonObject test = (JsonObject) t;
      if (!test.has("cases")) {
        continue; // TestMatrixPermutation_UnmarshalJSON: JSON decoding, the parser's part
      }
      for (JsonValue c : ((JsonArray) test.get("cases")).items()) {
        JsonObject co = (JsonObject) c;
        JsonValue m = co.has("matrix") ? co.get("matrix") : test.get("matrix");
        out.add(
            Named.of(
                Vectors.str(test, "go_test") + "/" + Vectors.str(co, "name"), new Case(m, co)));
      }
    }
    return out.stream();
  }

  @Test
  void allCasesAreRun() {
    assertThat(cases()).hasSize(19);
  }

  @ParameterizedTest
  @MethodSource("cases")
  void validatesLikeTheAgent(Case k) {
    Matrix matrix = StepModel.matrix(k.matrix());
    Map<String, String> permutation = StepModel.stringMap(k.c().get("permutation"));
    JsonValue want = k.c().get("want_error");
    if (want == null || want.isNull()) {
      assertThatCode(() -> MatrixPermutations.validate(matrix, permutation))
          .doesNotThrowAnyException();
      return;
    }
    String text = Vectors.str(FILE, "error_texts", ((JsonString) want).value());
    assertThatThrownBy(() -> MatrixPermutations.validate(matrix, permutation))
        .isInstanceOfSatisfying(
            MatrixException.class,
            e -> {
              assertThat(e.getMessage()).startsWith(text);
              assertThat(e.reason().text()).isEqualTo(text);
            });
  }

  static Stream<Named<JsonObject>> serialisedMatrices() {
    return ((JsonArray) FILE.get("tests"))
        .items().stream()
            .map(t -> (JsonObject) t)
            .filter(t -> t.has("derived_signed_matrix_value_jcs"))
            .map(t -> Named.of(Vectors.str(t, "go_test"), t));
  }

  @ParameterizedTest
  @MethodSource("serialisedMatrices")
  void signedMatrixValue(JsonObject t) {
    assertThat(Jcs.canonicalString(StepJson.matrix(StepModel.matrix(t.get("matrix")))))
        .isEqualTo(Vectors.str(t, "derived_signed_matrix_value_jcs"));
  }

  @Test
  void errorMessagesCarryTheDetailTheAgentLogs() {
    Matrix m =
        StepModel.matrix(((JsonObject) ((JsonArray) FILE.get("tests")).get(2)).get("matrix"));
    assertThatThrownBy(() -> MatrixPermutations.validate(m, Map.of("family", "Brassicas")))
        .hasMessage("permutation has wrong length: 1 != 3");
    assertThatThrownBy(
            () -> MatrixPermutations.validate(m, Map.of("family", "x", "plot", "1", "crop", "y")))
        .hasMessage("permutation has unknown dimension: \"crop\"");
  }
}
