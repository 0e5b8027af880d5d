package dev.signet.job;

import dev.signet.SignetException;

/** A pipeline cannot be expanded into jobs. The message names the step path. */
public final class JobExpansionException extends SignetException {
  private static final long serialVersionUID = 1L;

  private final String stepPath;

  JobExpansionException(String stepPath, String message, Throwable cause) {
    super(stepPath + ": " + message, cause);
    this.stepPath = stepPath;
  }

  JobExpansionException(String stepPath, String message) {
    super(stepPath + ": " + message);
    this.stepPath = stepPath;
  }

  /** The step that could not be expanded, e.g. {@code steps[2].steps[0]}. */
  public String stepPath() {
    return stepPath;
  }
}
