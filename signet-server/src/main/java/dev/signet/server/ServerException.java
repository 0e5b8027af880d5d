package dev.signet.server;

import dev.signet.SignetException;
import java.io.Serial;

/**
 * The server cannot start or run: a bad configuration, data directory, key file or certificate. The
 * message is one line, names the file or setting, and never contains a secret.
 */
public final class ServerException extends SignetException {
  @Serial private static final long serialVersionUID = 1L;

  public ServerException(String message) {
    super(message);
  }

  public ServerException(String message, Throwable cause) {
    super(message, cause);
  }
}
