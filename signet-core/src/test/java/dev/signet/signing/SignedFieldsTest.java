package dev.signet.signing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.pipeline.CommandStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignedFieldsTest {
  private static final List<String> REQUIRED =
      List.of("command", "env", "matrix", "plugins", "repository_url");

  @Test
  void fieldNamesFromTheControlPlaneAreQuotedOnOneLine() {
    // Found by JobJsonFuzzTest (crash-8da4c5fb…): a signed_fields entry holding U+2028 went into
    // the verdict detail raw, a line break to any Unicode-aware log reader.
    List<String> unknown = new ArrayList<>(REQUIRED);
    unknown.add("plu\u2028gins");
    assertThatThrownBy(
            () -> SignedFields.forVerification(CommandStep.of("x"), unknown, Map.of(), "r"))
        .isInstanceOf(SignedFieldsException.class)
        .hasMessage("unknown or unsupported field for signing \"plu\\u2028gins\"");

    List<String> missing = new ArrayList<>(REQUIRED);
    missing.add("env::A\nB");
    assertThatThrownBy(
            () -> SignedFields.forVerification(CommandStep.of("x"), missing, Map.of(), "r"))
        .isInstanceOf(SignedFieldsException.class)
        .hasMessage("variable \"A\\nB\" missing from environment");
  }
}
