package dev.signet.tlog;

import dev.signet.SignetException;

/**
 * A transparency-log check refused something: a proof that does not bind, a root that does not
 * match, a checkpoint whose signature fails or that no trusted key signed. The message is one line
 * and says what failed. Malformed input (unparseable JSON, a note that is not a note) is an {@link
 * dev.signet.input.InputException} instead, so that callers can tell "bad file" from "does not
 * verify".
 */
public final class TlogException extends SignetException {
  private static final long serialVersionUID = 1L;

  public TlogException(String message) {
    super(message);
  }
}
