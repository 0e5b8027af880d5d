package dev.signet.server.policy;

import dev.signet.server.origin.IssuerPreset;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The origin package's presets as policy vocabularies, plus a private single-tenant issuer. */
public final class TestVocabularies {
  private TestVocabularies() {}

  public static final IssuerVocabularies.Vocabulary GITHUB =
      IssuerVocabularies.Vocabulary.of(IssuerPreset.GITHUB);

  public static final IssuerVocabularies.Vocabulary BUILDKITE =
      IssuerVocabularies.Vocabulary.of(IssuerPreset.BUILDKITE);

  public static final IssuerVocabularies.Vocabulary GITLAB =
      IssuerVocabularies.Vocabulary.of(IssuerPreset.GITLAB);

  /** A private issuer (one tenant): no tenant claim to pin. */
  public static final IssuerVocabularies.Vocabulary PRIVATE =
      new IssuerVocabularies.Vocabulary(Set.of(), Set.of("ref", "team"), Set.of());

  public static final IssuerVocabularies ALL =
      name ->
          Optional.ofNullable(
              Map.of("github", GITHUB, "buildkite", BUILDKITE, "gitlab", GITLAB, "private", PRIVATE)
                  .get(name));
}
