package dev.signet.cli;

import dev.signet.SignetException;

/** Verification refused something: exit code 1. The message has already been explained. */
final class RefusedException extends SignetException {
  private static final long serialVersionUID = 1L;

  RefusedException(String message) {
    super(message);
  }
}
