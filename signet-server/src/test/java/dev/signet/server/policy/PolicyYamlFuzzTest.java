package dev.signet.server.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.signet.input.InputException;
import dev.signet.testing.FuzzChecks;

/**
 * Fuzzes the policy reader (YAML → tree → validated {@link PolicySet}) with the GitHub, Buildkite
 * and GitLab vocabularies.
 *
 * <p>Properties: refusals are one-line {@link InputException}s that hide no unexpected exception;
 * an accepted policy's canonical JSON parses again (as YAML, which JSON is) to an equal set with
 * the same version hash, and its canonical form is a fixed point; every OIDC rule on a shared
 * issuer pins a tenant claim to exact values.
 */
class PolicyYamlFuzzTest {

  @DictionaryEntries({
    "projects:",
    "keys:",
    "operations:",
    "rules:",
    "- name: ",
    "oidc:",
    "issuer: github",
    "issuer: buildkite",
    "issuer: gitlab",
    "claims:",
    "repository_owner_id: ",
    "organization_id: ",
    "namespace_id: ",
    "ref: ",
    "refs/tags/v*",
    "**",
    "\\*",
    "mtls:",
    "caSha256: ",
    "subject:",
    "templateOid: ",
    "token: true",
    "pipeline: {stepKey: ",
    "approval: {role: r, quorum: 2, expires: 1h}",
    "grant: {ttl: 10m, maxSignatures: 5}",
    "rateLimit: 60/min",
    "&a ",
    "*a",
    "!!str ",
    "digest",
    "pipeline"
  })
  @FuzzTest
  void parse(@NotNull String text) throws InputException {
    PolicySet set;
    try {
      set = PolicySet.parse(text, "fuzz.yaml", TestVocabularies.ALL);
    } catch (InputException e) {
      FuzzChecks.typed(e);
      return;
    }
    String canonical = set.canonicalJson();
    PolicySet again = PolicySet.parse(canonical, "canonical.json", TestVocabularies.ALL);
    assertThat(again).isEqualTo(set);
    assertThat(again.version()).isEqualTo(set.version());
    assertThat(again.canonicalJson()).isEqualTo(canonical);
    for (ProjectPolicy p : set.projects().values()) {
      for (Rule r : p.rules()) {
        if (r.oidc() != null) {
          var vocabulary = TestVocabularies.ALL.find(r.oidc().issuer()).orElseThrow();
          if (!vocabulary.tenantClaims().isEmpty()) {
            assertThat(r.oidc().tenantPins()).isNotEmpty();
            for (String pin : r.oidc().tenantPins()) {
              assertThat(r.oidc().claims().get(pin).isExact()).isTrue();
            }
          }
        }
      }
    }
  }
}
