package dev.signet.artifact;

import dev.signet.input.InputException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A container image reference {@code [REGISTRY/]REPOSITORY[:TAG]}, normalised as
 * go-containerregistry (and so cosign) normalises it: no registry means Docker Hub ({@code
 * index.docker.io}), where a one-part name gets {@code library/}.
 *
 * @param registry host and optional port, e.g. {@code 127.0.0.1:5000} or {@code ghcr.io}
 * @param repository the path, e.g. {@code acme/widgets}
 * @param tag the tag, or null
 */
public record ImageReference(String registry, String repository, @Nullable String tag) {
  public static final String DOCKER_HUB = "index.docker.io";

  private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern REGISTRY =
      Pattern.compile(
          "(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9-]+)*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]{1,5})?");

  /** Parses {@code --reference}; a digest ({@code @sha256:…}) belongs in {@code --digest}. */
  public static ImageReference parse(String text, String what) throws InputException {
    if (text.isEmpty() || text.length() > 512) {
      throw new InputException(what, null, "expected REGISTRY/REPOSITORY[:TAG]");
    }
    if (text.indexOf('@') >= 0) {
      throw new InputException(
          what, null, "give the repository (and tag) here and the digest with --digest");
    }
    String rest = text;
    String registry = DOCKER_HUB;
    int slash = rest.indexOf('/');
    if (slash > 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        if (!REGISTRY.matcher(first).matches()) {
          throw new InputException(what, null, "\"" + first + "\" is not a registry HOST[:PORT]");
        }
        registry = first.equals("docker.io") ? DOCKER_HUB : first;
        rest = rest.substring(slash + 1);
      }
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon >= 0) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw new InputException(what, null, "the tag is not valid");
      }
    }
    for (String part : rest.split("/", -1)) {
      if (!COMPONENT.matcher(part).matches()) {
        throw new InputException(
            what,
            null,
            "repository path components are lower-case letters, digits and . _ - separators");
      }
    }
    if (registry.equals(DOCKER_HUB) && rest.indexOf('/') < 0) {
      rest = "library/" + rest;
    }
    return new ImageReference(registry, rest, tag);
  }

  /** {@code registry/repository}: the {@code docker-reference} cosign signs. */
  public String name() {
    return registry + "/" + repository;
  }

  /** The tag cosign stores signatures under: {@code sha256-<hex>.sig}. */
  public static String signatureTag(Digest imageDigest) {
    return imageDigest.algorithm().prefix() + "-" + imageDigest.hex() + ".sig";
  }

  @Override
  public String toString() {
    return name() + (tag == null ? "" : ":" + tag);
  }
}
