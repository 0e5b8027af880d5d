package dev.signet.keys.pkcs11;

import dev.signet.keys.KeyException;

/**
 * Turns PKCS#11 return values into the one-line {@link KeyException}s users see: the key reference
 * (PIN redacted), what went wrong in words, and the return value's name for the HSM's manual.
 */
final class Failures {
  private Failures() {}

  static KeyException of(Pkcs11Uri uri, CkException e) {
    return of(uri.display(), e);
  }

  static KeyException of(String reference, CkException e) {
    long rv = e.rv();
    String code = " (" + e.function() + ": " + Cryptoki.name(rv) + ")";
    if (rv == Cryptoki.CKR_TOKEN_NOT_PRESENT
        || rv == Cryptoki.CKR_DEVICE_REMOVED
        || rv == Cryptoki.CKR_TOKEN_NOT_RECOGNIZED
        || rv == Cryptoki.CKR_SLOT_ID_INVALID) {
      return new KeyException(
          KeyException.Reason.UNAVAILABLE, reference + ": the token is not present" + code);
    }
    if (rv == Cryptoki.CKR_SESSION_HANDLE_INVALID
        || rv == Cryptoki.CKR_SESSION_CLOSED
        || rv == Cryptoki.CKR_DEVICE_ERROR
        || rv == Cryptoki.CKR_DEVICE_MEMORY
        || rv == Cryptoki.CKR_SESSION_COUNT
        || rv == Cryptoki.CKR_CRYPTOKI_NOT_INITIALIZED) {
      return new KeyException(
          KeyException.Reason.UNAVAILABLE, reference + ": the token cannot be used now" + code);
    }
    if (rv == Cryptoki.CKR_USER_NOT_LOGGED_IN) {
      return new KeyException(
          KeyException.Reason.UNAVAILABLE,
          reference + ": the token ended our login; open the key again" + code);
    }
    if (rv == Cryptoki.CKR_KEY_HANDLE_INVALID || rv == Cryptoki.CKR_OBJECT_HANDLE_INVALID) {
      return new KeyException(
          KeyException.Reason.NOT_FOUND, reference + ": the key is no longer on the token" + code);
    }
    if (rv == Cryptoki.CKR_KEY_FUNCTION_NOT_PERMITTED
        || rv == Cryptoki.CKR_KEY_TYPE_INCONSISTENT
        || rv == Cryptoki.CKR_MECHANISM_INVALID
        || rv == Cryptoki.CKR_MECHANISM_PARAM_INVALID) {
      return new KeyException(
          KeyException.Reason.NOT_ALLOWED,
          reference + ": the token refuses this signature with this key" + code);
    }
    return new KeyException(
        KeyException.Reason.SIGNING_FAILED, reference + ": the token reported an error" + code);
  }
}
