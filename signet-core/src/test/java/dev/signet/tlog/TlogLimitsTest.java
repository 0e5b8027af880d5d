package dev.signet.tlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Each transparency-log limit in {@link InputLimits}: accepted at the limit, refused past it. */
class TlogLimitsTest {
  static final String SIG = "— k AAAAAAE=\n";

  @Test
  void noteBytes() throws InputException {
    String at =
        "x".repeat(InputLimits.MAX_NOTE_BYTES - 2 - SIG.getBytes(StandardCharsets.UTF_8).length)
            + "\n\n"
            + SIG;
    assertThat(at.getBytes(StandardCharsets.UTF_8)).hasSize(InputLimits.MAX_NOTE_BYTES);
    assertThat(SignedNote.parse(at.getBytes(StandardCharsets.UTF_8), "n").signatures()).hasSize(1);
    assertThatThrownBy(() -> SignedNote.parse("x" + at, "n"))
        .isInstanceOf(InputException.class)
        .hasMessage("n: a signed note is larger than 1048576 bytes");
  }

  @Test
  void proofHashes() throws InputException {
    String h = "\"" + Base64.getEncoder().encodeToString(new byte[32]) + "\"";
    String at =
        "{\"from\":1,\"to\":2,\"hashes\":["
            + (h + ",").repeat(InputLimits.MAX_PROOF_HASHES - 1)
            + h
            + "]}";
    assertThat(ConsistencyProof.parse(at, "p").hashes()).hasSize(InputLimits.MAX_PROOF_HASHES);
    String past = at.replace("[", "[" + h + ",");
    assertThatThrownBy(() -> ConsistencyProof.parse(past, "p"))
        .hasMessage("p: hashes: more than 65 hashes");
  }

  @Test
  void proofFileAndReceiptBytes() {
    String pad = " ".repeat(InputLimits.MAX_PROOF_FILE_BYTES - 2);
    assertThatThrownBy(() -> ConsistencyProof.parse("{" + pad + "}", "p"))
        .hasMessageContaining("p: from: missing");
    assertThatThrownBy(() -> ConsistencyProof.parse("{ " + pad + "}", "p"))
        .hasMessage("p: larger than 65536 bytes");
    String rpad = " ".repeat(InputLimits.MAX_RECEIPT_BYTES - 2);
    assertThatThrownBy(() -> Receipt.parse("{" + rpad + "}", "r")).hasMessageContaining("missing");
    assertThatThrownBy(() -> Receipt.parse("{ " + rpad + "}", "r"))
        .hasMessage("r: larger than 2097152 bytes");
  }

  @Test
  void leafBytes() throws Exception {
    byte[] at = "x".repeat(InputLimits.MAX_LOG_LEAF_BYTES).getBytes(StandardCharsets.UTF_8);
    assertThat(LogExport.read(new ByteArrayInputStream(LogExport.line(at)), "e").size())
        .isEqualTo(1);
    byte[] past = "x".repeat(InputLimits.MAX_LOG_LEAF_BYTES + 1).getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> LogExport.line(past)).isInstanceOf(TlogException.class);
  }

  @Test
  void vkeyChars() {
    String at = "n+00000000+" + "A".repeat(InputLimits.MAX_VKEY_CHARS - 11);
    assertThatThrownBy(() -> NoteKey.parse(at, "k")).hasMessageNotContaining("longer than");
    assertThatThrownBy(() -> NoteKey.parse(at + "A", "k")).hasMessageContaining("longer than 4096");
  }
}
