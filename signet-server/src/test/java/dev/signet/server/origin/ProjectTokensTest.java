package dev.signet.server.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.signet.server.origin.OriginException.Reason;
import dev.signet.server.origin.testing.MutableClock;
import dev.signet.testing.FuzzChecks;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProjectTokensTest {
  final MutableClock clock = MutableClock.startingNow();
  final InMemoryProjectTokenStore store = new InMemoryProjectTokenStore();
  final ProjectTokens tokens = new ProjectTokens(store, clock);

  OriginException refused(ThrowingVerify call, String token, Reason reason) {
    OriginException e = (OriginException) catchThrowable(call::run);
    assertThat(e).isNotNull();
    assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
    String secret = token.length() >= 21 + 16 ? token.substring(21) : null;
    FuzzChecks.typed(e, secret == null ? List.of() : List.of(secret));
    return e;
  }

  interface ThrowingVerify {
    void run() throws Exception;
  }

  IssuedProjectToken issue() {
    return tokens.issue("payments", Set.of("sign"), Duration.ofDays(30));
  }

  @Test
  void issuedTokenVerifiesAndOnlyItsHashIsStored() throws Exception {
    IssuedProjectToken issued = issue();
    assertThat(issued.token()).matches("sgp_[0-9a-f]{16}_[0-9a-f]{64}");
    String secret = issued.token().substring(21);
    StoredProjectToken stored = store.find(issued.stored().id()).orElseThrow();
    assertThat(stored.toString()).doesNotContain(secret);
    assertThat(stored.secretSha256()).hasSize(64).isNotEqualTo(secret);
    assertThat(issued.toString()).doesNotContain(secret);

    Credential.ProjectToken c = tokens.verifyFor(issued.token(), "payments", "sign");
    assertThat(c.tokenId()).isEqualTo(stored.id());
    assertThat(c.project()).isEqualTo("payments");
    assertThat(c.operations()).containsExactly("sign");
    assertThat(ProjectTokens.looksLikeProjectToken(issued.token())).isTrue();
  }

  @Test
  void tokensAreUnique() {
    assertThat(issue().token()).isNotEqualTo(issue().token());
  }

  @Test
  void wrongSecretForAKnownIdIsUnknown() {
    IssuedProjectToken issued = issue();
    String forged = issued.token().substring(0, 21) + "0".repeat(64);
    refused(() -> tokens.verify(forged), forged, Reason.UNKNOWN_TOKEN);
  }

  @Test
  void unknownIdIsUnknown() {
    String t = "sgp_" + "0".repeat(16) + "_" + "1".repeat(64);
    refused(() -> tokens.verify(t), t, Reason.UNKNOWN_TOKEN);
  }

  @Test
  void revokedTokenIsRefused() {
    IssuedProjectToken issued = issue();
    assertThat(tokens.revoke(issued.stored().id())).isTrue();
    refused(() -> tokens.verify(issued.token()), issued.token(), Reason.REVOKED);
    assertThat(tokens.revoke("feedfacefeedface")).isFalse();
  }

  @Test
  void revokedTokenWithAWrongSecretTellsNothingAboutItsState() {
    IssuedProjectToken issued = issue();
    tokens.revoke(issued.stored().id());
    String forged = issued.token().substring(0, 21) + "f".repeat(64);
    refused(() -> tokens.verify(forged), forged, Reason.UNKNOWN_TOKEN);
  }

  @Test
  void expiredTokenIsRefused() {
    IssuedProjectToken issued = issue();
    clock.advance(Duration.ofDays(30));
    refused(() -> tokens.verify(issued.token()), issued.token(), Reason.EXPIRED);
  }

  @Test
  void tokenForAnotherProjectOrOperationIsRefused() {
    IssuedProjectToken issued = issue();
    refused(
        () -> tokens.verifyFor(issued.token(), "billing", "sign"),
        issued.token(),
        Reason.WRONG_PROJECT);
    refused(
        () -> tokens.verifyFor(issued.token(), "payments", "approve"),
        issued.token(),
        Reason.OPERATION_NOT_ALLOWED);
  }

  @Test
  void malformedAndOversizedTokensAreRefused() {
    for (String t :
        List.of(
            "",
            "sgp_",
            "ghp_" + "a".repeat(40),
            "sgp_" + "A".repeat(16) + "_" + "a".repeat(64),
            "sgp_" + "a".repeat(16) + "_" + "a".repeat(63),
            "sgp_" + "a".repeat(16) + "_" + "a".repeat(64) + "\n",
            "x".repeat(OriginLimits.MAX_PROJECT_TOKEN_CHARS + 1))) {
      refused(() -> tokens.verify(t), t, Reason.MALFORMED);
    }
  }
}
