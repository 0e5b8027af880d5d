package dev.signet.tlog;

import static dev.signet.tlog.TlogFixtures.ORIGIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.keys.KeyException;
import dev.signet.keys.VerifyingKey;
import dev.signet.testing.FuzzKeys;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Signed notes and checkpoints: format rules, key IDs, and the verifier's three rules. */
class NoteTest {
  static final byte[] ROOT = Merkle.leafHash(new byte[] {7});

  @Test
  void ecdsaP256NotesUseTheSpkiKeyIdAndDerSignatures() throws Exception {
    var p256 = FuzzKeys.p256();
    NoteSigner signer = NoteSigner.of(ORIGIN, p256);
    NoteKey k = signer.noteKey();
    byte[] spki = p256.publicKey().getEncoded();
    byte[] h = Merkle.sha256().digest(spki);
    assertThat(k.keyIdHex()).isEqualTo(TlogFixtures.HEX.formatHex(h, 0, 4));
    assertThat(k.format())
        .isEqualTo(
            ORIGIN
                + "+"
                + k.keyIdHex()
                + "+"
                + Base64.getEncoder().encodeToString(concat(new byte[] {2}, spki)));
    assertThat(NoteKey.parse(k.format(), "vkey")).isEqualTo(k);
    SignedNote note = signer.sign(new Checkpoint(ORIGIN, 5, ROOT));
    byte[] sig = note.signatures().getFirst().signature();
    assertThat(sig[0]).as("ASN.1 SEQUENCE").isEqualTo((byte) 0x30);
    Checkpoint cp =
        new NoteVerifier(List.of(NoteKey.parse(k.format(), "vkey")))
            .verifyCheckpoint(note.format(), "note");
    assertThat(cp.size()).isEqualTo(5);
  }

  @Test
  void otherAlgorithmsCannotSignNotes() throws Exception {
    VerifyingKey rsa =
        VerifyingKey.fromPem(
            dev.signet.keys.PemKeys.publicKeyPem(
                java.security.KeyPairGenerator.getInstance("RSA").generateKeyPair().getPublic()),
            "rsa.pem");
    assertThatThrownBy(() -> NoteKey.of(ORIGIN, rsa))
        .isInstanceOf(KeyException.class)
        .hasMessageContaining("Ed25519 or ECDSA P-256");
    assertThatThrownBy(() -> NoteKey.of("bad name", rsa)).isInstanceOf(KeyException.class);
  }

  @Test
  void verifierRules() throws Exception {
    NoteSigner mine = NoteSigner.of(ORIGIN, TlogFixtures.seedKey());
    NoteSigner other = NoteSigner.of(ORIGIN, FuzzKeys.ed25519());
    NoteSigner ecdsa = NoteSigner.of("witness.example/w1", FuzzKeys.p256());
    String body = new Checkpoint(ORIGIN, 9, ROOT).body();
    NoteVerifier v = new NoteVerifier(List.of(mine.noteKey()));

    // An unknown key (same name, other ID) is ignored; the known one verifies.
    SignedNote both = NoteSigner.sign(body, List.of(other, ecdsa, mine));
    assertThat(v.verify(both)).containsExactly(mine.noteKey());

    // Only unknown keys: refused.
    SignedNote strangers = NoteSigner.sign(body, List.of(other, ecdsa));
    assertThatThrownBy(() -> v.verify(strangers))
        .isInstanceOf(TlogException.class)
        .hasMessage("no trusted log key signed the note (trusted: example.com/audit-log+07499b2d)");

    // A known key's bad signature rejects the whole note, even beside a good one.
    SignedNote.Signature good = mine.sign(body);
    byte[] bad = good.signature();
    bad[0] ^= 1;
    SignedNote forged =
        new SignedNote(body, List.of(good, new SignedNote.Signature(ORIGIN, good.keyId(), bad)));
    assertThatThrownBy(() -> v.verify(forged))
        .isInstanceOf(TlogException.class)
        .hasMessageContaining("does not verify");
    // Another body under the same signature.
    SignedNote moved = new SignedNote(new Checkpoint(ORIGIN, 10, ROOT).body(), List.of(good));
    assertThatThrownBy(() -> v.verify(moved)).isInstanceOf(TlogException.class);
    // Several trusted keys: each that signed is reported.
    assertThat(new NoteVerifier(List.of(mine.noteKey(), ecdsa.noteKey())).verify(both))
        .containsExactly(ecdsa.noteKey(), mine.noteKey());
  }

  @Test
  void noteFormatRoundTrips() throws Exception {
    String text = "a\n\nb\n";
    SignedNote n = NoteSigner.sign(text, List.of(NoteSigner.of(ORIGIN, TlogFixtures.seedKey())));
    SignedNote back = SignedNote.parse(n.format().getBytes(StandardCharsets.UTF_8), "n");
    assertThat(back).isEqualTo(n);
    assertThat(back.text()).isEqualTo(text); // the LAST blank line separates
    assertThat(back.format()).isEqualTo(n.format());
    assertThat(back.signatures().getFirst().toString())
        .isEqualTo("Signature[" + ORIGIN + "+07499b2d]");
  }

