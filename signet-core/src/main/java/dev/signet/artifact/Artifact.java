package dev.signet.artifact;

import dev.signet.input.InputException;
import dev.signet.input.InputFiles;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * What a signature is checked against: a file (hashed on demand, once per algorithm) or only its
 * digest (digest-only verification, for files that never leave the build host).
 */
public sealed interface Artifact {
  /** Ed25519 needs the whole file in memory; beyond this, use a key that signs digests. */
  int MAX_MESSAGE_BYTES = dev.signet.input.InputLimits.MAX_IN_MEMORY_ARTIFACT_BYTES;

  /** For messages: the file name, or the digest. */
  String name();

  /** The artifact's digest with {@code alg}. */
  Digest digest(HashAlgorithm alg) throws InputException, ArtifactException;

  /** The artifact's bytes, for keys that sign whole messages (Ed25519). */
  byte[] bytes() throws InputException, ArtifactException;

  static Artifact file(Path path) {
    return new File(path);
  }

  static Artifact digestOnly(Digest digest) {
    return new DigestOnly(digest);
  }

  /** Bytes already in memory, such as an image signature payload fetched from a registry. */
  static Artifact inMemory(String name, byte[] content) {
    return new InMemory(name, content.clone());
  }

  /** Bytes in memory. */
  @SuppressWarnings("ArrayRecordComponent") // copied in and out: immutable
  record InMemory(String name, byte[] content) implements Artifact {
    @Override
    public Digest digest(HashAlgorithm alg) {
      return Digest.of(alg, content, 0, content.length);
    }

    @Override
    public byte[] bytes() {
      return content.clone();
    }

    @Override
    public byte[] content() {
      return content.clone();
    }
  }

  /** A file on disk. Not thread-safe: one verification at a time. */
  final class File implements Artifact {
    private final Path path;
    private final Map<HashAlgorithm, Digest> digests = new EnumMap<>(HashAlgorithm.class);

    private File(Path path) {
      this.path = path;
    }

    @Override
    public String name() {
      return path.toString();
    }

    @Override
    public Digest digest(HashAlgorithm alg) throws InputException {
      Digest d = digests.get(alg);
      if (d == null) {
        d = Digest.ofFile(path, alg, n -> {});
        digests.put(alg, d);
      }
      return d;
    }

    @Override
    public byte[] bytes() throws InputException {
      return InputFiles.readBytes(path.toString(), MAX_MESSAGE_BYTES);
    }
  }

  /** Only a digest is known. */
  record DigestOnly(Digest digest) implements Artifact {
    @Override
    public String name() {
      return digest.toString();
    }

    @Override
    public Digest digest(HashAlgorithm alg) throws ArtifactException {
      if (alg != digest.algorithm()) {
        throw new ArtifactException(
            ArtifactException.Reason.UNSUPPORTED,
            "the signature is over a "
                + alg.prefix()
                + " digest but only a "
                + digest.algorithm().prefix()
                + " digest was given");
      }
      return digest;
    }

    @Override
    public byte[] bytes() throws ArtifactException {
      throw new ArtifactException(
          ArtifactException.Reason.UNSUPPORTED,
          "an Ed25519 signature covers the whole artifact; it cannot be checked against a digest");
    }
  }
}
