package dev.signet.attest;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.signet.json.JsonObject;
import dev.signet.keys.KeyException;
import dev.signet.keys.SigningKey;
import dev.signet.keys.VerifyingKey;
import dev.signet.testing.FuzzChecks;
import dev.signet.testing.FuzzKeys;
import java.util.List;

/**
 * Fuzzes DSSE envelopes ({@code signet attest verify}) and Sigstore bundles holding one, with the
 * verifier behind them. The seeds are one fixed statement signed with the fixture keys of {@link
 * FuzzKeys}; the fuzzer mutates the envelope or bundle JSON.
 *
 * <p>Properties: every refusal is an {@link AttestationException} with a one-line message; an
 * envelope that parses writes JSON that parses back equal; and a verifier never accepts an envelope
 * it did not sign: whatever verifies has exactly the signed payload and payload type, and one of
 * its signatures is valid under the key.
 */
class AttestationFuzzTest {
  static final String PREDICATE_TYPE = "https://signet.dev/fuzz/v1";

  /** The SHA-256 of the (imaginary) subject file. */
  static final String SUBJECT_SHA256 =
      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

  static final Statement STATEMENT =
      new Statement(
          List.of(Statement.Subject.sha256("fuzz.tar.gz", SUBJECT_SHA256)),
          PREDICATE_TYPE,
          JsonObject.builder().put("builder", "fuzz").build());

  private static final byte[] PAYLOAD = STATEMENT.toJson();
  private static final List<VerifyingKey> VERIFIERS;
  private static final Attestations.Expectations EXPECTED =
      new Attestations.Expectations(
          List.of(Statement.Subject.sha256("fuzz.tar.gz", SUBJECT_SHA256)), PREDICATE_TYPE);

  static {
    try {
      VERIFIERS = List.of(verifier(FuzzKeys.ed25519()), verifier(FuzzKeys.p256()));
    } catch (KeyException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static VerifyingKey verifier(SigningKey key) throws KeyException {
    return VerifyingKey.of(key);
  }

  @FuzzTest(maxDuration = "2m")
  void envelope(@NotNull String json) throws Exception {
    DsseEnvelope env;
    try {
      env = DsseEnvelope.parse(json, "fuzz.dsse.json");
    } catch (AttestationException e) {
      FuzzChecks.typed(e);
      return;
    }
    assertThat(DsseEnvelope.parse(env.toJson(), "again")).isEqualTo(env);
    for (VerifyingKey key : VERIFIERS) {
      try {
        Attestations.verify(env, key, EXPECTED, "fuzz.dsse.json");
      } catch (AttestationException e) {
        FuzzChecks.typed(e);
        continue;
      }
      accepted(env, key);
    }
  }

  @FuzzTest(maxDuration = "2m")
  void bundle(@NotNull String json) throws Exception {
    DsseBundle.Parsed bundle;
    try {
      bundle = DsseBundle.parse(json, "fuzz.sigstore.json");
    } catch (AttestationException e) {
      FuzzChecks.typed(e);
      return;
    }
    for (VerifyingKey key : VERIFIERS) {
      try {
        Attestations.verifyBundle(bundle, key, EXPECTED, "fuzz.sigstore.json");
      } catch (AttestationException e) {
        FuzzChecks.typed(e);
        continue;
      }
      accepted(bundle.envelope(), key);
    }
  }

  private static void accepted(DsseEnvelope env, VerifyingKey key) {
    assertThat(env.payloadType()).isEqualTo(Dsse.IN_TOTO_PAYLOAD_TYPE);
    assertThat(env.payload()).as("an accepted envelope carries what was signed").isEqualTo(PAYLOAD);
    byte[] pae = Dsse.pae(env.payloadType(), env.payload());
    assertThat(env.signatures().stream().anyMatch(s -> key.verifyMessage(pae, s.sig())))
        .as("an accepted envelope has a valid signature")
        .isTrue();
  }
}
