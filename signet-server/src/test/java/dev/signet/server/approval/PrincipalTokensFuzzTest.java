package dev.signet.server.approval;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;

/**
 * Fuzzes admin-API bearer parsing. Properties: any string either parses into exactly the parts it
 * is made of or is refused, without an exception; and the only bearer that authenticates is the one
 * token issued (a near miss never does).
 */
class PrincipalTokensFuzzTest {
  private static final PrincipalStore STORE = PrincipalStore.inMemory();
  private static final PrincipalTokens TOKENS =
      new PrincipalTokens(STORE, InstantSource.fixed(Instant.parse("2026-11-22T10:00:00Z")));
  private static final String ISSUED =
      TOKENS.issue(PrincipalStore.ADMIN, Duration.ofDays(1)).token();

  @FuzzTest
  void authenticate(@NotNull String bearer) {
    Optional<PrincipalTokens.Parsed> parsed = PrincipalTokens.parse(bearer);
    if (parsed.isPresent()) {
      String rebuilt = PrincipalTokens.PREFIX + parsed.get().id() + "_" + parsed.get().secretHex();
      if (!rebuilt.equals(bearer)) {
        throw new AssertionError("parsed into parts that are not the bearer");
      }
    }
    boolean authenticated = TOKENS.authenticate(bearer).isPresent();
    if (authenticated != bearer.equals(ISSUED)) {
      throw new AssertionError("authenticated " + authenticated + " for a bearer");
    }
    if (!TOKENS.authenticate(ISSUED).isPresent()) {
      throw new AssertionError("the issued token stopped working");
    }
  }
}
