package dev.signet.cli;

import dev.signet.SignetException;

/** A command was called wrongly (missing or contradictory options): exit code 2. */
final class UsageException extends SignetException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
