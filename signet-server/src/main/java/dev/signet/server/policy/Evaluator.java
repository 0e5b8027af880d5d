package dev.signet.server.policy;

import dev.signet.server.origin.Credential;
import dev.signet.server.origin.Origin;
import dev.signet.server.policy.Decision.Failure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.security.auth.x500.X500Principal;
import org.jspecify.annotations.Nullable;

/**
 * Evaluates one request against one snapshot, without side effects (rate limits are the engine's).
 *
 * <p>Order: (1) the project; (2) which rules are addressed to the caller: a rule is when the caller
 * holds at least one of its credentials from the rule's own tenant (the OIDC issuer with every
 * tenant claim the rule pins, the certificate's pinned issuer and CA, a token of this project).
 * Neither an unknown project nor a project without an addressed rule says more than {@link
 * Reason#NO_RULE}, so nobody learns another tenant's configuration. (3) Each addressed rule in
 * policy order: operation, key, the other credentials, token scope, claims in policy order,
 * certificate subject and template, step keys. The first rule with no failure wins.
 */
final class Evaluator {
  private Evaluator() {}

  static Decision evaluate(
      PolicySnapshot snapshot,
      String project,
      Operation operation,
      String key,
      Origin origin,
      RequestAttributes attributes) {
    ProjectPolicy policy = snapshot.policies().projects().get(project);
    List<Failure> failures = new ArrayList<>();
    if (policy != null) {
      for (Rule rule : policy.rules()) {
        List<Failure> ruleFailures = new ArrayList<>();
        if (!check(policy, rule, operation, key, origin, attributes, ruleFailures)) {
          continue; // not addressed to this caller: it must not show in the answer
        }
        if (ruleFailures.isEmpty()) {
          Decision.RuleRef ref = snapshot.ruleRef(project, rule.name());
          return rule.approval() == null
              ? new Decision.Allow(ref, snapshot.version())
              : new Decision.NeedsApproval(ref, rule.approval(), rule.grant(), snapshot.version());
        }
        failures.addAll(ruleFailures);
      }
    }
    if (failures.isEmpty()) {
      failures.add(noRule(project));
    }
    return new Decision.Deny(failures, snapshot.version());
  }

  /**
   * Whether some rule of {@code project} admits {@code origin} for at least one of its operations
   * and keys, before any request says which: what a session exchange checks, so a caller no rule
   * would ever allow gets its denial (with the same per-condition failures a request would) instead
   * of a session that can only be refused. Allow or NeedsApproval name the first such rule.
   */
  static Decision admits(PolicySnapshot snapshot, String project, Origin origin) {
    ProjectPolicy policy = snapshot.policies().projects().get(project);
    List<Failure> failures = new ArrayList<>();
    if (policy != null) {
      for (Rule rule : policy.rules()) {
        if (rule.keys().isEmpty()) {
          continue;
        }
        List<Failure> first = null;
        for (Operation operation : Operation.values()) {
          if (!rule.operations().contains(operation)) {
            continue;
          }
          List<Failure> ruleFailures = new ArrayList<>();
          if (!check(
              policy,
              rule,
              operation,
              rule.keys().first(),
              origin,
              RequestAttributes.NONE,
              ruleFailures)) {
            break; // not addressed to this caller, whatever the operation
          }
          if (ruleFailures.isEmpty()) {
            Decision.RuleRef ref = snapshot.ruleRef(project, rule.name());
            return rule.approval() == null
                ? new Decision.Allow(ref, snapshot.version())
                : new Decision.NeedsApproval(
                    ref, rule.approval(), rule.grant(), snapshot.version());
          }
          if (first == null) {
            first = ruleFailures;
          }
        }
        if (first != null) {
          failures.addAll(first);
        }
      }
    }
    if (failures.isEmpty()) {
      failures.add(noRule(project));
    }
    return new Decision.Deny(failures, snapshot.version());
  }

  static Failure noRule(String project) {
    return new Failure(
        null,
        Reason.NO_RULE,
        "project " + Policies.quote(project) + ": no rule admits this caller");
  }

