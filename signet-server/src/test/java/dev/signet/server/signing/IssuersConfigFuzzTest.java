package dev.signet.server.signing;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.signet.server.ConfigReader;
import dev.signet.server.ServerConfig;
import dev.signet.server.ServerException;
import dev.signet.server.origin.IssuerConfig;
import dev.signet.testing.FuzzChecks;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Fuzzes the {@code issuers:} section parser. Properties: it returns issuers or refuses with a
 * typed one-line {@link ServerException} naming the file; returned issuers have unique names, at
 * least one audience, and a preset one (a shared issuer) always pins a tenant.
 */
class IssuersConfigFuzzTest {
  @FuzzTest
  void parse(@NotNull String text) {
    ServerConfig c;
    try {
      c = ConfigReader.parse(text, "fuzz.yaml", Path.of("/base"));
    } catch (ServerException e) {
      return; // the configuration reader's own refusals are its fuzz test's business
    }
    List<IssuerConfig> issuers;
    try {
      issuers = IssuersConfig.parse(c.otherSections().get("issuers"), "fuzz.yaml");
    } catch (ServerException e) {
      FuzzChecks.typed(e);
      if (!String.valueOf(e.getMessage()).startsWith("fuzz.yaml:")) {
        throw new AssertionError("message does not name the file: " + e.getMessage());
      }
      return;
    }
    Set<String> names = new HashSet<>();
    for (IssuerConfig i : issuers) {
      if (!names.add(i.name())) {
        throw new AssertionError("two issuers named " + i.name());
      }
      if (i.audiences().isEmpty()) {
        throw new AssertionError(i.name() + " accepts any audience");
      }
      if (i.preset() != null && i.tenantPins().isEmpty()) {
        throw new AssertionError(i.name() + " is a shared issuer without a tenant pin");
      }
    }
  }
}
