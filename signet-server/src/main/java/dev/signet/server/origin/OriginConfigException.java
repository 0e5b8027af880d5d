package dev.signet.server.origin;

import dev.signet.SignetException;

/**
 * A configuration that would accept credentials it should not: a shared issuer without a tenant
 * pin, a symmetric algorithm, a leeway above the bound. Raised at load time, never per request.
 */
public final class OriginConfigException extends SignetException {
  private static final long serialVersionUID = 1L;

  public OriginConfigException(String message) {
    super(message);
  }
}
