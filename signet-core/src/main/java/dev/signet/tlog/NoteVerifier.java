package dev.signet.tlog;

import dev.signet.input.InputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks signed notes against a set of trusted {@link NoteKey}s, with the C2SP signed-note rules:
 * signatures from unknown (name, key ID) pairs are ignored; a signature from a known key that fails
 * rejects the whole note; at least one known key must have signed.
 */
public final class NoteVerifier {
  private final List<NoteKey> keys;

  public NoteVerifier(List<NoteKey> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("a note verifier needs at least one key");
    }
    this.keys = List.copyOf(keys);
  }

  public List<NoteKey> keys() {
    return keys;
  }

  /**
   * Verifies {@code note}; returns the known keys whose signatures verified.
   *
   * @throws TlogException when a known key's signature fails or no known key signed
   */
  public List<NoteKey> verify(SignedNote note) throws TlogException {
    byte[] text = note.text().getBytes(StandardCharsets.UTF_8);
    List<NoteKey> verified = new ArrayList<>();
    for (SignedNote.Signature s : note.signatures()) {
      for (NoteKey k : keys) {
        if (k.name().equals(s.name()) && k.keyId() == s.keyId()) {
          if (!k.verify(text, s.signature())) {
            throw new TlogException("the signature of trusted log key " + k + " does not verify");
          }
          if (!verified.contains(k)) {
            verified.add(k);
          }
        }
      }
    }
    if (verified.isEmpty()) {
      throw new TlogException("no trusted log key signed the note (trusted: " + names() + ")");
    }
    return List.copyOf(verified);
  }

  /** Parses and verifies a signed checkpoint; returns the checkpoint its text holds. */
  public Checkpoint verifyCheckpoint(String note, String source)
      throws InputException, TlogException {
    SignedNote n = SignedNote.parse(note, source);
    verify(n);
    return Checkpoint.parse(n.text(), source);
  }

  private String names() {
    StringBuilder b = new StringBuilder();
    for (NoteKey k : keys) {
      if (!b.isEmpty()) {
        b.append(", ");
      }
      b.append(k);
    }
    return b.toString();
  }
}
