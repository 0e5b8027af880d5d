package dev.signet.server.http;

import java.io.Serial;

/**
 * A request that cannot be served, with its HTTP status and a stable error code. The message goes
 * to the client in the error body, so it must never carry a secret or another tenant's data.
 */
public final class ApiException extends Exception {
  @Serial private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;

  public ApiException(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }
}