  /** Adds the rule's failures; returns whether the rule is addressed to the caller at all. */
  private static boolean check(
      ProjectPolicy project,
      Rule rule,
      Operation operation,
      String key,
      Origin origin,
      RequestAttributes attributes,
      List<Failure> out) {
    // Built on the allow path too, but only a short string: the rule name is policy text.
    String at = "rule \"" + rule.name() + "\": ";
    Credential.Oidc oidc = null;
    Credential.Certificate cert = null;
    Credential.ProjectToken token = null;
    boolean addressed = false;
    List<Failure> credentialFailures = new ArrayList<>();

    if (rule.oidc() != null) {
      oidc = oidcInTenant(rule.oidc(), origin);
      if (oidc != null) {
        addressed = true;
      } else {
        credentialFailures.add(
            new Failure(
                rule.name(),
                Reason.MISSING_CREDENTIAL,
                at + "requires an OIDC token from issuer " + rule.oidc().issuer()));
      }
    }
    if (rule.mtls() != null) {
      cert = certificateFromCa(rule.mtls(), origin);
      if (cert != null) {
        addressed = true;
      } else if (origin.certificate().isPresent()) {
        credentialFailures.add(
            new Failure(
                rule.name(),
                Reason.CERTIFICATE_MISMATCH,
                at + "the client certificate is not from the CA this rule trusts"));
      } else {
        credentialFailures.add(
            new Failure(
                rule.name(),
                Reason.MISSING_CREDENTIAL,
                at + "requires a client certificate (mtls)"));
      }
    }
    if (rule.token()) {
      for (Credential c : origin.credentials()) {
        if (c instanceof Credential.ProjectToken t && t.project().equals(project.name())) {
          token = t;
          break;
        }
      }
      if (token != null) {
        addressed = true;
      } else {
        credentialFailures.add(
            new Failure(
                rule.name(),
                Reason.MISSING_CREDENTIAL,
                at + "requires a project token for project " + Policies.quote(project.name())));
      }
    }
    if (!addressed) {
      return false;
    }

    if (!rule.operations().contains(operation)) {
      out.add(
          new Failure(
              rule.name(),
              Reason.OPERATION_NOT_ALLOWED,
              at + "operation " + operation.id() + " is not allowed"));
    }
    if (!rule.keys().contains(key)) {
      out.add(
          new Failure(
              rule.name(),
              Reason.KEY_NOT_ALLOWED,
              at + "key " + Policies.quote(key) + " is not allowed"));
    }
    out.addAll(credentialFailures);
    if (token != null && !token.operations().contains(operation.id())) {
      out.add(
          new Failure(
              rule.name(),
              Reason.TOKEN_SCOPE,
              at
                  + "project token "
                  + Policies.quote(token.tokenId())
                  + " is not scoped to operation "
                  + operation.id()));
    }
    Conditions.Oidc oidcRule = rule.oidc();
    if (oidc != null && oidcRule != null) {
      for (Map.Entry<String, Match> c : oidcRule.claims().entrySet()) {
        String value = oidc.claims().get(c.getKey());
        if (value == null) {
          out.add(
              new Failure(
                  rule.name(), Reason.CLAIM_MISMATCH, at + "claim " + c.getKey() + " is missing"));
        } else if (!c.getValue().holds(value)) {
          out.add(
              new Failure(
                  rule.name(),
                  Reason.CLAIM_MISMATCH,
                  at
                      + "claim "
                      + c.getKey()
                      + " "
                      + Policies.quote(value)
                      + " does not match "
                      + c.getValue().describe()));
        }
      }
    }
    Conditions.Certificate certRule = rule.mtls();
    if (cert != null && certRule != null) {
      checkCertificate(rule.name(), certRule, at, cert, out);
    }
    if (rule.pipeline() != null && operation == Operation.PIPELINE) {
      if (attributes.stepKeys().size() > PolicyLimits.MAX_STEP_KEYS) {
        out.add(
            new Failure(
                rule.name(),
                Reason.STEP_KEY_MISMATCH,
                at + "more than " + PolicyLimits.MAX_STEP_KEYS + " steps"));
      } else {
        for (String stepKey : attributes.stepKeys()) {
          if (!rule.pipeline().stepKey().holds(stepKey)) {
            out.add(
                new Failure(
                    rule.name(),
                    Reason.STEP_KEY_MISMATCH,
                    at
                        + "step key "
                        + Policies.quote(stepKey)
                        + " does not match "
                        + rule.pipeline().stepKey().describe()));
            break; // one is enough to refuse; listing thousands is not useful
          }
        }
      }
    }
    return true;
  }

  private static Credential.@Nullable Oidc oidcInTenant(Conditions.Oidc rule, Origin origin) {
    for (Credential c : origin.credentials()) {
      if (c instanceof Credential.Oidc o && o.issuerName().equals(rule.issuer())) {
        boolean inTenant = true;
        for (String pin : rule.tenantPins()) {
          String v = o.claims().get(pin);
          Match m = rule.claims().get(pin);
          if (v == null || m == null || !m.holds(v)) {
            inTenant = false;
            break;
          }
        }
        if (inTenant) {
          return o;
        }
      }
    }
    return null;
  }

  private static Credential.@Nullable Certificate certificateFromCa(
      Conditions.Certificate rule, Origin origin) {
    for (Credential c : origin.credentials()) {
      if (c instanceof Credential.Certificate cert
          && (rule.caSha256() == null || rule.caSha256().equals(cert.caSha256()))
          && (rule.issuerDn() == null || sameDn(rule.issuerDn(), cert.issuerDn()))) {
        return cert;
      }
    }
    return null;
  }

  private static boolean sameDn(String a, String b) {
    try {
      return new X500Principal(a)
          .getName(X500Principal.CANONICAL)
          .equals(new X500Principal(b).getName(X500Principal.CANONICAL));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void checkCertificate(
      String ruleName,
      Conditions.Certificate condition,
      String at,
      Credential.Certificate cert,
      List<Failure> out) {
    for (Map.Entry<String, Match> e : condition.subject().entrySet()) {
      List<String> values = cert.subject().getOrDefault(e.getKey(), List.of());
      if (values.isEmpty()) {
        out.add(
            new Failure(
                ruleName,
                Reason.CERTIFICATE_MISMATCH,
                at + "certificate subject has no " + e.getKey()));
        continue;
      }
      for (String v : values) {
        if (!e.getValue().holds(v)) {
          out.add(
              new Failure(
                  ruleName,
                  Reason.CERTIFICATE_MISMATCH,
                  at
                      + "certificate subject "
                      + e.getKey()
                      + " "
                      + Policies.quote(v)
                      + " does not match "
                      + e.getValue().describe()));
          break;
        }
      }
    }
    if (!condition.templateOids().isEmpty()
        && condition.templateOids().stream().noneMatch(cert.templateOids()::contains)) {
      out.add(
          new Failure(
              ruleName,
              Reason.CERTIFICATE_MISMATCH,
              at
                  + "certificate has none of the template OIDs "
                  + new java.util.TreeSet<>(condition.templateOids())));
    }
  }
}
