package dev.signet.signing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonValue;
import dev.signet.pipeline.Secret;
import dev.signet.testing.StepModel;
import dev.signet.testing.Vectors;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The merge cases of the secrets vectors ({@code MergeSecretsFromPipeline}, spec §2.8). */
class SecretsMergeVectorsTest {
  /** Every (pipeline, step, merged) triple in the two secrets files. */
  static Stream<Named<JsonObject>> mergeCases() {
    List<Named<JsonObject>> out = new ArrayList<>();
    for (String file :
        List.of(
            "buildkite/go-pipeline_secrets_test.json",
            "buildkite/go-pipeline_step_command_secrets_test.json")) {
      for (JsonValue t : ((JsonArray) Vectors.load(file).get("tests")).items()) {
        JsonObject o = (JsonObject) t;
        String name = Vectors.str(o, "go_test");
        if (o.has("merged")) {
          out.add(Named.of(name, o));
        } else if (name.equals("TestSecretsMergeWithEmptySlices")) {
          int i = 0;
          for (JsonValue c : ((JsonArray) o.get("cases")).items()) {
            out.add(Named.of(name + "[" + i++ + "]", (JsonObject) c));
          }
        }
      }
    }
    return out.stream();
  }

  @Test
  void allMergeCasesAreFound() {
    assertThat(mergeCases()).hasSize(5);
  }

  @ParameterizedTest
  @MethodSource("mergeCases")
  void mergesLikeBuildkite(JsonObject c) {
    List<Secret> merged =
        PipelineSigner.mergeSecrets(
            StepModel.secrets(c.get("pipeline")), StepModel.secrets(c.get("step")));
    assertThat(merged).isEqualTo(StepModel.secrets(c.get("merged")));
  }

  @Test
  void entriesWithoutEnvVarAreDroppedOnlyWhenBothSidesHaveSecrets() {
    Secret bare = new Secret("k", "");
    Secret a = new Secret("a", "A");
    assertThat(PipelineSigner.mergeSecrets(List.of(), List.of(bare))).containsExactly(bare);
    assertThat(PipelineSigner.mergeSecrets(List.of(a), List.of(bare))).containsExactly(a);
    assertThat(PipelineSigner.mergeSecrets(List.of(a), List.of(a, new Secret("b", "A"))))
        .containsExactly(a);
  }
}
