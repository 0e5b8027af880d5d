package dev.signet.server.policy;

import dev.signet.json.JsonArray;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;

/**
 * Writes a policy set in the document's own shape, every value a string (as the reader sees it).
 */
final class PolicyJson {
  private PolicyJson() {}

  static JsonObject write(PolicySet set) {
    JsonObject.Builder projects = JsonObject.builder();
    for (ProjectPolicy p : set.projects().values()) {
      projects.put(p.name(), project(p));
    }
    return JsonObject.builder().put("projects", projects.build()).build();
  }

  /** One rule with its project's name, hashed to scope grants to an unchanged rule. */
  static JsonObject ruleIdentity(String project, Rule rule) {
    return JsonObject.builder().put("project", project).put("rule", rule(rule)).build();
  }

  private static JsonObject project(ProjectPolicy p) {
    JsonObject.Builder b = JsonObject.builder();
    b.put("keys", strings(p.keys()));
    b.put("operations", operations(p.operations()));
    if (p.rateLimit() != null) {
      b.put("rateLimit", p.rateLimit().spec());
    }
    List<JsonValue> rules = new ArrayList<>();
    for (Rule r : p.rules()) {
      rules.add(rule(r));
    }
    b.put("rules", new JsonArray(rules));
    return b.build();
  }

  static JsonObject rule(Rule r) {
    JsonObject.Builder b = JsonObject.builder();
    b.put("name", r.name());
    b.put("operations", operations(r.operations()));
    b.put("keys", strings(r.keys()));
    if (r.oidc() != null) {
      b.put(
          "oidc",
          JsonObject.builder()
              .put("issuer", r.oidc().issuer())
              .put("claims", matches(r.oidc().claims()))
              .build());
    }
    if (r.mtls() != null) {
      JsonObject.Builder m = JsonObject.builder();
      if (r.mtls().issuerDn() != null) {
        m.put("issuer", r.mtls().issuerDn());
      }
      if (r.mtls().caSha256() != null) {
        m.put("caSha256", r.mtls().caSha256());
      }
      if (!r.mtls().subject().isEmpty()) {
        m.put("subject", matches(r.mtls().subject()));
      }
      if (!r.mtls().templateOids().isEmpty()) {
        m.put("templateOid", strings(new java.util.TreeSet<>(r.mtls().templateOids())));
      }
      b.put("mtls", m.build());
    }
    if (r.token()) {
      b.put("token", "true");
    }
    if (r.pipeline() != null) {
      b.put("pipeline", JsonObject.builder().put("stepKey", match(r.pipeline().stepKey())).build());
    }
    if (r.approval() != null) {
      b.put(
          "approval",
          JsonObject.builder()
              .put("role", r.approval().role())
              .put("quorum", Integer.toString(r.approval().quorum()))
              .put("expires", r.approval().expires().toSeconds() + "s")
              .build());
    }
    if (r.grant() != null) {
      b.put(
          "grant",
          JsonObject.builder()
              .put("ttl", r.grant().ttl().toSeconds() + "s")
              .put("maxSignatures", Integer.toString(r.grant().maxSignatures()))
              .build());
    }
    return b.build();
  }

  private static JsonObject matches(SequencedMap<String, Match> m) {
    JsonObject.Builder b = JsonObject.builder();
    for (Map.Entry<String, Match> e : m.entrySet()) {
      b.put(e.getKey(), match(e.getValue()));
    }
    return b.build();
  }

  private static JsonArray match(Match m) {
    List<JsonValue> items = new ArrayList<>();
    for (Glob g : m.anyOf()) {
      items.add(JsonString.of(g.source()));
    }
    return new JsonArray(items);
  }

  private static JsonArray operations(Collection<Operation> ops) {
    List<JsonValue> items = new ArrayList<>();
    for (Operation o : Operation.values()) {
      if (ops.contains(o)) {
        items.add(JsonString.of(o.id()));
      }
    }
    return new JsonArray(items);
  }

  private static JsonArray strings(Collection<String> values) {
    List<JsonValue> items = new ArrayList<>();
    for (String s : values) {
      items.add(JsonString.of(s));
    }
    return new JsonArray(items);
  }
}
