package dev.signet.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.signet.input.InputException;
import dev.signet.json.JsonObject;
import dev.signet.keys.KeyException;
import dev.signet.keys.KeyRef;
import dev.signet.testing.FuzzChecks;
import dev.signet.tlog.Receipt;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Fuzzes what the client reads from the network: the service's error bodies, its signing answers
 * (receipt and audit entry) and GitHub's token answer.
 *
 * <p>Properties: every refusal is a typed one-line {@link KeyException}; an error message starts
 * with the service's name, stays bounded and never shows anything shaped like a token, whatever the
 * server echoes; a 403 {@code denied} (and only that) is a policy refusal; an accepted receipt is
 * one {@code signet audit verify} reads.
 */
class ServiceAnswersFuzzTest {
  private static final Pattern TOKEN =
      Pattern.compile("eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*\\.|sg[pa]_[A-Za-z0-9_-]");
  private static final ServiceClient CLIENT = client();

  private static ServiceClient client() {
    try {
      return ServiceClient.connect(
          new KeyRef.Service("127.0.0.1", 8443, "payments", "release"),
          new ServiceClient.Settings(
              Map.of(),
              null,
              ServiceClient.Settings.DEFAULT_APPROVAL_TIMEOUT,
              new PrintWriter(new StringWriter())));
    } catch (KeyException e) {
      throw new IllegalStateException(e);
    }
  }

  @FuzzTest
  void errorBody(int status, @NotNull String body) {
    int code = 400 + Math.floorMod(status, 200);
    KeyException e = CLIENT.errorOf(code, body.getBytes(StandardCharsets.UTF_8));
    FuzzChecks.typed(e);
    String m = e.getMessage();
    assertThat(m).startsWith("signet://127.0.0.1/payments/release: HTTP " + code);
    assertThat(m.length()).isLessThan(1200);
    assertThat(TOKEN.matcher(m).find()).as(m).isFalse();
    if (e.getCause() instanceof PolicyDeniedException) {
      assertThat(code).isEqualTo(403);
    }
  }

  @FuzzTest
  void signingAnswer(@NotNull String body) throws InputException {
    JsonObject o;
    try {
      o = CLIENT.parseObject(body);
    } catch (KeyException e) {
      FuzzChecks.typed(e);
      return;
    }
    ServiceReceipt r;
    try {
      r = CLIENT.receiptOf(o, "fuzz");
    } catch (KeyException e) {
      FuzzChecks.typed(e);
      return;
    }
    assertThat(Receipt.parse(r.receiptJson(), "receipt")).isNotNull();
  }

  @FuzzTest
  void githubAnswer(@NotNull String body) {
    try {
      assertThat(CiIdentity.githubValue(body, "GitHub")).isNotNull();
    } catch (KeyException e) {
      FuzzChecks.typed(e);
    }
  }
}
