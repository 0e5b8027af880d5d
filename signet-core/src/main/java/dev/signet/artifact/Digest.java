package dev.signet.artifact;

import dev.signet.input.InputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;

/**
 * An artifact digest: the algorithm and the hash value. Equality is constant-time on the value;
 * {@link #toString()} is the OCI form {@code sha256:<hex>}.
 */
public final class Digest {
  private static final Pattern OCI = Pattern.compile("([a-z0-9]+):([0-9a-f]+)");
  private static final int CHUNK = 1 << 20;

  private final HashAlgorithm algorithm;
  private final byte[] value;

  private Digest(HashAlgorithm algorithm, byte[] value) {
    this.algorithm = algorithm;
    this.value = value;
  }

  /** A digest value; its length must be the algorithm's. */
  public static Digest of(HashAlgorithm algorithm, byte[] value) {
    if (value.length != algorithm.length()) {
      throw new IllegalArgumentException(
          "a " + algorithm + " digest has " + algorithm.length() + " bytes, not " + value.length);
    }
    return new Digest(algorithm, value.clone());
  }

  /**
   * Parses {@code sha256:<64 lower-case hex>} (also sha384, sha512), the OCI digest form; {@code
   * what} names the value in errors (an option, a file and field).
   */
  public static Digest parse(String text, String what) throws InputException {
    var m = OCI.matcher(text);
    if (!m.matches()) {
      throw new InputException(
          what, null, "expected ALGORITHM:HEX such as sha256:<64 lower-case hex digits>");
    }
    HashAlgorithm alg =
        HashAlgorithm.fromPrefix(m.group(1))
            .orElseThrow(() ->
                new InputException(
                    what, null, "unsupported digest algorithm; use sha256, sha384 or sha512"));
    if (m.group(2).length() != 2 * alg.length()) {
      throw new InputException(
          what, null, "a " + alg.prefix() + " digest has " + 2 * alg.length() + " hex digits");
    }
    return new Digest(alg, HexFormat.of().parseHex(m.group(2)));
  }

  /** Hashes a message held in memory. */
  public static Digest of(HashAlgorithm algorithm, byte[] message, int offset, int length) {
    MessageDigest md = algorithm.newDigest();
    md.update(message, offset, length);
    return new Digest(algorithm, md.digest());
  }

  /**
   * Hashes a file, streaming it in 1 MiB reads; {@code progress} hears the bytes as they are
   * hashed. The file is named in every error.
   */
  public static Digest ofFile(Path file, HashAlgorithm algorithm, LongConsumer progress)
      throws InputException {
    MessageDigest md = algorithm.newDigest();
    String source = file.toString();
    if (Files.isDirectory(file)) {
      throw new InputException(source, null, "is a directory, not a file");
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate(CHUNK);
      byte[] array = buf.array();
      for (int n; (n = ch.read(buf)) >= 0; ) {
        if (n > 0) {
          md.update(array, 0, n);
          progress.accept(n);
        }
        buf.clear();
      }
    } catch (NoSuchFileException e) {
      throw new InputException(source, null, "no such file");
    } catch (AccessDeniedException e) {
      throw new InputException(source, null, "permission denied");
    } catch (IOException e) {
      throw new InputException(source, null, "cannot read: " + e.getClass().getSimpleName());
    }
    return new Digest(algorithm, md.digest());
  }

  public HashAlgorithm algorithm() {
    return algorithm;
  }

  public byte[] value() {
    return value.clone();
  }

  public String hex() {
    return HexFormat.of().formatHex(value);
  }

  /** Standard base64 with padding, as bundles carry digests. */
  public String base64() {
    return java.util.Base64.getEncoder().encodeToString(value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Digest d
        && algorithm == d.algorithm
        && MessageDigest.isEqual(value, d.value);
  }

  @Override
  public int hashCode() {
    return algorithm.hashCode() * 31 + java.util.Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return algorithm.prefix() + ":" + hex();
  }
}
