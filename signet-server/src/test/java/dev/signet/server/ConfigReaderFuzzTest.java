package dev.signet.server;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.signet.server.custody.CustodyKind;
import dev.signet.testing.FuzzChecks;
import java.nio.file.Path;

/**
 * Fuzzes the configuration reader. Properties: it returns a configuration or refuses with a typed
 * one-line {@link ServerException}; a configuration it returns names only the sections it knows or
 * keeps for others; HSM keys by default come with a token, and a refusal never repeats a PIN.
 */
class ConfigReaderFuzzTest {
  @FuzzTest
  void parse(@NotNull String text) {
    ServerConfig c;
    try {
      c = ConfigReader.parse(text, "fuzz.yaml", Path.of("/base"));
    } catch (ServerException e) {
      FuzzChecks.typed(e);
      String m = String.valueOf(e.getMessage());
      if (m.contains("custody.hsm.pin") && m.contains("s3cret-pin")) {
        throw new AssertionError("a refusal repeats the PIN: " + e.getMessage());
      }
      return;
    }
    if (c.custody().keys() == CustodyKind.HSM && c.custody().hsm() == null) {
      throw new AssertionError("custody.keys: hsm without a token");
    }
    if (!ConfigReader.OTHER_SECTIONS.containsAll(c.otherSections().keySet())) {
      throw new AssertionError("kept an unknown section: " + c.otherSections().keySet());
    }
  }
}
