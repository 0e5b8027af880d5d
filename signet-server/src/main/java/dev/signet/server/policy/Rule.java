package dev.signet.server.policy;

import java.util.Set;
import java.util.SortedSet;
import org.jspecify.annotations.Nullable;

/**
 * One named origin rule of a project. The credentials it names ({@code oidc}, {@code mtls}, {@code
 * token}) are all required; at least one is. {@code operations} and {@code keys} are the project's
 * unless the rule narrows them.
 */
public record Rule(
    String name,
    Set<Operation> operations,
    SortedSet<String> keys,
    Conditions.@Nullable Oidc oidc,
    Conditions.@Nullable Certificate mtls,
    boolean token,
    Conditions.@Nullable Pipeline pipeline,
    Conditions.@Nullable Approval approval,
    Conditions.@Nullable Grant grant) {
  public Rule {
    operations = Set.copyOf(operations);
    keys = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(keys));
  }
}
