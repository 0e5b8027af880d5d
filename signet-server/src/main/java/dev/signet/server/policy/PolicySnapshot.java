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

  public PolicySnapshot(PolicySet policies) {
    this.policies = policies;
    this.canonicalJson = policies.canonicalJson();
    this.version = policies.version();
    Map<String, String> hashes = new HashMap<>();
    for (ProjectPolicy p : policies.projects().values()) {
      for (Rule r : p.rules()) {
        hashes.put(
            p.name() + "\u0000" + r.name(),
            "sha256:" + PolicySet.sha256(Jcs.canonicalize(PolicyJson.ruleIdentity(p.name(), r))));
      }
    }
    this.ruleHashes = Map.copyOf(hashes);
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

  String ruleHash(String project, String rule) {
    String h = ruleHashes.get(project + "\u0000" + rule);
    if (h == null) {
      throw new IllegalStateException("no such rule");
    }
    return h;
  }

  /** The current hash of a rule, if the rule exists: a grant holds only while it is unchanged. */
  public java.util.Optional<String> currentRuleHash(String project, String rule) {
    return java.util.Optional.ofNullable(ruleHashes.get(project + "\u0000" + rule));
  }
}
