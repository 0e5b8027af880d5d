package dev.signet.server;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.signet.testing.FuzzChecks;
import java.nio.file.Path;

/**
 * Fuzzes the configuration reader. Properties: it returns a configuration or refuses with a typed
 * one-line {@link ServerException}; a configuration it returns names only the sections it knows or
 * keeps for others.
 */
class ConfigReaderFuzzTest {
  @FuzzTest
  void parse(@NotNull String text) {
    ServerConfig c;
    try {
      c = ConfigReader.parse(text, "fuzz.yaml", Path.of("/base"));
    } catch (ServerException e) {
      FuzzChecks.typed(e);
      return;
    }
    if (!ConfigReader.OTHER_SECTIONS.containsAll(c.otherSections().keySet())) {
      throw new AssertionError("kept an unknown section: " + c.otherSections().keySet());
    }
  }
}
