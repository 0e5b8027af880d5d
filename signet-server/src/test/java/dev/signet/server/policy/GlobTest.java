package dev.signet.server.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.input.InputException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobTest {

  @ParameterizedTest(name = "{0} ~ {1} = {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          refs/tags/v*         | refs/tags/v1.2.3       | true
          refs/tags/v*         | refs/tags/v            | true
          refs/tags/v*         | refs/tags/v1/evil      | false
          refs/tags/v*         | refs/heads/v1          | false
          refs/heads/**        | refs/heads/a/b/c       | true
          refs/heads/release/* | refs/heads/release/1.x | true
          main                 | main                   | true
          main                 | mainline               | false
          main                 | ''                     | false
          *                    | ''                     | true
          *                    | a/b                    | false
          **                   | a/b                    | true
          a*b*c                | aXbYc                  | true
          a*b*c                | aXbY                   | false
          v?.[0-9]             | v?.[0-9]               | true
          v?.[0-9]             | v1.5                   | false
          a\\*                  | a*                     | true
          a\\*                  | ab                     | false
          a\\\\                  | a\\                     | true
          """)
  void matches(String pattern, String value, boolean expected) throws InputException {
    assertThat(Glob.compile(pattern, "t", "x").matches(value)).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void linearOnPathologicalInput() throws InputException {
    Glob g = Glob.compile("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", "t", "x");
    long start = System.nanoTime();
    assertThat(g.matches("a".repeat(4096))).isFalse();
    assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
    assertThat(g.matches("a".repeat(4097) + "b"))
        .as("longer than the limit never matches")
        .isFalse();
  }

  @org.junit.jupiter.api.Test
  void refusals() {
    assertThatThrownBy(() -> Glob.compile("a***", "t", "x")).hasMessageContaining("***");
    assertThatThrownBy(() -> Glob.compile("x".repeat(257), "t", "x"))
        .hasMessageContaining("longer than 256");
    assertThat(Glob.literal("a*b\\").matches("a*b\\")).isTrue();
    assertThat(Glob.literal("a*b").matches("aXb")).isFalse();
  }
}
