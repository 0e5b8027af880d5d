package dev.signet.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes files so that a reader never sees half a file: the content goes to a temporary file in the
 * same directory (created with its final permissions), is forced to disk, then appears under its
 * name in one step. Secret files are created 0600 from the start, never chmod-ed afterwards.
 */
final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes {@code text}; refuses to replace an existing file. */
  static void createNew(Path target, String text, boolean secret) throws OutputException {
    Path tmp = temp(target, text, secret);
    try {
      // A hard link fails if the target exists, so two writers can never clobber each other.
      Files.createLink(target, tmp);
    } catch (FileAlreadyExistsException e) {
      throw new OutputException(target + ": already exists; refusing to overwrite it");
    } catch (IOException | UnsupportedOperationException e) {
      throw new OutputException(target + ": cannot create: " + reason(e));
    } finally {
      deleteQuietly(tmp);
    }
  }

  /** Writes {@code text}, replacing any existing file atomically. */
  static void replace(Path target, String text) throws OutputException {
    replace(target, text, false);
  }

  /** As {@link #replace(Path, String)}; a secret file is 0600 from its first byte. */
  static void replace(Path target, String text, boolean secret) throws OutputException {
    if (Files.isDirectory(target)) {
      // rename(2) would fail with a bare FileSystemException; say why.
      throw new OutputException(target + ": is a directory");
    }
    Path tmp = temp(target, text, secret);
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new OutputException(target + ": cannot write: " + reason(e));
    }
  }

  private static Path temp(Path target, String text, boolean secret) throws OutputException {
    Path dir = target.toAbsolutePath().getParent();
    try {
      Path tmp =
          Files.createTempFile(
              dir,
              "." + target.getFileName() + ".",
              ".tmp",
              PosixFilePermissions.asFileAttribute(
                  PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--")));
      try (var ch = Files.newByteChannel(tmp, java.nio.file.StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        if (ch instanceof java.nio.channels.FileChannel fc) {
          fc.force(true);
        }
      } catch (IOException e) {
        deleteQuietly(tmp);
        throw e;
      }
      return tmp;
    } catch (IOException e) {
      throw new OutputException(target + ": cannot write: " + reason(e));
    }
  }

  private static String reason(Exception e) {
    return switch (e) {
      case java.nio.file.AccessDeniedException a -> "permission denied";
      case java.nio.file.NoSuchFileException n -> "no such directory";
      default -> e.getClass().getSimpleName();
    };
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // best effort: the temp file has a dot-name and holds nothing the target would not
    }
  }
}
