package dev.signet.pipeline;

import dev.signet.json.JsonValue;
import java.util.Objects;

/**
 * A wait step. It is never signed, so it is kept exactly as written (a scalar such as {@code wait},
 * or a mapping) and written back unchanged.
 */
public record WaitStep(JsonValue raw) implements Step {
  public WaitStep {
    Objects.requireNonNull(raw, "raw");
  }
}
