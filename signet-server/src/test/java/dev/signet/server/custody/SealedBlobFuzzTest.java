package dev.signet.server.custody;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.signet.keys.Algorithm;
import dev.signet.testing.FuzzChecks;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * Fuzzes opening a sealed key: the blob comes from the database, which custody does not trust.
 *
 * <p>Properties: every input that is not exactly a blob this master key sealed for this row is
 * refused with a typed one-line {@link CustodyException} ({@code UNSEAL_FAILED}) that does not
 * contain the master key; a fuzzed edit of a real blob never opens to anything.
 */
class SealedBlobFuzzTest {
  private static final byte[] KEY = HexFormat.of().parseHex("00".repeat(31) + "2a");
  private static final SealBinding ROW = new SealBinding("acme", "release", 1, Algorithm.EdDSA);
  private static final byte[] SECRET = "secret".getBytes(StandardCharsets.UTF_8);

  @FuzzTest
  void open(byte @NotNull [] input) throws Exception {
    try (SoftwareMasterKey m = SoftwareMasterKey.of(KEY)) {
      check(m, input);
      // Splice the input into a genuine blob, so the fuzzer reaches the GCM tag check too.
      byte[] real = m.seal(ROW, SECRET);
      byte[] spliced = real.clone();
      System.arraycopy(
          input,
          0,
          spliced,
          SealedBlob.HEADER_BYTES,
          Math.min(input.length, spliced.length - SealedBlob.HEADER_BYTES));
      if (!java.security.MessageDigest.isEqual(spliced, real)) {
        check(m, spliced);
      }
    }
  }

  private static void check(SoftwareMasterKey m, byte[] blob) {
    try {
      m.open(ROW, blob);
      throw new AssertionError("an unsealed forgery");
    } catch (CustodyException e) {
      FuzzChecks.typed(e, List.of(HexFormat.of().formatHex(KEY)));
      assertThat(e.reason()).isEqualTo(CustodyException.Reason.UNSEAL_FAILED);
    }
  }
}
