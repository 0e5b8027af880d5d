package dev.signet.server.origin;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.signet.server.origin.testing.MutableClock;
import dev.signet.server.origin.testing.TestOidcIssuer;
import dev.signet.testing.FuzzChecks;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes ID-token verification against a real issuer on 127.0.0.1: arbitrary strings, and arbitrary
 * header and claims JSON around the issuer's {@code iss}.
 *
 * <p>Properties: nothing verifies without the issuer's signature; every refusal is an {@link
 * OriginException} with a one-line message that does not contain the token.
 */
class OidcVerifierFuzzTest {
  static TestOidcIssuer issuer;
  static OidcVerifier verifier;

  @BeforeAll
  static void start() throws Exception {
    issuer = TestOidcIssuer.start();
    MutableClock clock = MutableClock.startingNow();
    verifier =
        new OidcVerifier(
            List.of(OidcVerifierTest.githubConfig(issuer)), new InMemoryReplayGuard(clock), clock);
  }

  @AfterAll
  static void stop() {
    issuer.close();
  }

  @DictionaryEntries({".", "eyJ", "\"alg\"", "\"ES256\"", "\"none\"", "\"kid\"", "\"iss\""})
  @FuzzTest
  void verify(@NotNull String token) {
    check(token);
  }

  /** {@code $ISS} in the claims stands for the test issuer's URL, so that fuzzing gets past iss. */
  @DictionaryEntries({
    "$ISS",
    "\"alg\":\"ES256\"",
    "\"alg\":\"RS256\"",
    "\"kid\":\"ec-1\"",
    "\"kid\":\"rsa-1\"",
    "\"aud\":",
    "\"exp\":",
    "\"iat\":",
    "\"nbf\":",
    "\"jti\":",
    "\"crit\":"
  })
  @FuzzTest
  void verifyParts(@NotNull String header, @NotNull String claims, byte @NotNull [] signature) {
    Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
    String token =
        b.encodeToString(header.getBytes(java.nio.charset.StandardCharsets.UTF_8))
            + "."
            + b.encodeToString(
                claims
                    .replace("$ISS", issuer.issuer())
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8))
            + "."
            + b.encodeToString(signature);
    check(token);
  }

  private static void check(String token) {
    Credential.Oidc verified;
    try {
      verified = verifier.verify(token);
    } catch (OriginException e) {
      FuzzChecks.typed(e, token.length() >= 24 ? List.of(token) : List.of());
      return;
    }
    throw new AssertionError("a token not signed by the issuer verified: " + verified.tokenId());
  }
}
