package dev.signet.server.policy;

import dev.signet.json.Jcs;
import java.util.HashMap;
import java.util.Map;

/**
 * One loaded policy set with its version and rule hashes, computed once. A decision reads one
 * snapshot from start to end, so a reload never mixes two versions in one decision.
 */
public final class PolicySnapshot {
  private final PolicySet policies;
  private final PolicyVersion version;
  private final String canonicalJson;
  private final Map<String, String> ruleHashes;
  private final Map<String, Decision.RuleRef> ruleRefs;

  public PolicySnapshot(PolicySet policies) {
    this.policies = policies;
    this.canonicalJson = policies.canonicalJson();
    this.version = policies.version();
    Map<String, String> hashes = new HashMap<>();
    Map<String, Decision.RuleRef> refs = new HashMap<>();
    for (ProjectPolicy p : policies.projects().values()) {
      for (Rule r : p.rules()) {
        String hash =
            "sha256:" + PolicySet.sha256(Jcs.canonicalize(PolicyJson.ruleIdentity(p.name(), r)));
        hashes.put(p.name() + "\u0000" + r.name(), hash);
        refs.put(
            p.name() + "\u0000" + r.name(),
            new Decision.RuleRef(p.name(), r.name(), hash, r.operations(), r.keys()));
      }
    }
    this.ruleHashes = Map.copyOf(hashes);
    this.ruleRefs = Map.copyOf(refs);
  }

  public PolicySet policies() {
    return policies;
  }

  public PolicyVersion version() {
    return version;
  }

  /** The RFC 8785 canonical JSON the version hashes, for the policy history. */
  public String canonicalJson() {
    return canonicalJson;
  }

  /** The rule's reference, made once per snapshot (decisions share it). */
  Decision.RuleRef ruleRef(String project, String rule) {
    Decision.RuleRef ref = ruleRefs.get(project + "\u0000" + rule);
    if (ref == null) {
      throw new IllegalStateException("no such rule");
    }
    return ref;
  }

  /** The current hash of a rule, if the rule exists: a grant holds only while it is unchanged. */
  public java.util.Optional<String> currentRuleHash(String project, String rule) {
    return java.util.Optional.ofNullable(ruleHashes.get(project + "\u0000" + rule));
  }
}
