package dev.signet.keys.pkcs11;

/**
 * A PKCS#11 function returned something other than CKR_OK. Internal: {@link Failures} turns it into
 * a {@link dev.signet.keys.KeyException} that names the key reference.
 */
final class CkException extends Exception {
  private static final long serialVersionUID = 1L;

  private final long rv;
  private final String function;

  CkException(long rv, String function) {
    super(function + " returned " + Cryptoki.name(rv));
    this.rv = rv;
    this.function = function;
  }

  long rv() {
    return rv;
  }

  String function() {
    return function;
  }
}
