package dev.signet.input;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads untrusted input with a size cap and strict UTF-8 decoding. */
public final class InputFiles {
  private InputFiles() {}

  /** Reads {@code path} ({@code -} for stdin) as bytes, refusing more than {@code maxBytes}. */
  public static byte[] readBytes(String path, int maxBytes) throws InputException {
    String source = displayName(path);
    try {
      if (path.equals("-")) {
        return readCapped(System.in, source, maxBytes);
      }
      Path p = Path.of(path);
      if (Files.isDirectory(p)) {
        throw new InputException(source, null, "is a directory, not a file");
      }
      long size = Files.size(p);
      if (size > maxBytes) {
        throw tooLarge(source, maxBytes);
      }
      try (InputStream in = Files.newInputStream(p)) {
        return readCapped(in, source, maxBytes);
      }
    } catch (NoSuchFileException e) {
      throw new InputException(source, null, "no such file");
    } catch (IOException e) {
      throw new InputException(source, null, "cannot read: " + e.getClass().getSimpleName());
    }
  }

  /** Reads {@code path} as strict UTF-8 text. */
  public static String readText(String path, int maxBytes) throws InputException {
    return decodeUtf8(readBytes(path, maxBytes), displayName(path));
  }

  /** Decodes strict UTF-8, naming the byte offset of the first invalid sequence. */
  public static String decodeUtf8(byte[] bytes, String source) throws InputException {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      throw new InputException(source, "byte " + in.position(), "invalid UTF-8");
    }
    decoder.flush(out);
    return out.flip().toString();
  }

  public static String displayName(String path) {
    return path.equals("-") ? "<stdin>" : path;
  }

  private static byte[] readCapped(InputStream in, String source, int maxBytes)
      throws IOException, InputException {
    byte[] data = in.readNBytes(maxBytes + 1);
    if (data.length > maxBytes) {
      throw tooLarge(source, maxBytes);
    }
    return data;
  }

  private static InputException tooLarge(String source, int maxBytes) {
    return new InputException(
        source, null, "larger than the input limit of " + (maxBytes >> 10) + " KiB");
  }
}
