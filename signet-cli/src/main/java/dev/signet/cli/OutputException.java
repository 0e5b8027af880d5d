package dev.signet.cli;

import dev.signet.SignetException;

/** Output could not be written. */
final class OutputException extends SignetException {
  private static final long serialVersionUID = 1L;

  OutputException(String message) {
    super(message);
  }
}
