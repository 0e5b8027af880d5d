package dev.signet.server.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping the server closes its modules: unsealed custody keys are wiped and refuse to sign. */
class SigningModuleCloseTest {
  @Test
  void closingTheServerClosesCustody(@TempDir Path tmp) throws Exception {
    Path config = Files.writeString(tmp.resolve("signet.yaml"), "projects:\n");
    ApiHarness h = new ApiHarness(tmp, config);
    SigningService service;
    try {
      HttpResponse<String> r =
          h.post(
              "/v1/admin/projects/acme/keys",
              h.adminToken,
              Map.of("key", "release", "algorithm", "ES256"));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      service = Objects.requireNonNull(h.module.service());
      assertThat(service.custody().signingKey("acme", "release").signDigest(new byte[32]))
          .isNotEmpty();
    } finally {
      h.close();
    }
    assertThatThrownBy(() -> service.custody().signingKey("acme", "release"))
        .hasMessageContaining("custody is closed");
  }
}
