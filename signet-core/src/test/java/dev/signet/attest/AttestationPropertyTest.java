package dev.signet.attest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.json.JsonObject;
import dev.signet.keys.Algorithm;
import dev.signet.keys.SigningKey;
import dev.signet.keys.VerifyingKey;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Random statements, signed then verified; then each single change an attacker could make — one
 * payload byte, the payload type, one signature byte, a subject file's content — is refused.
 */
class AttestationPropertyTest {
  private static final int ROUNDS = 150;

  @ParameterizedTest
  @EnumSource(names = {"EdDSA", "ES256"})
  void anySingleChangeIsRefused(Algorithm alg) throws Exception {
    long seed = new Random().nextLong();
    Random rnd = new Random(seed);
    SigningKey key = AttestKeys.key(alg);
    VerifyingKey verifier = AttestKeys.verifier(key);
    for (int round = 0; round < ROUNDS; round++) {
      String at = "seed " + seed + ", round " + round;
      List<Statement.Subject> subjects = new ArrayList<>();
      int n = 1 + rnd.nextInt(5);
      for (int i = 0; i < n; i++) {
        subjects.add(Statement.Subject.sha256(randomText(rnd), hex(rnd)));
      }
      JsonObject.Builder predicate = JsonObject.builder();
      for (int i = rnd.nextInt(4); i > 0; i--) {
        predicate.put(randomText(rnd), randomText(rnd));
      }
      String type = "https://example.com/" + Integer.toHexString(rnd.nextInt()) + "/v1";
      Statement st = new Statement(subjects, type, predicate.build());
      Statement.Subject file = subjects.get(rnd.nextInt(n));
      var expected =
          new Attestations.Expectations(
              List.of(Statement.Subject.sha256("f", file.sha256())), type);

      DsseEnvelope env = DsseEnvelope.parse(Attestations.sign(key, st).toJson(), "e");
      assertThat(Attestations.verify(env, verifier, expected, "e").statement())
          .as(at)
          .isEqualTo(st);

      byte[] payload = env.payload();
      payload[rnd.nextInt(payload.length)] ^= (byte) (1 << rnd.nextInt(8));
      refused(
          new DsseEnvelope(env.payloadType(), payload, env.signatures()), verifier, expected, at);

      String otherType = env.payloadType() + (rnd.nextBoolean() ? " " : "x");
      refused(new DsseEnvelope(otherType, env.payload(), env.signatures()), verifier, expected, at);

      byte[] sig = env.signatures().getFirst().sig();
      sig[rnd.nextInt(sig.length)] ^= (byte) (1 << rnd.nextInt(8));
      refused(
          new DsseEnvelope(
              env.payloadType(), env.payload(), List.of(new DsseEnvelope.Signature("", sig))),
          verifier,
          expected,
          at);

      // The subject file changed: its digest is a different one.
      byte[] digest = HexFormat.of().parseHex(file.sha256());
      digest[rnd.nextInt(32)] ^= 1;
      String changed = HexFormat.of().formatHex(digest);
      if (subjects.stream().noneMatch(s -> changed.equals(s.sha256()))) {
        refused(
            env,
            verifier,
            new Attestations.Expectations(List.of(Statement.Subject.sha256("f", changed)), type),
            at);
      }
    }
  }

  private static void refused(
      DsseEnvelope env, VerifyingKey v, Attestations.Expectations e, String at) {
    try {
      Attestations.verify(env, v, e, "e");
    } catch (AttestationException ex) {
      assertThat(ex.isRefusal()).as(at + ": " + ex.getMessage()).isTrue();
      return;
    }
    throw new AssertionError(at + ": a changed attestation verified");
  }

  private static String hex(Random rnd) {
    byte[] b = new byte[32];
    rnd.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static String randomText(Random rnd) {
    String alphabet = "abcxyz09 _-/.é√😀\"\\";
    StringBuilder b = new StringBuilder();
    for (int i = 1 + rnd.nextInt(12); i > 0; i--) {
      b.appendCodePoint(
          alphabet.codePointAt(
              alphabet.offsetByCodePoints(
                  0, rnd.nextInt(alphabet.codePointCount(0, alphabet.length())))));
    }
    return b.toString();
  }
}
