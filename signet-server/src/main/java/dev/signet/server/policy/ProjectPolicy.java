package dev.signet.server.policy;

import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import org.jspecify.annotations.Nullable;

/** What one project may sign: its keys, operations, rules (in evaluation order) and rate limit. */
public record ProjectPolicy(
    String name,
    SortedSet<String> keys,
    Set<Operation> operations,
    Conditions.@Nullable RateLimit rateLimit,
    List<Rule> rules) {
  public ProjectPolicy {
    keys = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(keys));
    operations = Set.copyOf(operations);
    rules = List.copyOf(rules);
  }

  public java.util.Optional<Rule> rule(String name) {
    return rules.stream().filter(r -> r.name().equals(name)).findFirst();
  }
}
