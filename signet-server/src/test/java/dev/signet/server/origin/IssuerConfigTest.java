package dev.signet.server.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.server.origin.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IssuerConfigTest {
  static final String AUD = "https://sign.example.com";

  @Test
  void presetDefaults() throws Exception {
    IssuerConfig c =
        IssuerConfig.builder(IssuerPreset.GITHUB)
            .audience(AUD)
            .pin("repository_owner_id", "1")
            .build();
    assertThat(c.name()).isEqualTo("github");
    assertThat(c.issuer()).isEqualTo("https://token.actions.githubusercontent.com");
    assertThat(c.leeway()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.maxTokenAge()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.singleUse()).isTrue();
    assertThat(c.algorithms()).containsExactlyInAnyOrder("RS256", "ES256");
    IssuerConfig bk =
        IssuerConfig.builder(IssuerPreset.BUILDKITE)
            .audience(AUD)
            .pin("organization_id", "0190")
            .build();
    assertThat(bk.issuer()).isEqualTo("https://agent.buildkite.com");
    IssuerConfig gl =
        IssuerConfig.builder(IssuerPreset.GITLAB).audience(AUD).pin("namespace_id", "42").build();
    assertThat(gl.issuer()).isEqualTo("https://gitlab.com");
  }

  @Test
  void claimVocabularies() throws Exception {
    IssuerConfig gh =
        IssuerConfig.builder(IssuerPreset.GITHUB)
            .audience(AUD)
            .pin("repository_owner_id", "1")
            .build();
    assertThat(gh.knowsClaim("job_workflow_ref")).isTrue();
    assertThat(gh.knowsClaim("repo_property_team")).isTrue();
    assertThat(gh.knowsClaim("repo_property_")).isFalse();
    assertThat(gh.knowsClaim("jti")).isTrue();
    assertThat(gh.knowsClaim("pipeline_slug")).isFalse();
    assertThat(IssuerPreset.BUILDKITE.knowsClaim("agent_tag:queue")).isTrue();
    assertThat(IssuerPreset.GITLAB.knowsClaim("ref_protected")).isTrue();
    IssuerConfig custom =
        IssuerConfig.builder("jenkins", "https://jenkins.example.com/oidc").audience(AUD).build();
    assertThat(custom.knowsClaim("anything")).as("a custom issuer has no vocabulary").isTrue();
  }

  @Test
  void everySharedIssuerNeedsATenantPin() {
    for (IssuerPreset p : IssuerPreset.values()) {
      assertThatThrownBy(() -> IssuerConfig.builder(p).audience(AUD).build())
          .isInstanceOf(OriginConfigException.class)
          .hasMessageContaining("tenant pin");
    }
  }

  @Test
  void pinOnAClaimTheSystemDoesNotSendIsRefused() {
    assertThatThrownBy(() ->
            IssuerConfig.builder(IssuerPreset.BUILDKITE)
                .audience(AUD)
                .pin("organization_slug", "acme")
                .pin("organisation", "acme")
                .build())
        .isInstanceOf(OriginConfigException.class)
        .hasMessageContaining("organisation");
  }

  @Test
  void symmetricAndNoneAlgorithmsAreRefused() {
    for (String alg : new String[] {"HS256", "none", "EdDSA", ""}) {
      assertThatThrownBy(() -> custom().algorithms(alg).build())
          .isInstanceOf(OriginConfigException.class)
          .hasMessageContaining("not allowed");
    }
  }

  @Test
  void leewayAndAgeAreBounded() throws Exception {
    custom().leeway(Duration.ofSeconds(60)).build();
    assertThatThrownBy(() -> custom().leeway(Duration.ofSeconds(61)).build())
        .isInstanceOf(OriginConfigException.class);
    assertThatThrownBy(() -> custom().leeway(Duration.ofSeconds(-1)).build())
        .isInstanceOf(OriginConfigException.class);
    assertThatThrownBy(() -> custom().maxTokenAge(Duration.ZERO).build())
        .isInstanceOf(OriginConfigException.class);
    assertThatThrownBy(() -> custom().maxTokenAge(Duration.ofHours(3)).build())
        .isInstanceOf(OriginConfigException.class);
  }

  @Test
  void issuerMustBeHttpsUnlessLoopbackIsAllowed() throws Exception {
    assertThatThrownBy(
            () -> IssuerConfig.builder("t", "http://127.0.0.1:8080").audience(AUD).build())
        .isInstanceOf(OriginConfigException.class)
        .hasMessageContaining("https");
    IssuerConfig.builder("t", "http://127.0.0.1:8080")
        .audience(AUD)
        .allowInsecureLoopback(true)
        .build();
    assertThatThrownBy(() ->
            IssuerConfig.builder("t", "http://ci.example.com")
                .audience(AUD)
                .allowInsecureLoopback(true)
                .build())
        .isInstanceOf(OriginConfigException.class);
    assertThatThrownBy(
            () -> IssuerConfig.builder("t", "https://ci.example.com?x=1").audience(AUD).build())
        .isInstanceOf(OriginConfigException.class);
    assertThatThrownBy(() -> IssuerConfig.builder("t", "https://ci.example.com").build())
        .isInstanceOf(OriginConfigException.class)
        .hasMessageContaining("audience");
  }

  @Test
  void replayGuardForgetsExpiredEntriesAndFailsClosedWhenFull() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-22T00:00:00Z"));
    InMemoryReplayGuard guard = new InMemoryReplayGuard(2, clock);
    Instant until = clock.instant().plusSeconds(60);
    assertThat(guard.firstUse("i", "a", until)).isTrue();
    assertThat(guard.firstUse("i", "a", until)).isFalse();
    assertThat(guard.firstUse("j", "a", until)).as("per issuer").isTrue();
    assertThatThrownBy(() -> guard.firstUse("i", "b", until))
        .isInstanceOf(OriginException.class)
        .extracting(e -> ((OriginException) e).reason())
        .isEqualTo(OriginException.Reason.REPLAY_GUARD_UNAVAILABLE);
    clock.advance(Duration.ofSeconds(61));
    assertThat(guard.firstUse("i", "b", until.plusSeconds(60))).isTrue();
    assertThat(guard.size()).isEqualTo(1);
  }

  @Test
  void cacheControlMaxAge() {
    assertThat(Fetcher.maxAge("public, max-age=3600")).contains(Duration.ofHours(1));
    assertThat(Fetcher.maxAge("max-age=\"60\", must-revalidate")).contains(Duration.ofMinutes(1));
    assertThat(Fetcher.maxAge("no-store")).contains(Duration.ZERO);
    assertThat(Fetcher.maxAge("s-maxage=5")).isEmpty();
    assertThat(Fetcher.maxAge("max-age=abc")).isEmpty();
    assertThat(Fetcher.maxAge("")).isEmpty();
  }

  private static IssuerConfig.Builder custom() {
    return IssuerConfig.builder("custom", "https://ci.example.com").audience(AUD);
  }
}
