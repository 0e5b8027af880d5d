package dev.signet.server.policy;

import dev.signet.input.InputException;
import dev.signet.yaml.YamlNode;
import dev.signet.yaml.YamlNode.Entry;
import dev.signet.yaml.YamlNode.Mapping;
import dev.signet.yaml.YamlNode.Scalar;
import dev.signet.yaml.YamlNode.Sequence;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;

/**
 * Turns the YAML tree into a validated {@link PolicySet}. Strict: an unknown key, a wrong shape or
 * a value out of range is an {@link InputException} naming the file, line and column. Validation
 * that needs the issuers' vocabularies happens here too, so a policy that loads is one the engine
 * can evaluate without surprises.
 */
final class PolicyParser {
  private static final Pattern PROJECT_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
  private static final Pattern KEY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,127}");
  private static final Pattern RULE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern ROLE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");
  private static final Pattern CLAIM_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_:.-]{0,127}");
  private static final Pattern OID = Pattern.compile("[0-2](\\.(0|[1-9][0-9]{0,9})){1,40}");
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern DURATION = Pattern.compile("([1-9][0-9]{0,8})(s|m|h|d)");
  private static final Pattern RATE = Pattern.compile("([1-9][0-9]{0,8})/(s|min|h)");
  private static final Pattern COUNT = Pattern.compile("[1-9][0-9]{0,8}");

  /** Claims the verifier checks itself; a policy condition on them would mislead. */
  private static final Set<String> VERIFIER_CLAIMS =
      Set.of("iss", "sub", "aud", "exp", "iat", "nbf", "jti");

  /** The subject attributes the certificate verifier reports. */
  private static final Set<String> SUBJECT_ATTRIBUTES =
      Set.of("CN", "O", "OU", "C", "L", "ST", "DC", "UID", "emailAddress");

  private final String source;
  private final IssuerVocabularies issuers;

  PolicyParser(String source, IssuerVocabularies issuers) {
    this.source = source;
    this.issuers = issuers;
  }

  PolicySet parseDocument(YamlNode root, Set<String> siblingKeys, boolean projectsRequired)
      throws InputException {
    Mapping top = mapping(root, "the policy document");
    for (Entry e : top.entries().values()) {
      if (!e.key().equals("projects") && !siblingKeys.contains(e.key())) {
        throw new InputException(
            source,
            e.keyWhere(),
            "unknown key " + Policies.quote(e.key()) + " (expected projects)");
      }
    }
    Entry projects = top.entries().get("projects");
    TreeMap<String, ProjectPolicy> out = new TreeMap<>();
    if (projects == null) {
      if (!projectsRequired) {
        return new PolicySet(out);
      }
      throw new InputException(source, top.where(), "missing key \"projects\"");
    }
    if (projects.value() instanceof Scalar s && s.value().isEmpty()) {
      return new PolicySet(out); // "projects:" with nothing under it: no project may sign
    }
    for (Entry p : mapping(projects.value(), "projects").entries().values()) {
      if (!PROJECT_NAME.matcher(p.key()).matches()) {
        throw new InputException(
            source,
            p.keyWhere(),
            "project name "
                + Policies.quote(p.key())
                + " must be lowercase letters, digits, '.', '_' or '-' (at most 63)");
      }
      out.put(p.key(), project(p.key(), p.value()));
    }
    return new PolicySet(out);
  }

  private ProjectPolicy project(String name, YamlNode node) throws InputException {
    Mapping m = mapping(node, "project " + name);
    known(m, "keys", "operations", "rateLimit", "rules");
    SortedSet<String> keys = names(required(m, "keys"), KEY_NAME, "key name");
    Set<Operation> ops = operations(required(m, "operations"));
    Conditions.RateLimit rate = null;
    Entry r = m.entries().get("rateLimit");
    if (r != null) {
      rate = rate(r.value());
    }
    Sequence rules = sequence(required(m, "rules").value(), "rules");
    if (rules.items().isEmpty() || rules.items().size() > PolicyLimits.MAX_RULES) {
      throw new InputException(
          source, rules.where(), "rules: between 1 and " + PolicyLimits.MAX_RULES + " rules");
    }
    List<Rule> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (YamlNode n : rules.items()) {
      Rule rule = rule(n, keys, ops);
      if (!seen.add(rule.name())) {
        throw new InputException(
            source, n.where(), "duplicate rule " + Policies.quote(rule.name()));
      }
      out.add(rule);
    }
    return new ProjectPolicy(name, keys, ops, rate, out);
  }

  private Rule rule(YamlNode node, SortedSet<String> projectKeys, Set<Operation> projectOps)
      throws InputException {
    Mapping m = mapping(node, "rule");
    known(
        m, "name", "operations", "keys", "oidc", "mtls", "token", "pipeline", "approval", "grant");
    Entry nameEntry = required(m, "name");
    String name = pattern(nameEntry.value(), RULE_NAME, "rule name");
    String at = "rule " + Policies.quote(name) + ": ";

    Set<Operation> ops = projectOps;
    Entry o = m.entries().get("operations");
    if (o != null) {
      ops = operations(o);
      for (Operation op : ops) {
        if (!projectOps.contains(op)) {
          throw new InputException(
              source,
              o.value().where(),
              at + "operation " + op.id() + " is not one of the project's");
        }
      }
    }
    SortedSet<String> keys = projectKeys;
    Entry k = m.entries().get("keys");
    if (k != null) {
      keys = names(k, KEY_NAME, "key name");
      for (String key : keys) {
        if (!projectKeys.contains(key)) {
          throw new InputException(
              source,
              k.value().where(),
              at + "key " + Policies.quote(key) + " is not one of the project's");
        }
      }
    }

    Entry oidcEntry = m.entries().get("oidc");
    Conditions.Oidc oidc = oidcEntry == null ? null : oidc(oidcEntry.value(), at);
    Entry mtlsEntry = m.entries().get("mtls");
    Conditions.Certificate mtls = mtlsEntry == null ? null : certificate(mtlsEntry.value(), at);
    boolean token = false;
    Entry t = m.entries().get("token");
    if (t != null) {
      String v = scalar(t.value(), "token");
      if (!v.equals("true") && !v.equals("false")) {
        throw new InputException(source, t.value().where(), at + "token: expected true or false");
      }
      token = v.equals("true");
    }
    if (oidc == null && mtls == null && !token) {
      throw new InputException(
          source, m.where(), at + "needs at least one credential: oidc, mtls or token");
    }

    Conditions.Pipeline pipeline = null;
    Entry p = m.entries().get("pipeline");
    if (p != null) {
      Mapping pm = mapping(p.value(), "pipeline");
      known(pm, "stepKey");
      pipeline = new Conditions.Pipeline(match(required(pm, "stepKey").value()));
      if (!ops.contains(Operation.PIPELINE)) {
        throw new InputException(
            source, p.keyWhere(), at + "pipeline conditions need the pipeline operation");
      }
    }

    Conditions.Approval approval = null;
    Entry a = m.entries().get("approval");
    if (a != null) {
      Mapping am = mapping(a.value(), "approval");
      known(am, "role", "quorum", "expires");
      String role = pattern(required(am, "role").value(), ROLE_NAME, "role name");
      Entry q = required(am, "quorum");
      int quorum = count(q.value(), "quorum", PolicyLimits.MAX_QUORUM);
      Entry ex = required(am, "expires");
      Duration expires = duration(ex.value(), "expires", PolicyLimits.MAX_APPROVAL_EXPIRY);
      approval = new Conditions.Approval(role, quorum, expires);
    }
    Conditions.Grant grant = null;
    Entry g = m.entries().get("grant");
    if (g != null) {
      if (approval == null) {
        throw new InputException(
            source, g.keyWhere(), at + "a grant is given on approval: add approval to the rule");
      }
      Mapping gm = mapping(g.value(), "grant");
      known(gm, "ttl", "maxSignatures");
      Duration ttl = duration(required(gm, "ttl").value(), "ttl", PolicyLimits.MAX_GRANT_TTL);
      int max =
          count(
              required(gm, "maxSignatures").value(),
              "maxSignatures",
              PolicyLimits.MAX_GRANT_SIGNATURES);
      grant = new Conditions.Grant(ttl, max);
    }
    return new Rule(name, ops, keys, oidc, mtls, token, pipeline, approval, grant);
  }

  private Conditions.Oidc oidc(YamlNode node, String at) throws InputException {
    Mapping m = mapping(node, "oidc");
    known(m, "issuer", "claims");
    Entry ie = required(m, "issuer");
    String issuer = scalar(ie.value(), "issuer");
    IssuerVocabularies.Vocabulary vocabulary =
        issuers
            .find(issuer)
            .orElseThrow(() ->
                new InputException(
                    source,
                    ie.value().where(),
                    at + "issuer " + Policies.quote(issuer) + " is not configured"));
    LinkedHashMap<String, Match> claims = new LinkedHashMap<>();
    Entry ce = m.entries().get("claims");
    if (ce != null) {
      for (Entry c : mapping(ce.value(), "claims").entries().values()) {
        String claim = c.key();
        if (VERIFIER_CLAIMS.contains(claim)) {
          throw new InputException(
              source,
              c.keyWhere(),
              at
                  + "claim "
                  + claim
                  + " is checked by the token verifier, not by policy"
                  + (claim.equals("sub") ? " (match the discrete claims instead)" : ""));
        }
        if (!CLAIM_NAME.matcher(claim).matches() || !vocabulary.knows(claim)) {
          throw new InputException(
              source,
              c.keyWhere(),
              at + "issuer " + issuer + " has no claim " + Policies.quote(claim));
        }
        Match match = match(c.value());
        if (vocabulary.tenantClaims().contains(claim) && !match.isExact()) {
          throw new InputException(
              source,
              c.value().where(),
              at + "tenant claim " + claim + " must be pinned to exact values, not patterns");
        }
        claims.put(claim, match);
      }
    }
    if (!vocabulary.tenantClaims().isEmpty()
        && vocabulary.tenantClaims().stream().noneMatch(claims::containsKey)) {
      throw new InputException(
          source,
          m.where(),
          at
              + "issuer "
              + issuer
              + " is shared by many tenants: pin one of "
              + new TreeSet<>(vocabulary.tenantClaims()));
    }
    Set<String> pins = new HashSet<>(claims.keySet());
    pins.retainAll(vocabulary.tenantClaims());
    return new Conditions.Oidc(issuer, claims, pins);
  }

  private Conditions.Certificate certificate(YamlNode node, String at) throws InputException {
    Mapping m = mapping(node, "mtls");
    known(m, "issuer", "caSha256", "subject", "templateOid");
    String issuerDn = null;
    Entry ie = m.entries().get("issuer");
    if (ie != null) {
      String dn = scalar(ie.value(), "issuer");
      try {
        issuerDn = new X500Principal(dn).getName(X500Principal.RFC2253);
      } catch (IllegalArgumentException e) {
        throw new InputException(source, ie.value().where(), at + "issuer is not a valid DN");
      }
    }
    String ca = null;
    Entry ce = m.entries().get("caSha256");
    if (ce != null) {
      ca = scalar(ce.value(), "caSha256").toLowerCase(Locale.ROOT);
      if (!HEX64.matcher(ca).matches()) {
        throw new InputException(
            source, ce.value().where(), at + "caSha256: expected 64 hex digits");
      }
    }
    if (issuerDn == null && ca == null) {
      throw new InputException(
          source,
          m.where(),
          at + "mtls needs issuer or caSha256: which CA is trusted for this rule");
    }
    LinkedHashMap<String, Match> subject = new LinkedHashMap<>();
    Entry se = m.entries().get("subject");
    if (se != null) {
      for (Entry a : mapping(se.value(), "subject").entries().values()) {
        if (!SUBJECT_ATTRIBUTES.contains(a.key())) {
          throw new InputException(
              source,
              a.keyWhere(),
              at
                  + "unknown subject attribute "
                  + Policies.quote(a.key())
                  + " (expected one of "
                  + new TreeSet<>(SUBJECT_ATTRIBUTES)
                  + ")");
        }
        subject.put(a.key(), match(a.value()));
      }
    }
    Set<String> oids = new TreeSet<>();
    Entry te = m.entries().get("templateOid");
    if (te != null) {
      oids = names(te, OID, "OID");
    }
    return new Conditions.Certificate(issuerDn, ca, subject, oids);
  }

  private Match match(YamlNode node) throws InputException {
    List<Glob> globs = new ArrayList<>();
    if (node instanceof Scalar s) {
      globs.add(Glob.compile(s.value(), source, s.where()));
    } else if (node instanceof Sequence seq) {
      if (seq.items().isEmpty() || seq.items().size() > PolicyLimits.MAX_ALTERNATIVES) {
        throw new InputException(
            source,
            seq.where(),
            "expected between 1 and " + PolicyLimits.MAX_ALTERNATIVES + " alternatives");
      }
      for (YamlNode n : seq.items()) {
        globs.add(Glob.compile(scalar(n, "pattern"), source, n.where()));
      }
    } else {
      throw new InputException(source, node.where(), "expected a value or a list of values");
    }
    return new Match(globs);
  }

  private Set<Operation> operations(Entry e) throws InputException {
    EnumSet<Operation> ops = EnumSet.noneOf(Operation.class);
    for (YamlNode n : list(e.value(), e.key())) {
      String id = scalar(n, "operation");
      Operation op =
          Operation.of(id)
              .orElseThrow(() ->
                  new InputException(
                      source,
                      n.where(),
                      "unknown operation "
                          + Policies.quote(id)
                          + " (expected pipeline, digest, image or attestation)"));
      if (!ops.add(op)) {
        throw new InputException(source, n.where(), "duplicate operation " + id);
      }
    }
    return ops;
  }

  private SortedSet<String> names(Entry e, Pattern pattern, String what) throws InputException {
    TreeSet<String> out = new TreeSet<>();
    for (YamlNode n : list(e.value(), e.key())) {
      String v = pattern(n, pattern, what);
      if (!out.add(v)) {
        throw new InputException(source, n.where(), "duplicate " + what + " " + Policies.quote(v));
      }
    }
    return out;
  }

  /** A non-empty list, or one scalar standing for a one-item list. */
  private List<YamlNode> list(YamlNode node, String what) throws InputException {
    List<YamlNode> items = node instanceof Scalar ? List.of(node) : sequence(node, what).items();
    if (items.isEmpty()) {
      throw new InputException(source, node.where(), what + ": expected at least one value");
    }
    return items;
  }

  private Conditions.RateLimit rate(YamlNode node) throws InputException {
    String v = scalar(node, "rateLimit");
    Matcher m = RATE.matcher(v);
    if (!m.matches()) {
      throw new InputException(
          source, node.where(), "rateLimit: expected N/s, N/min or N/h, e.g. 600/min");
    }
    long n = Long.parseLong(m.group(1));
    if (n > PolicyLimits.MAX_RATE) {
      throw new InputException(
          source, node.where(), "rateLimit: at most " + PolicyLimits.MAX_RATE + " per unit");
    }
    ChronoUnit unit =
        switch (m.group(2)) {
          case "s" -> ChronoUnit.SECONDS;
          case "min" -> ChronoUnit.MINUTES;
          default -> ChronoUnit.HOURS;
        };
    return new Conditions.RateLimit((int) n, unit);
  }

  private Duration duration(YamlNode node, String what, Duration max) throws InputException {
    String v = scalar(node, what);
    Matcher m = DURATION.matcher(v);
    if (!m.matches()) {
      throw new InputException(
          source, node.where(), what + ": expected a duration such as 90s, 10m, 24h or 7d");
    }
    long n = Long.parseLong(m.group(1));
    Duration d =
        switch (m.group(2)) {
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
    if (d.compareTo(max) > 0) {
      throw new InputException(source, node.where(), what + ": at most " + max.toSeconds() + "s");
    }
    return d;
  }

  private int count(YamlNode node, String what, int max) throws InputException {
    String v = scalar(node, what);
    if (!COUNT.matcher(v).matches() || Long.parseLong(v) > max) {
      throw new InputException(
          source, node.where(), what + ": expected a whole number from 1 to " + max);
    }
    return Integer.parseInt(v);
  }

  private String pattern(YamlNode node, Pattern p, String what) throws InputException {
    String value = scalar(node, what);
    if (!p.matcher(value).matches()) {
      throw new InputException(
          source, node.where(), "invalid " + what + " " + Policies.quote(value));
    }
    return value;
  }

  private void known(Mapping m, String... keys) throws InputException {
    Set<String> allowed = Set.of(keys);
    for (Entry e : m.entries().values()) {
      if (!allowed.contains(e.key())) {
        throw new InputException(
            source,
            e.keyWhere(),
            "unknown key "
                + Policies.quote(e.key())
                + " (expected one of "
                + new TreeSet<>(allowed)
                + ")");
      }
    }
  }

  private Entry required(Mapping m, String key) throws InputException {
    Entry e = m.entries().get(key);
    if (e == null) {
      throw new InputException(source, m.where(), "missing key " + Policies.quote(key));
    }
    return e;
  }

  private Mapping mapping(YamlNode node, String what) throws InputException {
    if (node instanceof Mapping m) {
      return m;
    }
    throw new InputException(source, node.where(), what + ": expected a mapping");
  }

  private Sequence sequence(YamlNode node, String what) throws InputException {
    if (node instanceof Sequence s) {
      return s;
    }
    throw new InputException(source, node.where(), what + ": expected a list");
  }

  private String scalar(YamlNode node, String what) throws InputException {
    if (node instanceof Scalar s) {
      return s.value();
    }
    throw new InputException(source, node.where(), what + ": expected a string");
  }
}
