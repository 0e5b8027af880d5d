package dev.signet.server.policy;

import java.util.List;

/**
 * What the request itself says, beyond project, operation and key, that a rule may constrain.
 *
 * @param stepKeys for pipeline signing, the key of every step in the pipeline ("" for a step
 *     without one)
 */
public record RequestAttributes(List<String> stepKeys) {
  public static final RequestAttributes NONE = new RequestAttributes(List.of());

  public RequestAttributes {
    stepKeys = List.copyOf(stepKeys);
  }

  public static RequestAttributes steps(String... keys) {
    return new RequestAttributes(List.of(keys));
  }
}
