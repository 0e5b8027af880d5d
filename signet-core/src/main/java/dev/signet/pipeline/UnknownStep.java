package dev.signet.pipeline;

import dev.signet.json.JsonValue;
import java.util.Objects;

/**
 * A step Signet could not classify or map onto its type (spec §2.3): parsing only warns, but
 * signing refuses a pipeline that contains one.
 *
 * @param raw the step as written
 * @param reason why it is unknown, e.g. {@code step type "mystery" is not known}
 * @param where where it was found, e.g. {@code line 7, column 5}
 */
public record UnknownStep(JsonValue raw, String reason, String where) implements Step {
  public UnknownStep {
    Objects.requireNonNull(raw, "raw");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(where, "where");
  }
}
