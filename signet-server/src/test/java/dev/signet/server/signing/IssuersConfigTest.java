package dev.signet.server.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.signet.server.ConfigReader;
import dev.signet.server.ServerException;
import dev.signet.server.origin.IssuerConfig;
import dev.signet.server.origin.IssuerPreset;
import dev.signet.server.policy.IssuerVocabularies;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class IssuersConfigTest {
  static List<IssuerConfig> parse(String yaml) throws ServerException {
    return IssuersConfig.parse(
        ConfigReader.parse(yaml, "signet.yaml", Path.of("/base")).otherSections().get("issuers"),
        "signet.yaml");
  }

  static String refusal(String yaml) {
    Throwable t = catchThrowable(() -> parse(yaml));
    assertThat(t).isInstanceOf(ServerException.class);
    return t.getMessage();
  }

  @Test
  void presetsCustomIssuersAndRenamedPresets() throws Exception {
    List<IssuerConfig> issuers =
        parse(
            """
            issuers:
              github:
                audience: https://signet.example.com
                pins: { repository_owner_id: "123456" }
              ghes:
                preset: github
                issuer: https://ghes.example.com/_services/token
                audience: signet
                pins: { enterprise_id: "7" }
                leeway: 10s
              jenkins:
                issuer: https://jenkins.example.com/oidc
                audience: [signet, signet-b]
                algorithms: [RS256]
                singleUse: false
            """);
    assertThat(issuers).extracting(IssuerConfig::name).containsExactly("github", "ghes", "jenkins");
    assertThat(issuers.get(0).preset()).isEqualTo(IssuerPreset.GITHUB);
    assertThat(issuers.get(0).issuer()).isEqualTo("https://token.actions.githubusercontent.com");
    assertThat(issuers.get(1).preset()).isEqualTo(IssuerPreset.GITHUB);
    assertThat(issuers.get(1).issuer()).isEqualTo("https://ghes.example.com/_services/token");
    assertThat(issuers.get(1).leeway()).isEqualTo(Duration.ofSeconds(10));
    assertThat(issuers.get(2).preset()).isNull();
    assertThat(issuers.get(2).audiences()).containsExactlyInAnyOrder("signet", "signet-b");
    assertThat(issuers.get(2).singleUse()).isFalse();

    IssuerVocabularies v = SigningService.vocabularies(issuers);
    assertThat(v.find("github").orElseThrow().knows("job_workflow_ref")).isTrue();
    assertThat(v.find("github").orElseThrow().knows("nonsense")).isFalse();
    assertThat(v.find("github").orElseThrow().tenantClaims()).contains("repository_owner_id");
    assertThat(v.find("jenkins").orElseThrow().knows("anything")).isTrue();
    assertThat(v.find("nope")).isEmpty();
  }

  @Test
  void refusalsNameFileLineAndColumn() {
    assertThat(refusal("issuers:\n  github:\n    audience: a\n    pinz: {}\n"))
        .startsWith("signet.yaml:4:5: issuer github: unknown key pinz");
    assertThat(refusal("issuers:\n  github:\n    audience: a\n"))
        .startsWith("signet.yaml:3:5:")
        .contains("tenant");
    assertThat(refusal("issuers:\n  x:\n    preset: circleci\n    audience: a\n"))
        .contains("unknown preset circleci");
    assertThat(refusal("issuers:\n  jenkins:\n    audience: a\n"))
        .contains("give preset (github, buildkite, gitlab) or issuer");
    assertThat(refusal("issuers:\n  j:\n    issuer: https://j.example\n"))
        .contains("audience is required");
    assertThat(
            refusal(
                "issuers:\n  j:\n    issuer: https://j.example\n    audience: a\n"
                    + "    algorithms: HS256\n"))
        .startsWith("signet.yaml:3:5:");
    assertThat(refusal("issuers:\n  j:\n    issuer: http://j.example\n    audience: a\n"))
        .startsWith("signet.yaml:3:5:");
    assertThat(refusal("issuers: [a, b]\n")).startsWith("signet.yaml:1:10:");
    assertThat(
            refusal(
                "issuers:\n  j:\n    issuer: https://j.example\n    audience: a\n"
                    + "    leeway: soon\n"))
        .contains("leeway: expected a duration");
  }
}
