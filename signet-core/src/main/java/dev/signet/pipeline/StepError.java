package dev.signet.pipeline;

import java.io.Serial;

/**
 * A value that does not fit the field it is in. Inside a step this makes the step an {@link
 * UnknownStep} (spec §2.3: Go only warns); at pipeline level it becomes an {@link
 * dev.signet.input.InputException}. Never leaves the package.
 */
final class StepError extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  StepError(String reason) {
    super(reason, null, false, false);
  }

  String reason() {
    return getMessage();
  }
}
