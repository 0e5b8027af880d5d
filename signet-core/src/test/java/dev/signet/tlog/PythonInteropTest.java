package dev.signet.tlog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.testing.Interop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints across implementations: Python's {@code cryptography} (OpenSSL's Ed25519) signs a
 * checkpoint body that we verify as a note, and verifies the §4.6 checkpoint vector and one we
 * sign. Python is found as the other interop tests find it ({@code SIGNET_PYTHON} or python3); a
 * missing Python is a failure with instructions, never a skip.
 */
class PythonInteropTest {
  static final String SCRIPT =
      """
      import base64, sys
      from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
      mode, path = sys.argv[1], sys.argv[2]
      data = open(path, 'rb').read()
      if mode == 'sign':
          key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
          sys.stdout.write(base64.b64encode(key.sign(data)).decode())
      else:
          pub = Ed25519PublicKey.from_public_bytes(bytes.fromhex(sys.argv[3]))
          text, sigs = data.decode('utf-8').rsplit('\\n\\n', 1)
          text += '\\n'
          blob = base64.b64decode(sigs.split(' ')[2])
          pub.verify(blob[4:], text.encode('utf-8'))
          sys.stdout.write('ok ' + blob[:4].hex())
      """;

  @TempDir Path dir;

  @Test
  void pythonSignsWeVerifyAndViceVersa() throws Exception {
    String python = Interop.python("cryptography");
    Path script = dir.resolve("note.py");
    Files.writeString(script, SCRIPT);

    // Python signs the body of a 5-leaf checkpoint; we assemble and verify the note.
    var tree = TlogFixtures.MemoryTree.of(TlogFixtures.D.subList(0, 5));
    Checkpoint cp = new Checkpoint(TlogFixtures.ORIGIN, 5, LogTree.root(tree, 5));
    Path body = dir.resolve("body");
    Files.writeString(body, cp.body());
    Interop.Result signed =
        Interop.run(dir, List.of(python, script.toString(), "sign", body.toString()));
    assertThat(signed.exit()).as(signed.stderr()).isZero();
    byte[] sig = java.util.Base64.getDecoder().decode(signed.stdout().strip());
    NoteKey key = NoteKey.parse(VectorsTest.VKEY, "vkey");
    SignedNote note =
        new SignedNote(cp.body(), List.of(new SignedNote.Signature(key.name(), key.keyId(), sig)));
    assertThat(new NoteVerifier(List.of(key)).verifyCheckpoint(note.format(), "python"))
        .isEqualTo(cp);
    // Ed25519 is deterministic: our signature is Python's, byte for byte.
    assertThat(NoteSigner.of(TlogFixtures.ORIGIN, TlogFixtures.seedKey()).sign(cp).format())
        .isEqualTo(note.format());

    // Python verifies the §4.6 vector and a note we sign over another tree.
    for (String n :
        List.of(
            VectorsTest.CHECKPOINT,
            NoteSigner.of(TlogFixtures.ORIGIN, TlogFixtures.seedKey())
                .sign(new Checkpoint(TlogFixtures.ORIGIN, 3, LogTree.root(tree, 3)))
                .format())) {
      Path file = dir.resolve("note");
      Files.writeString(file, n);
      Interop.Result v =
          Interop.run(
              dir,
              List.of(python, script.toString(), "verify", file.toString(), key.keyBytesHex()));
      assertThat(v.exit()).as(v.stderr()).isZero();
      assertThat(v.stdout()).isEqualTo("ok 07499b2d");
    }
  }
}
