package dev.signet.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.json.Jcs;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.signing.SignedFields;
import dev.signet.testing.StepModel;
import dev.signet.testing.Vectors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JSON forms that go into signatures (plugins, checkout, secrets), against the vectors of
 * {@code go-pipeline_plugin_test.json}, {@code go-pipeline_checkout_test.json} and {@code
 * go-pipeline_secrets_test.json}.
 */
class StepJsonVectorsTest {
  static Stream<Named<JsonObject>> casesOf(String file, String goTest) {
    return ((JsonArray) Vectors.load("buildkite/" + file).get("tests"))
        .items().stream()
            .filter(t -> Vectors.str(t, "go_test").startsWith(goTest))
            .flatMap(t -> ((JsonArray) ((JsonObject) t).get("cases")).items().stream())
            .map(c ->
                Named.of(
                    c.toString().length() > 80 ? c.toString().substring(0, 80) : c.toString(),
                    (JsonObject) c));
  }

  static Stream<Named<JsonObject>> fullSources() {
    return casesOf("go-pipeline_plugin_test.json", "TestPluginFullSource");
  }

  @ParameterizedTest
  @MethodSource("fullSources")
  void fullSourceIsNormalisedAndIdempotent(JsonObject c) {
    String full = StepJson.fullSource(Vectors.str(c, "source"));
    assertThat(full).isEqualTo(Vectors.str(c, "full_source"));
    assertThat(StepJson.fullSource(full)).isEqualTo(full);
  }

  static Stream<Named<JsonObject>> canonicalisation() {
    return casesOf("go-pipeline_plugin_test.json", "TestPluginMarshalJSON_Canonicalisation");
  }

  @ParameterizedTest
  @MethodSource("canonicalisation")
  void emptyConfigsAreWrittenAsNull(JsonObject c) {
    // Strings stand for Go typed nils (nil map, nil slice): null in this model.
    JsonValue config = c.get("config_go") instanceof JsonString ? null : c.get("config_go");
    assertThat(Jcs.canonicalString(StepJson.plugin(new Plugin("docker#v1.2.3", config))))
        .isEqualTo(Vectors.str(c, "expected_json"));
  }

  static Stream<Named<JsonObject>> checkouts() {
    return casesOf("go-pipeline_checkout_test.json", "TestCheckoutMarshalJSON");
  }

  @ParameterizedTest
  @MethodSource("checkouts")
  void checkoutJsonAndWhetherItIsSigned(JsonObject c) {
    Checkout checkout = StepModel.checkout(c.get("checkout_model"));
    assertThat(Jcs.canonicalString(StepJson.checkout(checkout)))
        .isEqualTo(Vectors.str(c, "expected_json"));
    SignedFields fields =
        SignedFields.forSigning(
            CommandStep.of("x").withCheckout(checkout), new LinkedHashMap<>(), "");
    boolean signed = ((dev.signet.json.JsonBool) c.get("signed")).value();
    assertThat(fields.names().contains("checkout")).isEqualTo(signed);
  }

  static Stream<Named<JsonObject>> secrets() {
    return casesOf("go-pipeline_secrets_test.json", "TestSecretsBackwardCompatibility");
  }

  @ParameterizedTest
  @MethodSource("secrets")
  void secretsJson(JsonObject c) {
    List<Secret> model = StepModel.secrets(c.get("expected_model"));
    assertThat(Jcs.canonicalString(StepJson.secrets(model)))
        .isEqualTo(Vectors.str(c, "derived_signed_secrets_value_jcs"));
  }
}
