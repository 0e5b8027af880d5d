package dev.signet.cli;

import dev.signet.input.InputException;
import dev.signet.input.InputFiles;
import dev.signet.keys.KeyException;
import dev.signet.keys.KeySet;

/** Loads JWKS files for the commands. An unreadable key file is a key error (exit 3). */
final class KeyFiles {
  /** Key files are small; a megabyte is generous even for a large rotation set. */
  private static final int MAX_KEY_FILE_BYTES = 1 << 20;

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
}