  @Test
  void malformedNotesAreRefused() {
    String sig = "— k AAAAAAE=\n";
    refused("no blank line\n" + sig, "no blank line");
    refused("t\n\n", "no signature lines");
    refused("t\n\n— k AAAAAAE=", "no newline");
    refused("t\n\n- k AAAAAAE=\n", "does not start with");
    refused("t\n\n— kAAAAAAE=\n", "no space");
    refused("t\n\n— k+x AAAAAAE=\n", "key name");
    refused("t\n\n—  AAAAAAE=\n", "key name");
    refused("t\n\n— k AAAAAA==\n", "4-byte key ID");
    refused("t\n\n— k AAAAAAE\n", "base64");
    refused("t\n\n— k AAAAAAF=\n", "canonical");
    refused("t\r\n\n" + sig, "control character");
    refused("t\t\n\n" + sig, "control character");
    refused("t\uD800\n\n" + sig, "not valid UTF-8");
    refused("t\uDC00x\n\n" + sig, "not valid UTF-8");
    refused("t\n\n" + sig.repeat(InputLimits.MAX_NOTE_SIGNATURES + 1), "more than 100");
    assertThat(parses("t\n\n" + sig.repeat(InputLimits.MAX_NOTE_SIGNATURES)).signatures())
        .hasSize(100);
    assertThat(parses("\uD83D\uDE00\n\n" + sig).text()).isEqualTo("\uD83D\uDE00\n");
    String big = "x".repeat(InputLimits.MAX_NOTE_BYTES) + "\n\n" + sig;
    refused(big, "larger than");
    assertThatThrownBy(() -> SignedNote.parse(new byte[] {'t', (byte) 0xff, '\n', '\n'}, "n"))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("invalid UTF-8");
    assertThatThrownBy(() -> SignedNote.parse(new byte[InputLimits.MAX_NOTE_BYTES + 1], "n"))
        .hasMessageContaining("larger than");
  }

  @Test
  void checkpointsParseStrictly() throws InputException {
    String root = Base64.getEncoder().encodeToString(ROOT);
    Checkpoint cp = Checkpoint.parse("o\n0\n" + root + "\next one\n", "c");
    assertThat(cp.extensions()).containsExactly("ext one");
    assertThat(cp.body()).isEqualTo("o\n0\n" + root + "\next one\n");
    assertThat(Checkpoint.parse("o\n18446744073709551615\n" + root + "\n", "c").size())
        .isEqualTo(-1L);
    cpRefused("o\n1\n" + root, "newline");
    cpRefused("o\n1\n", "needs an origin");
    cpRefused("\n1\n" + root + "\n", "origin");
    cpRefused("o\n01\n" + root + "\n", "leading zeros");
    cpRefused("o\n-1\n" + root + "\n", "decimal");
    cpRefused("o\n18446744073709551616\n" + root + "\n", "2^64");
    cpRefused("o\n1\nAAAA\n", "32 bytes");
    cpRefused("o\n1\n" + root + "\n\n", "extension");
    assertThatThrownBy(() -> new Checkpoint("", 1, ROOT))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Checkpoint("o", 1, new byte[3]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Checkpoint("o", 1, ROOT, List.of("")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new Checkpoint("o", 1, ROOT))
        .isEqualTo(Checkpoint.parse(new Checkpoint("o", 1, ROOT).body(), "c"));
    assertThat(new Checkpoint("o", 1, ROOT).toString()).startsWith("Checkpoint[o size 1 root ");
  }

  @Test
  void vkeysParseStrictly() {
    String good = VectorsTest.VKEY;
    vkeyRefused("example.com/audit-log+07499b2d", "<name>+");
    vkeyRefused("+07499b2d+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4", "key name");
    vkeyRefused(good.replace("07499b2d", "07499B2D"), "8 lowercase hex");
    vkeyRefused(good.replace("07499b2d", "07499b2e"), "the key's ID is 07499b2d");
    vkeyRefused(good.replace("+AQOh", "+AgOh"), "not a valid public key");
    vkeyRefused("n+00000000+AQ==", "too short");
    vkeyRefused("n+00000000+AQAA", "32 bytes");
    vkeyRefused("n+00000000+BQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4", "type 0x05");
    vkeyRefused("n+00000000+" + "A".repeat(InputLimits.MAX_VKEY_CHARS), "longer than");
    vkeyRefused("n+00000000+!", "base64");
  }

  @Test
  void p384VkeysAreRefused() throws Exception {
    var gen = java.security.KeyPairGenerator.getInstance("EC");
    gen.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
    byte[] spki = gen.generateKeyPair().getPublic().getEncoded();
    String vkey = "n+00000000+" + Base64.getEncoder().encodeToString(concat(new byte[] {2}, spki));
    vkeyRefused(vkey, "P-256");
  }

  static SignedNote parses(String note) {
    try {
      return SignedNote.parse(note, "n");
    } catch (InputException e) {
      throw new AssertionError(e);
    }
  }

  static void refused(String note, String why) {
    assertThatThrownBy(() -> SignedNote.parse(note, "n"))
        .isInstanceOf(InputException.class)
        .hasMessageContaining(why);
  }

  static void cpRefused(String text, String why) {
    assertThatThrownBy(() -> Checkpoint.parse(text, "c"))
        .isInstanceOf(InputException.class)
        .hasMessageContaining(why);
  }

  static void vkeyRefused(String vkey, String why) {
    assertThatThrownBy(() -> NoteKey.parse(vkey, "vkey"))
        .isInstanceOf(InputException.class)
        .hasMessageContaining(why);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
