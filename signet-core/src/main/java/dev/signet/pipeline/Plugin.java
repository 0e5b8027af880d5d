package dev.signet.pipeline;

import dev.signet.json.JsonValue;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A plugin reference (spec §2.6).
 *
 * @param source the source as written, e.g. {@code docker#v5.11.0}
 * @param config the configuration; null for none. Null, {@code {}} and {@code []} sign alike.
 */
public record Plugin(String source, @Nullable JsonValue config) {
  public Plugin {
    Objects.requireNonNull(source, "source");
  }
}
