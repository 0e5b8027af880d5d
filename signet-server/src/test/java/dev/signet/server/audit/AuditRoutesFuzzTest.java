package dev.signet.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.signet.server.http.ApiException;
import dev.signet.testing.FuzzChecks;
import java.math.BigInteger;

/**
 * Fuzzes the query numbers of the audit routes ({@code index}, {@code size}, {@code start}, …).
 *
 * <p>Properties: a refusal is a 400 {@code bad_request} with a one-line message; an accepted value
 * is ASCII digits only and denotes exactly the returned non-negative {@code long} (no sign, no
 * other script's digits, no overflow wrapping).
 */
class AuditRoutesFuzzTest {
  @FuzzTest
  void number(@NotNull String value) {
    long n;
    try {
      n = AuditRoutes.parseNumber("size", value);
    } catch (ApiException e) {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.code()).isEqualTo("bad_request");
      FuzzChecks.oneLine(e.getMessage(), e);
      return;
    }
    assertThat(value).matches("[0-9]{1,19}");
    assertThat(n).isNotNegative();
    assertThat(BigInteger.valueOf(n)).isEqualTo(new BigInteger(value));
  }
}
