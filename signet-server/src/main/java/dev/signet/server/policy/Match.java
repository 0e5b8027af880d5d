package dev.signet.server.policy;

import java.util.List;
import java.util.stream.Collectors;

/** A condition on one value: it holds when any of the patterns matches. */
public record Match(List<Glob> anyOf) {
  public Match {
    anyOf = List.copyOf(anyOf);
    if (anyOf.isEmpty()) {
      throw new IllegalArgumentException("a match needs at least one pattern");
    }
  }

  public boolean holds(String value) {
    for (Glob g : anyOf) {
      if (g.matches(value)) {
        return true;
      }
    }
    return false;
  }

  /** True when every alternative is a literal value (what a tenant pin must be). */
  public boolean isExact() {
    return anyOf.stream().allMatch(Glob::isLiteral);
  }

  /** {@code "x"} or {@code any of ["x", "y"]}, for deny messages. */
  String describe() {
    if (anyOf.size() == 1) {
      return Policies.quote(anyOf.getFirst().source());
    }
    return anyOf.stream()
        .map(g -> Policies.quote(g.source()))
        .collect(Collectors.joining(", ", "any of [", "]"));
  }
}
