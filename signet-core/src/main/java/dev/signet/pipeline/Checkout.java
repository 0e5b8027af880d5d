package dev.signet.pipeline;

import dev.signet.json.JsonObject;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Checkout settings (spec §2.9). Known fields are tri-state (null = absent); every other key is
 * kept and signed.
 */
public record Checkout(
    @Nullable Boolean skip,
    @Nullable Boolean submodules,
    @Nullable String sshSecret,
    @Nullable Long depth,
    JsonObject remaining) {
  public Checkout {
    Objects.requireNonNull(remaining, "remaining");
  }

  /** Empty checkout settings are not signed (spec §3). */
  public boolean isEmpty() {
    return skip == null
        && submodules == null
        && sshSecret == null
        && depth == null
        && remaining.isEmpty();
  }
}
