package dev.signet.server.store;

import dev.signet.SignetException;
import java.io.Serial;

/** The database cannot be reached, migrated or read. The message never contains credentials. */
public final class StoreException extends SignetException {
  @Serial private static final long serialVersionUID = 1L;

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
