package dev.signet.tlog;

import dev.signet.keys.KeyException;
import dev.signet.keys.SigningKey;
import dev.signet.keys.VerifyingKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Signs note texts (checkpoints) with a {@link SigningKey} wherever it lives: a key file, an HSM or
 * a KMS. Ed25519 keys sign the text itself; P-256 ECDSA keys sign it with SHA-256 and give ASN.1
 * DER, which is {@link SigningKey#signMessage}'s native encoding and what type 0x02 verifiers
 * expect (see {@link NoteKey}).
 */
public final class NoteSigner {
  private final SigningKey key;
  private final NoteKey noteKey;

  private NoteSigner(SigningKey key, NoteKey noteKey) {
    this.key = key;
    this.noteKey = noteKey;
  }

  /**
   * A signer under {@code name} (which should be the log's origin).
   *
   * @throws KeyException when the key is neither Ed25519 nor ECDSA P-256, or the name is invalid
   */
  public static NoteSigner of(String name, SigningKey key) throws KeyException {
    return new NoteSigner(key, NoteKey.of(name, VerifyingKey.of(key)));
  }

  /** The verifier key to publish for this signer. */
  public NoteKey noteKey() {
    return noteKey;
  }

  /** One signature line over {@code text}. */
  public SignedNote.Signature sign(String text) throws KeyException {
    byte[] sig = key.signMessage(text.getBytes(StandardCharsets.UTF_8));
    return new SignedNote.Signature(noteKey.name(), noteKey.keyId(), sig);
  }

  /** Signs {@code text} with every signer, in order (e.g. Ed25519 now, ML-DSA later). */
  public static SignedNote sign(String text, List<NoteSigner> signers) throws KeyException {
    if (signers.isEmpty()) {
      throw new IllegalArgumentException("a note needs at least one signer");
    }
    List<SignedNote.Signature> sigs = new ArrayList<>();
    for (NoteSigner s : signers) {
      sigs.add(s.sign(text));
    }
    return new SignedNote(text, sigs);
  }

  /** The signed note of a checkpoint. */
  public SignedNote sign(Checkpoint checkpoint) throws KeyException {
    return sign(checkpoint.body(), List.of(this));
  }
}
