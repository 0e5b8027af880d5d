package dev.signet.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonValue;
import dev.signet.testing.Vectors;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PluginSourceTest {

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    JsonObject pluginTest = Vectors.load("buildkite/go-pipeline_plugin_test.json");
    JsonObject fullSource = (JsonObject) ((JsonArray) pluginTest.get("tests")).get(0);
    for (JsonValue c : ((JsonArray) fullSource.get("cases")).items()) {
      out.add(
          Arguments.of(
              "go:" + Vectors.str(c, "source"),
              Vectors.str(c, "source"),
              Vectors.str(c, "full_source")));
    }
    for (JsonValue e :
        ((JsonArray) Vectors.load("buildkite/derived_examples.json").get("examples")).items()) {
      if (Vectors.str(e, "id").startsWith("D6")) {
        for (JsonValue c : ((JsonArray) ((JsonObject) e).get("cases")).items()) {
          out.add(
              Arguments.of(
                  "D6:" + Vectors.str(c, "source"),
                  Vectors.str(c, "source"),
                  Vectors.str(c, "full_source")));
        }
      }
    }
    assertThat(out).hasSizeGreaterThan(20);
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void fullSourceMatchesBuildkite(String name, String source, String expected) {
    assertThat(StepJson.fullSource(source)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void fullSourceIsIdempotentBecauseTheBackendAppliesItAgain(
      String name, String source, String expected) {
    String once = StepJson.fullSource(source);
    assertThat(StepJson.fullSource(once)).isEqualTo(once);
  }
}
