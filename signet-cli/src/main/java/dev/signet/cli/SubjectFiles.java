package dev.signet.cli;

import dev.signet.attest.Statement;
import dev.signet.input.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** The SHA-256 of subject files, streamed so that a large artifact is never held in memory. */
final class SubjectFiles {
  private SubjectFiles() {}

  /** One subject per file, named by the file's base name as cosign does. */
  static List<Statement.Subject> digest(List<Path> files) throws InputException {
    List<Statement.Subject> out = new ArrayList<>();
    for (Path f : files) {
      out.add(Statement.Subject.sha256(String.valueOf(f.getFileName()), sha256(f)));
    }
    return out;
  }

  static String sha256(Path file) throws InputException {
    String source = file.toString();
    if (Files.isDirectory(file)) {
      throw new InputException(source, null, "is a directory, not a file");
    }
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchFileException e) {
      throw new InputException(source, null, "no such file");
    } catch (IOException e) {
      throw new InputException(source, null, "cannot read: " + e.getClass().getSimpleName());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always present", e);
    }
  }
}
