package dev.signet.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.pipeline.CommandStep;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Fields the vectors do not exercise: the cache, and the names an unknown-token error carries. */
class MatrixInterpolationTest {
  @Test
  void theCacheIsInterpolatedLikeAnyOtherValueAndAbsentStaysAbsent() throws Exception {
    CommandStep step =
        CommandStep.of("x")
            .withCache(
                JsonObject.builder()
                    .put("paths", JsonArray.of(new JsonString("build/{{matrix.os}}")))
                    .put("name", "{{matrix.os}}-cache")
                    .build());
    CommandStep post = MatrixInterpolation.apply(step, Map.of("os", "mac"));
    assertThat(post.cache())
        .isEqualTo(
            JsonObject.builder()
                .put("paths", JsonArray.of(new JsonString("build/mac")))
                .put("name", "mac-cache")
                .build());
    assertThat(MatrixInterpolation.apply(CommandStep.of("x"), Map.of("os", "mac")).cache())
        .isNull();
  }

  @Test
  void anUnknownTokenErrorNamesEveryTokenOnceInOrder() {
    assertThatThrownBy(() ->
            MatrixInterpolation.apply(
                CommandStep.of("{{matrix.b}} {{ matrix.a }} {{matrix.b}}"), Map.of("os", "mac")))
        .isInstanceOfSatisfying(
            MatrixException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(MatrixException.Reason.UNKNOWN_TOKENS);
              assertThat(e.names()).containsExactly("matrix.a", "matrix.b");
              assertThat(e.getMessage())
                  .isEqualTo("unknown matrix tokens in input: matrix.a, matrix.b");
            });
  }
}
