package dev.signet.pipeline;

import dev.signet.json.JsonValue;
import java.util.Objects;

/**
 * A trigger step. It is never signed, so it is kept exactly as written (a scalar such as {@code
 * wait}, or a mapping) and written back unchanged.
 */
public record TriggerStep(JsonValue raw) implements Step {
  public TriggerStep {
    Objects.requireNonNull(raw, "raw");
  }
}
