package dev.signet.tlog;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.signet.input.InputException;
import dev.signet.testing.FuzzChecks;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Fuzzes signed-note and checkpoint parsing and verification (every checkpoint an auditor reads
 * goes through them). Properties: refusals are typed one-line exceptions; an accepted note formats
 * back to exactly its input and parses again to the same note; an accepted checkpoint text is its
 * own {@link Checkpoint#body()}; and a note the verifier accepts carries a signature line of the
 * trusted key that an independent Ed25519 implementation (BouncyCastle's signer, not Signet's
 * primitives) verifies over the text.
 */
class NoteFuzzTest {
  static final NoteKey KEY;

  static {
    try {
      KEY = NoteKey.parse(VectorsTest.VKEY, "vkey");
    } catch (InputException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  static final NoteVerifier VERIFIER = new NoteVerifier(List.of(KEY));

  @DictionaryEntries({"— ", "\n\n", "example.com/audit-log", "B0mbLZ", "=", "+", "\u2014"})
  @FuzzTest
  void parseNote(byte @NotNull [] input) {
    SignedNote note;
    try {
      note = SignedNote.parse(input, "fuzz.note");
    } catch (InputException e) {
      FuzzChecks.typed(e);
      return;
    }
    String formatted = note.format();
    assertThat(formatted.getBytes(StandardCharsets.UTF_8)).isEqualTo(input);
    try {
      assertThat(SignedNote.parse(formatted, "again")).isEqualTo(note);
    } catch (InputException e) {
      throw new AssertionError("a formatted note does not parse again", e);
    }
    try {
      Checkpoint cp = Checkpoint.parse(note.text(), "fuzz.note");
      assertThat(cp.body()).isEqualTo(note.text());
    } catch (InputException e) {
      FuzzChecks.typed(e);
    }
    try {
      VERIFIER.verify(note);
    } catch (TlogException e) {
      FuzzChecks.typed(e);
      return;
    }
    assertThat(independentlyVerified(note)).as("accepted ⇒ a valid trusted signature").isTrue();
  }

  static boolean independentlyVerified(SignedNote note) {
    byte[] text = note.text().getBytes(StandardCharsets.UTF_8);
    byte[] pub = TlogFixtures.hex(KEY.keyBytesHex());
    for (SignedNote.Signature s : note.signatures()) {
      if (s.name().equals(KEY.name()) && s.keyId() == KEY.keyId()) {
        Ed25519Signer v = new Ed25519Signer();
        v.init(false, new Ed25519PublicKeyParameters(pub, 0));
        v.update(text, 0, text.length);
        if (v.verifySignature(s.signature())) {
          return true;
        }
      }
    }
    return false;
  }

  @FuzzTest
  void parseVkey(@NotNull String vkey) {
    try {
      NoteKey k = NoteKey.parse(vkey, "fuzz.vkey");
      assertThat(k.format()).isEqualTo(vkey);
    } catch (InputException e) {
      FuzzChecks.typed(e);
    }
  }
}
