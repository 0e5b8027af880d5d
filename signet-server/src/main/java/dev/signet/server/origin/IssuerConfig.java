package dev.signet.server.origin;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One trusted OIDC issuer. Build it with {@link #builder(IssuerPreset)} or {@link #builder(String,
 * String)}; {@link Builder#build()} refuses configs that would accept more than they should.
 *
 * @param name the name policies and audit entries use ({@code github}, {@code buildkite-acme})
 * @param issuer the exact {@code iss} string; tokens are matched to configs by equality
 * @param audiences the {@code aud} values accepted; a token must name exactly one of them
 * @param algorithms JWS {@code alg} names accepted, asymmetric only
 * @param leeway clock-skew allowance for {@code exp}, {@code nbf} and {@code iat}
 * @param maxTokenAge largest {@code now − iat}
 * @param tenantPins claims that must have exactly these values (the customer of a shared issuer)
 * @param singleUse whether each {@code jti} is accepted once only (then {@code jti} is required)
 * @param preset the CI system whose claim vocabulary applies, or null for a custom issuer (any
 *     claim name is accepted in policies then)
 * @param allowInsecureLoopback fetch discovery and keys over plain HTTP when the issuer is on the
 *     loopback interface; for tests only
 */
public record IssuerConfig(
    String name,
    String issuer,
    Set<String> audiences,
    Set<String> algorithms,
    Duration leeway,
    Duration maxTokenAge,
    Map<String, String> tenantPins,
    boolean singleUse,
    @Nullable IssuerPreset preset,
    boolean allowInsecureLoopback) {

  /** The algorithms an issuer may allow: RSA PKCS#1 v1.5, RSA-PSS and ECDSA. */
  public static final Set<String> ASYMMETRIC_ALGORITHMS =
      Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512");

  /** What GitHub, GitLab (RS256) and Buildkite (RS256 or ES256) sign with. */
  public static final Set<String> DEFAULT_ALGORITHMS = Set.of("RS256", "ES256");

  public IssuerConfig {
    audiences = Set.copyOf(audiences);
    algorithms = Set.copyOf(algorithms);
    tenantPins = Map.copyOf(tenantPins);
    String problem =
        problem(
            name,
            issuer,
            audiences,
            algorithms,
            leeway,
            maxTokenAge,
            tenantPins,
            preset,
            allowInsecureLoopback);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** Whether a policy for this issuer may name the claim. */
  public boolean knowsClaim(String claim) {
    return preset == null || preset.knowsClaim(claim);
  }

  /** A config for one of the known CI systems, with its public issuer URL. */
  public static Builder builder(IssuerPreset preset) {
    Builder b = new Builder(preset.presetName(), preset.issuer());
    b.preset = preset;
    return b;
  }

  /** A config for a self-hosted issuer (Jenkins, GHES without the preset, Dex …). */
  public static Builder builder(String name, String issuer) {
    return new Builder(name, issuer);
  }

  private static @Nullable String problem(
      String name,
      String issuer,
      Set<String> audiences,
      Set<String> algorithms,
      Duration leeway,
      Duration maxTokenAge,
      Map<String, String> tenantPins,
      @Nullable IssuerPreset preset,
      boolean allowInsecureLoopback) {
    String where = "issuer " + (name.isBlank() ? "<unnamed>" : name);
    if (name.isBlank()) {
      return "an issuer config needs a name";
    }
    URI uri;
    try {
      uri = new URI(issuer);
    } catch (java.net.URISyntaxException e) {
      return where + ": issuer is not a URL";
    }
    if (uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      return where + ": issuer must be an absolute URL with a host and no query or fragment";
    }
    boolean https = "https".equals(uri.getScheme());
    boolean loopbackHttp =
        "http".equals(uri.getScheme()) && allowInsecureLoopback && Fetcher.isLoopback(uri);
    if (!https && !loopbackHttp) {
      return where + ": issuer must be an https URL";
    }
    if (audiences.isEmpty() || audiences.stream().anyMatch(String::isBlank)) {
      return where + ": at least one non-empty audience is required";
    }
    if (algorithms.isEmpty()) {
      return where + ": at least one algorithm is required";
    }
    for (String alg : algorithms) {
      if (!ASYMMETRIC_ALGORITHMS.contains(alg)) {
        return where
            + ": algorithm "
            + alg
            + " is not allowed (only "
            + String.join(", ", ASYMMETRIC_ALGORITHMS.stream().sorted().toList())
            + "; never none or HS*)";
      }
    }
    if (leeway.isNegative() || leeway.compareTo(OriginLimits.MAX_LEEWAY) > 0) {
      return where + ": leeway must be between 0 and " + OriginLimits.MAX_LEEWAY.toSeconds() + " s";
    }
    if (!maxTokenAge.isPositive() || maxTokenAge.compareTo(OriginLimits.MAX_MAX_TOKEN_AGE) > 0) {
      return where
          + ": maximum token age must be positive and at most "
          + OriginLimits.MAX_MAX_TOKEN_AGE.toMinutes()
          + " min";
    }
    for (var pin : tenantPins.entrySet()) {
      if (pin.getValue().isBlank()) {
        return where + ": tenant pin " + pin.getKey() + " has an empty value";
      }
      if (preset != null && !preset.knowsClaim(pin.getKey())) {
        return where
            + ": tenant pin names claim "
            + pin.getKey()
            + ", which "
            + preset.presetName()
            + " tokens do not carry";
      }
    }
    if (preset != null && preset.tenantClaims().stream().noneMatch(tenantPins::containsKey)) {
      return where
          + ": the "
          + preset.presetName()
          + " issuer is shared by all its customers, so a tenant pin on "
          + String.join(" or ", preset.tenantClaims().stream().sorted().toList())
          + " is required";
    }
    return null;
  }

  /** Collects a config; {@link #build()} checks it. */
  public static final class Builder {
    private final String name;
    private String issuer;
    private final Set<String> audiences = new LinkedHashSet<>();
    private final Set<String> algorithms = new LinkedHashSet<>();
    private Duration leeway = OriginLimits.DEFAULT_LEEWAY;
    private Duration maxTokenAge = OriginLimits.DEFAULT_MAX_TOKEN_AGE;
    private final Map<String, String> tenantPins = new LinkedHashMap<>();
    private boolean singleUse = true;
    private @Nullable IssuerPreset preset;
    private boolean allowInsecureLoopback;

    private Builder(String name, String issuer) {
      this.name = name;
      this.issuer = issuer;
    }

    /** Another issuer URL (GHES, GHE.com, self-managed GitLab, a test issuer). */
    public Builder issuer(String url) {
      this.issuer = url;
      return this;
    }

    public Builder audience(String audience) {
      audiences.add(audience);
      return this;
    }

    /** Replaces the default algorithms ({@link #DEFAULT_ALGORITHMS}). */
    public Builder algorithms(String... algs) {
      algorithms.clear();
      algorithms.addAll(java.util.List.of(algs));
      return this;
    }

    public Builder leeway(Duration d) {
      this.leeway = d;
      return this;
    }

    public Builder maxTokenAge(Duration d) {
      this.maxTokenAge = d;
      return this;
    }

    public Builder pin(String claim, String value) {
      tenantPins.put(claim, value);
      return this;
    }

    public Builder singleUse(boolean on) {
      this.singleUse = on;
      return this;
    }

    public Builder allowInsecureLoopback(boolean on) {
      this.allowInsecureLoopback = on;
      return this;
    }

    public IssuerConfig build() throws OriginConfigException {
      Set<String> algs = algorithms.isEmpty() ? DEFAULT_ALGORITHMS : algorithms;
      String problem =
          problem(
              name,
              issuer,
              audiences,
              algs,
              leeway,
              maxTokenAge,
              tenantPins,
              preset,
              allowInsecureLoopback);
      if (problem != null) {
        throw new OriginConfigException(problem);
      }
      return new IssuerConfig(
          name,
          issuer,
          audiences,
          algs,
          leeway,
          maxTokenAge,
          tenantPins,
          singleUse,
          preset,
          allowInsecureLoopback);
    }
  }
}
