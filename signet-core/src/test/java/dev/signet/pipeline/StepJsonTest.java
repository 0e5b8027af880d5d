package dev.signet.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.json.Jcs;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonBool;
import dev.signet.json.JsonNull;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonValue;
import dev.signet.testing.StepModel;
import dev.signet.testing.Vectors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StepJsonTest {

  static Stream<Arguments> d5() {
    for (JsonValue e :
        ((JsonArray) Vectors.load("buildkite/derived_examples.json").get("examples")).items()) {
      if (Vectors.str(e, "id").startsWith("D5")) {
        return ((JsonArray) ((JsonObject) e).get("cases"))
            .items().stream()
                .map(c ->
                    Arguments.of(
                        Vectors.str(c, "name"),
                        ((JsonObject) c).get("model"),
                        Vectors.str(c, "signed_value_jcs")));
      }
    }
    throw new IllegalStateException("D5 missing");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("d5")
  void matrixSerialisationMatchesBuildkite(String name, JsonValue model, String expectedJcs) {
    assertThat(Jcs.canonicalString(StepJson.matrix(StepModel.matrix(model))))
        .isEqualTo(expectedJcs);
  }

  @Test
  void emptyMatrixIsNull() {
    assertThat(StepJson.matrix(null)).isEqualTo(JsonNull.NULL);
    assertThat(StepJson.matrix(new Matrix(new LinkedHashMap<>(), List.of(), JsonObject.EMPTY)))
        .isEqualTo(JsonNull.NULL);
  }

  @Test
  void knownMatrixMembersWinOverExtraKeys() {
    Matrix m =
        new Matrix(
            null,
            List.of(),
            JsonObject.builder().put("setup", JsonBool.TRUE).put("future", "x").build());
    assertThat(Jcs.canonicalString(StepJson.matrix(m)))
        .isEqualTo("{\"future\":\"x\",\"setup\":null}");
  }

  @Test
  void emptyPluginConfigsAreNullAndNoPluginsIsNull() {
    List<Plugin> plugins =
        List.of(
            new Plugin("docker#v1.2.3", null),
            new Plugin("docker#v1.2.3", JsonObject.EMPTY),
            new Plugin("docker#v1.2.3", JsonArray.EMPTY),
            new Plugin("my-org/cache", JsonObject.builder().put("a", "b").build()));
    assertThat(Jcs.canonicalString(StepJson.plugins(plugins)))
        .isEqualTo(
            "[{\"github.com/buildkite-plugins/docker-buildkite-plugin#v1.2.3\":null},"
                + "{\"github.com/buildkite-plugins/docker-buildkite-plugin#v1.2.3\":null},"
                + "{\"github.com/buildkite-plugins/docker-buildkite-plugin#v1.2.3\":null},"
                + "{\"github.com/my-org/cache-buildkite-plugin\":{\"a\":\"b\"}}]");
    assertThat(StepJson.plugins(List.of())).isEqualTo(JsonNull.NULL);
  }

  @Test
  void secretsOmitEmptyEnvironmentVariableAndCheckoutKeepsExtras() {
    assertThat(
            Jcs.canonicalString(
                StepJson.secrets(List.of(new Secret("k1", "E1"), new Secret("k2", "")))))
        .isEqualTo("[{\"environment_variable\":\"E1\",\"key\":\"k1\"},{\"key\":\"k2\"}]");
    Checkout c =
        new Checkout(
            null, false, "", 1L, JsonObject.builder().put("sparse", JsonBool.TRUE).build());
    assertThat(Jcs.canonicalString(StepJson.checkout(c)))
        .isEqualTo("{\"depth\":1,\"sparse\":true,\"ssh_secret\":\"\",\"submodules\":false}");
    assertThat(StepJson.checkout(new Checkout(null, null, null, null, JsonObject.EMPTY)))
        .isEqualTo(JsonObject.EMPTY);
  }
}
