package dev.signet.pipeline;

import dev.signet.json.JsonValue;
import java.util.Objects;

/**
 * A input step. It is never signed, so it is kept exactly as written (a scalar such as {@code
 * wait}, or a mapping) and written back unchanged.
 */
public record InputStep(JsonValue raw) implements Step {
  public InputStep {
    Objects.requireNonNull(raw, "raw");
  }
}
