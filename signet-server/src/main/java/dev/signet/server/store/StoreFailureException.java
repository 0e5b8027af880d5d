package dev.signet.server.store;

import java.io.Serial;

/**
 * A database call of a store failed (unreachable, timed out, a constraint the store did not
 * expect). Unchecked because the store interfaces are shared with the in-memory implementations;
 * the HTTP layer turns it into a 503. The message names the operation and the SQLSTATE only: never
 * row contents (driver messages may quote a failing row, which can hold a sealed key).
 */
public final class StoreFailureException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  StoreFailureException(String message) {
    super(message);
  }
}
