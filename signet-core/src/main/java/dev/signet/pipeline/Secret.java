package dev.signet.pipeline;

import java.util.Objects;

/**
 * A secret the job asks for (spec §2.8).
 *
 * @param key the secret's key in the secret store; never empty
 * @param environmentVariable the env var it is exposed as; {@code ""} when not given
 */
public record Secret(String key, String environmentVariable) {
  public Secret {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(environmentVariable, "environmentVariable");
  }
}
