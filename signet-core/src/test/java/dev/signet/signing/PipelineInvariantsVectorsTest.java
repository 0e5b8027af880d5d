package dev.signet.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.json.Jcs;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.pipeline.CommandStep;
import dev.signet.testing.StepModel;
import dev.signet.testing.Vectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every case of {@code go-pipeline_signature_pipeline_invariants_test.json}. */
class PipelineInvariantsVectorsTest {
  static Stream<Named<JsonObject>> tests() {
    return ((JsonArray)
            Vectors.load("buildkite/go-pipeline_signature_pipeline_invariants_test.json")
                .get("tests"))
        .items().stream().map(t -> Named.of(Vectors.str(t, "go_test"), (JsonObject) t));
  }

  @ParameterizedTest
  @MethodSource("tests")
  void fieldMapMatches(JsonObject t) throws Exception {
    JsonObject in = (JsonObject) t.get("input");
    JsonObject expected = (JsonObject) t.get("expected");
    CommandStep step = StepModel.commandStep(in.get("step"));
    String repo = Vectors.str(in, "repository_url");
    switch (Vectors.str(t, "op")) {
      case "SignedFields" -> {
        SignedFields f =
            SignedFields.forSigning(step, StepModel.stringMap(in.get("outer_env")), repo);
        assertThat(f.names())
            .isEqualTo(StepModel.strings((JsonArray) expected.get("field_names_sorted")));
        assertThat(Jcs.canonicalString(JsonObject.of(f.values())))
            .isEqualTo(Vectors.str(expected, "values_jcs"));
      }
      case "ValuesForFields" -> {
        var fields = StepModel.strings((JsonArray) in.get("fields"));
        var env = StepModel.stringMap(in.get("outer_env"));
        if (expected.has("error")) {
          assertThatThrownBy(() -> SignedFields.forVerification(step, fields, env, repo))
              .isInstanceOfSatisfying(
                  SignedFieldsException.class,
                  e -> {
                    assertThat(e.getMessage()).isEqualTo(Vectors.str(expected, "error"));
                    assertThat(e.reason())
                        .isEqualTo(SignedFieldsException.Reason.REQUIRED_FIELDS_MISSING);
                  });
        } else {
          SignedFields f = SignedFields.forVerification(step, fields, env, repo);
          assertThat(Jcs.canonicalString(JsonObject.of(f.values())))
              .isEqualTo(Vectors.str(expected, "values_jcs"));
        }
      }
      default -> throw new AssertionError("unknown op");
    }
  }
}
