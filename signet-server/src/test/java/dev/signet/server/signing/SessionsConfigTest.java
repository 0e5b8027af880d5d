package dev.signet.server.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.signet.server.ConfigReader;
import dev.signet.server.ServerException;
import dev.signet.server.session.SessionLimits;
import dev.signet.server.session.Sessions;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SessionsConfigTest {
  static Sessions.Settings parse(String yaml) throws ServerException {
    return SessionsConfig.parse(
        ConfigReader.parse(yaml, "signet.yaml", Path.of("/base")).otherSections().get("sessions"),
        "signet.yaml");
  }

  static String refusal(String yaml) {
    Throwable t = catchThrowable(() -> parse(yaml));
    assertThat(t).isInstanceOf(ServerException.class);
    assertThat(t.getMessage()).doesNotContain("\n");
    return t.getMessage();
  }

  @Test
  void withoutTheSectionSessionsAreOnWithTheHardBounds() throws Exception {
    assertThat(parse("log: { level: info }\n")).isEqualTo(Sessions.Settings.defaults());
    assertThat(Sessions.Settings.defaults().maxTtl()).isEqualTo(SessionLimits.MAX_TTL);
  }

  @Test
  void anOperatorTightensOrDisables() throws Exception {
    Sessions.Settings s = parse("sessions:\n  maxTtl: 2m\n  maxUses: 50\n");
    assertThat(s.enabled()).isTrue();
    assertThat(s.maxTtl()).isEqualTo(Duration.ofMinutes(2));
    assertThat(s.maxUses()).isEqualTo(50);
    assertThat(parse("sessions: { enabled: false }\n").enabled()).isFalse();
    assertThat(parse("sessions: { maxTtl: PT90S }\n").maxTtl()).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void widerBoundsUnknownSettingsAndBadValuesAreRefusedWithTheirLine() {
    assertThat(refusal("sessions:\n  maxTtl: 16m\n"))
        .isEqualTo("signet.yaml:2:11: sessions.maxTtl must be from 1s to 15m");
    assertThat(refusal("sessions:\n  maxUses: 100001\n"))
        .isEqualTo("signet.yaml:2:12: sessions.maxUses must be a whole number from 1 to 100000");
    assertThat(refusal("sessions: { maxUses: 0 }\n")).contains("sessions.maxUses must be");
    assertThat(refusal("sessions: { maxUses: -3 }\n")).contains("sessions.maxUses must be");
    assertThat(refusal("sessions: { maxTtl: 0s }\n")).contains("sessions.maxTtl must be");
    assertThat(refusal("sessions: { maxTtl: soon }\n"))
        .contains("sessions.maxTtl: expected a duration");
    assertThat(refusal("sessions: { enabled: yes please }\n"))
        .contains("sessions.enabled: expected true or false");
    assertThat(refusal("sessions: { ttl: 5m }\n"))
        .contains("sessions: unknown setting ttl (known: enabled, maxTtl, maxUses)");
    assertThat(refusal("sessions: [on]\n")).contains("sessions must be a mapping");
  }
}
