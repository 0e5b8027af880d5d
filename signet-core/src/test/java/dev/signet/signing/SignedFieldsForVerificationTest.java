package dev.signet.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.json.JsonNull;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.pipeline.Checkout;
import dev.signet.pipeline.CommandStep;
import dev.signet.pipeline.Secret;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The verifier's side of the signed-field map (wire format 2.2): what is required, and why not. */
class SignedFieldsForVerificationTest {
  private static final List<String> FIVE =
      List.of("command", "env", "plugins", "matrix", "repository_url");

  private static SignedFieldsException refusal(CommandStep step, List<String> fields) {
    try {
      SignedFields.forVerification(step, fields, Map.of(), "r");
    } catch (SignedFieldsException e) {
      return e;
    }
    throw new AssertionError("accepted " + fields);
  }

  @Test
  void anEmptyListNamesNoField() {
    SignedFieldsException e = refusal(CommandStep.of("x"), List.of());
    assertThat(e.reason()).isEqualTo(SignedFieldsException.Reason.NO_FIELDS);
    assertThat(e.fields()).isEmpty();
    assertThat(e.field()).isEmpty();
    assertThat(e.getMessage()).isEqualTo("signature covers no fields");
  }

  @Test
  void everyMissingRequiredFieldIsListedInByteOrder() {
    SignedFieldsException e = refusal(CommandStep.of("x"), List.of("matrix", "command"));
    assertThat(e.reason()).isEqualTo(SignedFieldsException.Reason.REQUIRED_FIELDS_MISSING);
    assertThat(e.fields()).containsExactly("env", "plugins", "repository_url");
    assertThat(e.field()).isEqualTo("env");
  }

  @Test
  void secretsAndNonEmptyCheckoutBecomeRequiredOnlyWhenTheStepHasThem() throws Exception {
    CommandStep withSecrets = CommandStep.of("x").withSecrets(List.of(new Secret("k", "K")));
    assertThat(refusal(withSecrets, FIVE).fields()).containsExactly("secrets");
    Checkout shallow = new Checkout(null, null, null, 1L, JsonObject.EMPTY);
    assertThat(refusal(CommandStep.of("x").withCheckout(shallow), FIVE).fields())
        .containsExactly("checkout");
    // Empty checkout settings are not signed, so not required.
    Checkout empty = new Checkout(null, null, null, null, JsonObject.EMPTY);
    assertThat(
            SignedFields.forVerification(
                    CommandStep.of("x").withCheckout(empty), FIVE, Map.of(), "r")
                .names())
        .containsExactly("command", "env", "matrix", "plugins", "repository_url");
  }

  @Test
  void listedOptionalFieldsHaveAValueEvenWhenTheStepLacksThem() throws Exception {
    List<String> all = new ArrayList<>(FIVE);
    all.addAll(List.of("secrets", "checkout", "command"));
    SignedFields none = SignedFields.forVerification(CommandStep.of("x"), all, Map.of(), "r");
    assertThat(none.values().get("secrets")).isEqualTo(JsonNull.NULL);
    assertThat(none.values().get("checkout")).isEqualTo(JsonNull.NULL);
    // A duplicate is harmless and appears once.
    assertThat(none.names()).doesNotHaveDuplicates().hasSize(7);
    Checkout empty = new Checkout(null, null, null, null, JsonObject.EMPTY);
    assertThat(
            SignedFields.forVerification(
                    CommandStep.of("x").withCheckout(empty), all, Map.of(), "r")
                .values()
                .get("checkout"))
        .isEqualTo(JsonObject.EMPTY);
  }

  @Test
  void pipelineVariablesComeFromTheJobEnvNeverFromTheStepEnv() throws Exception {
    CommandStep step = CommandStep.of("x").withEnv(new LinkedHashMap<>(Map.of("A", "step")));
    List<String> fields = new ArrayList<>(FIVE);
    fields.add("env::A");
    assertThat(
            SignedFields.forVerification(step, fields, Map.of("A", "job"), "r")
                .values()
                .get("env::A"))
        .isEqualTo(new JsonString("job"));
    assertThatThrownBy(() -> SignedFields.forVerification(step, fields, Map.of(), "r"))
        .isInstanceOfSatisfying(
            SignedFieldsException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(SignedFieldsException.Reason.MISSING_VARIABLE);
              assertThat(e.fields()).containsExactly("env::A");
            });
  }
}
