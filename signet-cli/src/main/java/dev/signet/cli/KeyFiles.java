package dev.signet.cli;

import dev.signet.input.InputException;
import dev.signet.input.InputFiles;
import dev.signet.input.InputLimits;
import dev.signet.keys.KeyException;
import dev.signet.keys.KeySet;
import dev.signet.keys.VerificationKeys;
import java.io.PrintWriter;

/** Loads JWKS files for the commands. An unreadable key file is a key error (exit 3). */
final class KeyFiles {
  private static final int MAX_KEY_FILE_BYTES = InputLimits.MAX_KEY_FILE_BYTES;

  private KeyFiles() {}

  static KeySet load(String path, String flag) throws KeyException {
    if (path == null || path.isEmpty()) {
      throw new KeyException(KeyException.Reason.UNREADABLE, flag + " is required");
    }
    String text;
    try {
      text = InputFiles.readText(path, MAX_KEY_FILE_BYTES);
    } catch (InputException e) {
      throw new KeyException(KeyException.Reason.UNREADABLE, e.getMessage(), e);
    }
    return KeySet.parse(text, path);
  }

  /**
   * Loads a verification set. Private members are not needed and are ignored, but a machine that
   * only verifies should not hold them at all — anyone who reads the file there can sign — so their
   * presence earns a warning.
   */
  static VerificationKeys loadForVerification(String path, String flag, PrintWriter err)
      throws KeyException {
    KeySet set = load(path, flag);
    VerificationKeys keys = set.verificationKeys();
    KeyRefs.warnIfPrivate(set, path, err);
    return keys;
  }
}
