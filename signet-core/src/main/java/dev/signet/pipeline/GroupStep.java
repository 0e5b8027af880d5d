package dev.signet.pipeline;

import dev.signet.json.JsonObject;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A group: a label, a key and nested steps. The group itself is not signed; its command steps are.
 *
 * @param group {@code group} (aliases {@code label}, {@code name}); null when null or absent
 * @param key {@code key} (aliases {@code id}, {@code identifier})
 * @param steps nested steps; {@code steps: null} gives an empty list
 * @param remaining every other key, in input order
 */
public record GroupStep(
    @Nullable String group, @Nullable String key, List<Step> steps, JsonObject remaining)
    implements Step {
  public GroupStep {
    steps = List.copyOf(steps);
    Objects.requireNonNull(remaining, "remaining");
  }

  public GroupStep withSteps(List<Step> newSteps) {
    return new GroupStep(group, key, newSteps, remaining);
  }
}
