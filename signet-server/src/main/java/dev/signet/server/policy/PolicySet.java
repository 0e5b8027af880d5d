package dev.signet.server.policy;

import dev.signet.input.InputException;
import dev.signet.json.Jcs;
import dev.signet.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;

/** Every project's policy, as parsed and validated. Immutable. */
public record PolicySet(SortedMap<String, ProjectPolicy> projects) {
  public PolicySet {
    projects = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(projects));
  }

  public static final PolicySet EMPTY = new PolicySet(new java.util.TreeMap<>());

  /** A standalone policy file: one top-level key, {@code projects}. */
  public static PolicySet parse(String text, String source, IssuerVocabularies issuers)
      throws InputException {
    return new PolicyParser(source, issuers)
        .parseDocument(PolicyYaml.read(text, source), Set.of(), true);
  }

  /**
   * The {@code projects:} section of the server configuration file. Top-level keys in {@code
   * siblingKeys} belong to the configuration loader, which checks them; any other key is refused
   * here, so a typo at the top level never goes unnoticed. A file without {@code projects:} has no
   * project (nothing may be signed), as a server without a configuration file.
   */
  public static PolicySet parseConfig(
      String text, String source, Set<String> siblingKeys, IssuerVocabularies issuers)
      throws InputException {
    return new PolicyParser(source, issuers)
        .parseDocument(PolicyYaml.read(text, source), siblingKeys, false);
  }

  public Optional<ProjectPolicy> project(String name) {
    return Optional.ofNullable(projects.get(name));
  }

  /**
   * The canonical form: the same shape as the YAML ({@code {"projects": {…}}}), defaults filled in,
   * values normalised. It is itself a valid policy document that parses to an equal set.
   */
  public JsonObject toJson() {
    return PolicyJson.write(this);
  }

  /** RFC 8785 canonical JSON of {@link #toJson()}, the bytes the version hashes. */
  public String canonicalJson() {
    return new String(Jcs.canonicalize(toJson()), StandardCharsets.UTF_8);
  }

  public PolicyVersion version() {
    return new PolicyVersion("sha256:" + sha256(Jcs.canonicalize(toJson())));
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
