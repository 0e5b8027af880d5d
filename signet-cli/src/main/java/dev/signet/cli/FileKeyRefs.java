package dev.signet.cli;

import dev.signet.input.InputException;
import dev.signet.input.InputFiles;
import dev.signet.keys.Algorithm;
import dev.signet.keys.CosignKeyFile;
import dev.signet.keys.KeyException;
import dev.signet.keys.KeyRef;
import dev.signet.keys.KeySet;
import dev.signet.keys.PemKeys;
import dev.signet.keys.PublicKeyVerifier;
import dev.signet.keys.SigningKey;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Opens key references that name files — a JWKS ({@code file:keys.json#kid}), a PEM key or a {@code
 * cosign.key} — by looking at the content. A stopgap for the attest and cosign commands until the
 * general resolver ({@code KeyRefs}, which also opens HSM and KMS keys) is merged; then these
 * commands should call it instead.
 */
final class FileKeyRefs {
  private static final int MAX_KEY_FILE_BYTES = 1 << 20;

  private FileKeyRefs() {}

  /** The file of a reference; other kinds of key are refused with a clear message. */
  static KeyRef.File file(String ref, String flag) throws KeyException {
    KeyRef parsed = KeyRef.parse(ref);
    if (!(parsed instanceof KeyRef.File f)) {
      throw new KeyException(
          KeyException.Reason.UNAVAILABLE,
          flag
              + " "
              + parsed.display()
              + ": this command opens key files (JWKS, PEM, cosign.key) only");
    }
    return f;
  }

  static String read(KeyRef.File f) throws KeyException {
    try {
      return InputFiles.readText(f.path().toString(), MAX_KEY_FILE_BYTES);
    } catch (InputException e) {
      throw new KeyException(KeyException.Reason.UNREADABLE, e.getMessage(), e);
    }
  }

  /** A signing key: JWKS, unencrypted PEM, or cosign.key (password per {@link KeyPasswords}). */
  static SigningKey signingKey(String ref, String flag, @Nullable Algorithm rsa)
      throws KeyException {
    KeyRef.File f = file(ref, flag);
    String path = f.path().toString();
    String text = read(f);
    if (text.stripLeading().startsWith("{")) {
      return KeySet.parse(text, path).signingKey(f.keyId());
    }
    noKid(f);
    if (CosignKeyFile.isEncrypted(text)) {
      char[] pw = KeyPasswords.forReading(path);
      try {
        return CosignKeyFile.decrypt(text, pw, path, rsa);
      } finally {
        Arrays.fill(pw, '\0');
      }
    }
    return PemKeys.readPrivateKey(text, path, rsa);
  }

  /**
   * A verification key: a JWKS (its {@code alg}) or a {@code PUBLIC KEY} PEM such as cosign.pub.
   */
  static PublicKeyVerifier verifier(String ref, String flag, @Nullable Algorithm rsa)
      throws KeyException {
    KeyRef.File f = file(ref, flag);
    String path = f.path().toString();
    String text = read(f);
    if (text.stripLeading().startsWith("{")) {
      return PublicKeyVerifier.fromJwks(KeySet.parse(text, path), f.keyId());
    }
    noKid(f);
    return PublicKeyVerifier.of(PemKeys.readPublicKey(text, path), rsa);
  }

  private static void noKid(KeyRef.File f) throws KeyException {
    if (f.keyId() != null) {
      throw new KeyException(
          KeyException.Reason.MALFORMED,
          f.display() + ": a key ID (#" + f.keyId() + ") selects a key in a JWKS, not in a PEM");
    }
  }
}
