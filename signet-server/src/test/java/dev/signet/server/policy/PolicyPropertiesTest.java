package dev.signet.server.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.input.InputException;
import dev.signet.server.origin.Credential;
import dev.signet.server.origin.Origin;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Random policies (written as YAML, so through the parser) and random callers, checked against an
 * oracle written separately from the evaluator: globs become regular expressions, conditions are
 * read straight from the YAML generator's own record of what it wrote.
 */
class PolicyPropertiesTest {
  private static final long SEED = Long.getLong("signet.seed", 20261122L);
  private static final String[] REFS = {
    "refs/heads/main", "refs/tags/v1", "refs/tags/v2/x", "refs/heads/feature", "main"
  };
  private static final String[] REF_PATTERNS = {
    "refs/heads/main", "refs/tags/v*", "refs/**", "refs/heads/*", "*"
  };
  private static final String CA_A = "a".repeat(64);
  private static final String CA_B = "b".repeat(64);

  /** What the generator wrote for one rule: the oracle's view. */
  record GenRule(
      String name,
      Set<String> ops,
      Set<String> keys,
      @Nullable String issuer,
      Map<String, List<String>> claims,
      @Nullable String ca,
      @Nullable List<String> cn,
      @Nullable String template,
      boolean token,
      @Nullable String stepKey,
      boolean approval) {}

  private static String pick(SplittableRandom r, String... values) {
    return values[r.nextInt(values.length)];
  }

  private static Set<String> subset(SplittableRandom r, Set<String> of) {
    Set<String> out = new java.util.TreeSet<>();
    for (String s : of) {
      if (r.nextBoolean()) {
        out.add(s);
      }
    }
    if (out.isEmpty()) {
      out.add(of.iterator().next());
    }
    return out;
  }

  static List<GenRule> rules(SplittableRandom r, int n) {
    List<GenRule> rules = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Set<String> ops = subset(r, new java.util.TreeSet<>(Set.of("digest", "pipeline", "image")));
      Set<String> keys = subset(r, new java.util.TreeSet<>(Set.of("k1", "k2")));
      String issuer = null;
      Map<String, List<String>> claims = new HashMap<>();
      int kind = r.nextInt(4);
      if (kind <= 1 || r.nextInt(3) == 0) {
        issuer = r.nextBoolean() ? "github" : "private";
        if (issuer.equals("github")) {
          claims.put("repository_owner_id", List.of(pick(r, "1", "2")));
        }
        if (r.nextBoolean()) {
          claims.put(
              "ref",
              r.nextBoolean()
                  ? List.of(pick(r, REF_PATTERNS))
                  : List.of(pick(r, REF_PATTERNS), pick(r, REF_PATTERNS)));
        }
        if (r.nextBoolean() && issuer.equals("github")) {
          claims.put("event_name", List.of(pick(r, "push", "release")));
        }
      }
      String ca = null;
      List<String> cn = null;
      String template = null;
      if (kind == 2 || r.nextInt(4) == 0) {
        ca = pick(r, CA_A, CA_B);
        if (r.nextBoolean()) {
          cn = List.of(pick(r, "agent-*", "agent-1", "builder"));
        }
        if (r.nextBoolean()) {
          template = pick(r, "1.2.3", "1.2.4");
        }
      }
      boolean token = (issuer == null && ca == null) || r.nextInt(4) == 0;
      String stepKey =
          ops.contains("pipeline") && r.nextBoolean() ? pick(r, "build-*", "*", "deploy") : null;
      rules.add(
          new GenRule(
              "r" + i,
              ops,
              keys,
              issuer,
              claims,
              ca,
              cn,
              template,
              token,
              stepKey,
              r.nextInt(4) == 0));
    }
    return rules;
  }

  static String yaml(List<GenRule> rules) {
    StringBuilder y =
        new StringBuilder(
            "projects:\n  app:\n    keys: [k1, k2]\n    operations: [digest, pipeline, image]\n    rules:\n");
    for (GenRule g : rules) {
      y.append("      - name: ").append(g.name()).append('\n');
      y.append("        operations: ").append(g.ops()).append('\n');
      y.append("        keys: ").append(g.keys()).append('\n');
      if (g.issuer() != null) {
        y.append("        oidc:\n          issuer: ").append(g.issuer()).append('\n');
        y.append("          claims:\n");
        if (g.claims().isEmpty()) {
          y.setLength(y.length() - "          claims:\n".length());
        }
        for (var e : g.claims().entrySet()) {
          y.append("            ").append(e.getKey()).append(": [");
          y.append(String.join(", ", e.getValue().stream().map(v -> "\"" + v + "\"").toList()));
          y.append("]\n");
        }
      }
      if (g.ca() != null) {
        y.append("        mtls:\n          caSha256: ").append(g.ca()).append('\n');
        if (g.cn() != null) {
          y.append("          subject: {CN: \"").append(g.cn().getFirst()).append("\"}\n");
        }
        if (g.template() != null) {
          y.append("          templateOid: ").append(g.template()).append('\n');
        }
      }
      if (g.token()) {
        y.append("        token: true\n");
      }
      if (g.stepKey() != null) {
        y.append("        pipeline: {stepKey: \"").append(g.stepKey()).append("\"}\n");
      }
      if (g.approval()) {
        y.append("        approval: {role: rm, quorum: 1, expires: 1h}\n");
      }
    }
    return y.toString();
  }

  static Origin origin(SplittableRandom r) {
    List<Credential> cs = new ArrayList<>();
    if (r.nextInt(3) > 0) {
      Map<String, String> claims = new HashMap<>();
      claims.put("repository_owner_id", pick(r, "1", "2"));
      if (r.nextInt(5) > 0) {
        claims.put("ref", pick(r, REFS));
      }
      claims.put("event_name", pick(r, "push", "release", "pull_request"));
      cs.add(Fixtures.oidc(r.nextBoolean() ? "github" : "private", "https://issuer", claims));
    }
    if (r.nextBoolean()) {
      cs.add(
          new Credential.Certificate(
              "CN=x",
              "CN=CA",
              Map.of("CN", List.of(pick(r, "agent-1", "agent-2", "builder"))),
              Set.of(pick(r, "1.2.3", "1.2.4")),
              "c".repeat(64),
              pick(r, CA_A, CA_B)));
    }
    if (r.nextInt(3) == 0) {
      cs.add(
          Fixtures.token(
              r.nextInt(4) == 0 ? "other" : "app", pick(r, "digest", "pipeline", "image")));
    }
    return new Origin(cs);
  }

  private static boolean glob(String pattern, String value) {
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      if (pattern.startsWith("**", i)) {
        re.append(".*");
        i++;
      } else if (pattern.charAt(i) == '*') {
        re.append("[^/]*");
      } else {
        re.append(Pattern.quote(String.valueOf(pattern.charAt(i))));
      }
    }
    return Pattern.compile(re.toString(), Pattern.DOTALL).matcher(value).matches();
  }

  private static boolean any(List<String> patterns, @Nullable String value) {
    return value != null && patterns.stream().anyMatch(p -> glob(p, value));
  }

  /** Every condition of the rule holds for this request. */
  static boolean holds(GenRule g, String op, String key, Origin o, List<String> steps) {
    if (!g.ops().contains(op) || !g.keys().contains(key)) {
      return false;
    }
    if (g.issuer() != null) {
      boolean ok = false;
      for (Credential c : o.credentials()) {
        if (c instanceof Credential.Oidc t
            && t.issuerName().equals(g.issuer())
            && g.claims().entrySet().stream()
                .allMatch(e -> any(e.getValue(), t.claims().get(e.getKey())))) {
          ok = true;
        }
      }
      if (!ok) {
        return false;
      }
    }
    if (g.ca() != null) {
      boolean ok = false;
      for (Credential c : o.credentials()) {
        if (c instanceof Credential.Certificate cert
            && cert.caSha256().equals(g.ca())
            && (g.cn() == null || cert.subject().get("CN").stream().allMatch(v -> any(g.cn(), v)))
            && (g.template() == null || cert.templateOids().contains(g.template()))) {
          ok = true;
        }
      }
      if (!ok) {
        return false;
      }
    }
    if (g.token()
        && o.credentials().stream()
            .noneMatch(c ->
                c instanceof Credential.ProjectToken t
                    && t.project().equals("app")
                    && t.operations().contains(op))) {
      return false;
    }
    return g.stepKey() == null
        || !op.equals("pipeline")
        || steps.stream().allMatch(s -> glob(g.stepKey(), s));
  }

  @Test
  void decisionsAgreeWithTheOracle() throws InputException {
    SplittableRandom r = new SplittableRandom(SEED);
    int allows = 0;
    int denies = 0;
    for (int round = 0; round < 300; round++) {
      List<GenRule> rules = rules(r, 1 + r.nextInt(4));
      String yaml = yaml(rules);
      PolicySet set = PolicySet.parse(yaml, "gen.yaml", TestVocabularies.ALL);
      PolicySnapshot snapshot = new PolicySnapshot(set);
      for (int i = 0; i < 50; i++) {
        String op = pick(r, "digest", "pipeline", "image");
        String key = pick(r, "k1", "k2");
        Origin o = origin(r);
        List<String> steps =
            r.nextBoolean() ? List.of("build-1") : List.of("build-1", pick(r, "deploy", "x/y"));
        Decision d =
            Evaluator.evaluate(
                snapshot,
                "app",
                Operation.of(op).orElseThrow(),
                key,
                o,
                new RequestAttributes(steps));
        GenRule expected =
            rules.stream().filter(g -> holds(g, op, key, o, steps)).findFirst().orElse(null);
        String context =
            "seed "
                + SEED
                + ", round "
                + round
                + "\n"
                + yaml
                + "\n"
                + o
                + " "
                + op
                + " "
                + key
                + " "
                + steps;
        switch (d) {
          case Decision.Allow a -> {
            allows++;
            assertThat(expected).as(context).isNotNull();
            assertThat(a.rule().rule()).as(context).isEqualTo(expected.name());
            assertThat(expected.approval()).as(context).isFalse();
          }
          case Decision.NeedsApproval n -> {
            allows++;
            assertThat(expected).as(context).isNotNull();
            assertThat(n.rule().rule()).as(context).isEqualTo(expected.name());
            assertThat(expected.approval()).as(context).isTrue();
          }
          case Decision.Deny deny -> {
            denies++;
            assertThat(expected).as(context + "\n" + deny.message()).isNull();
            assertThat(deny.failures())
                .allSatisfy(f -> assertThat(f.message()).doesNotContain("\n"));
          }
        }
        assertThat(d.version()).isEqualTo(set.version());
      }
    }
    // the generator must exercise both outcomes, or the property says nothing
    assertThat(allows).isGreaterThan(500);
    assertThat(denies).isGreaterThan(500);
  }

  @Test
  void changingAnyPinnedClaimFlipsAllowToDeny() throws InputException {
    SplittableRandom r = new SplittableRandom(SEED + 1);
    int flips = 0;
    for (int round = 0; round < 2000 && flips < 300; round++) {
      List<GenRule> rules = rules(r, 1);
      GenRule g = rules.getFirst();
      if (g.issuer() == null || g.claims().isEmpty()) {
        continue;
      }
      PolicySnapshot snapshot =
          new PolicySnapshot(PolicySet.parse(yaml(rules), "gen.yaml", TestVocabularies.ALL));
      // a caller built to satisfy the rule: literal claims taken from the patterns
      Map<String, String> claims = new HashMap<>();
      for (var e : g.claims().entrySet()) {
        claims.put(e.getKey(), e.getValue().getFirst().replace("**", "x").replace("*", "y"));
      }
      List<Credential> cs = new ArrayList<>();
      cs.add(Fixtures.oidc(g.issuer(), "https://issuer", claims));
      if (g.ca() != null) {
        cs.add(
            new Credential.Certificate(
                "CN=x",
                "CN=CA",
                Map.of("CN", List.of(g.cn() == null ? "z" : g.cn().getFirst().replace("*", "1"))),
                g.template() == null ? Set.of() : Set.of(g.template()),
                "c".repeat(64),
                g.ca()));
      }
      String op = g.ops().iterator().next();
      if (g.token()) {
        cs.add(Fixtures.token("app", op));
      }
      String key = g.keys().iterator().next();
      Operation operation = Operation.of(op).orElseThrow();
      Decision d =
          Evaluator.evaluate(
              snapshot, "app", operation, key, new Origin(cs), RequestAttributes.steps("build-1"));
      if (d instanceof Decision.Deny) {
        continue; // e.g. a step-key pattern the fixed step does not meet
      }
      for (var e : g.claims().entrySet()) {
        if (!e.getValue().stream().allMatch(p -> !p.contains("*"))) {
          continue; // pinned = exact values only
        }
        Map<String, String> changed = new HashMap<>(claims);
        changed.put(e.getKey(), claims.get(e.getKey()) + "0");
        List<Credential> cs2 = new ArrayList<>(cs);
        cs2.set(0, Fixtures.oidc(g.issuer(), "https://issuer", changed));
        Decision flipped =
            Evaluator.evaluate(
                snapshot,
                "app",
                operation,
                key,
                new Origin(cs2),
                RequestAttributes.steps("build-1"));
        assertThat(flipped).as(yaml(rules) + e).isInstanceOf(Decision.Deny.class);
        Map<String, String> removed = new HashMap<>(claims);
        removed.remove(e.getKey());
        cs2.set(0, Fixtures.oidc(g.issuer(), "https://issuer", removed));
        assertThat(
                Evaluator.evaluate(
                    snapshot,
                    "app",
                    operation,
                    key,
                    new Origin(cs2),
                    RequestAttributes.steps("build-1")))
            .isInstanceOf(Decision.Deny.class);
        flips++;
      }
    }
    assertThat(flips).isGreaterThan(100);
  }

  @Test
  void reloadRacingDecisionsStaysConsistentWithTheNamedVersion() throws Exception {
    String base =
        "projects:\n  app:\n    keys: k\n    operations: digest\n    rules:\n      - name: r\n        oidc: {issuer: github, claims: {repository_owner_id: \"1\", ref: %s}}\n";
    PolicySet main =
        PolicySet.parse(base.formatted("refs/heads/main"), "main.yaml", TestVocabularies.ALL);
    PolicySet release =
        PolicySet.parse(base.formatted("refs/heads/release"), "release.yaml", TestVocabularies.ALL);
    PolicyHistory history = PolicyHistory.inMemory();
    PolicyEngine engine =
        new PolicyEngine(main, "main.yaml", history, InstantSource.fixed(Instant.EPOCH));
    Origin caller =
        Origin.of(Fixtures.github(Map.of("repository_owner_id", "1", "ref", "refs/heads/main")));
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(5);
    try {
      Future<Integer> reloader =
          pool.submit(() -> {
            start.await();
            int n = 0;
            while (!stop.get()) {
              engine.reload(n++ % 2 == 0 ? release : main, "flip");
            }
            return n;
          });
      List<Future<int[]>> deciders = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        deciders.add(
            pool.submit(() -> {
              start.await();
              int[] seen = new int[2];
              for (int i = 0; i < 20_000; i++) {
                Decision d =
                    engine.decide("app", Operation.DIGEST, "k", caller, RequestAttributes.NONE);
                assertThat(history.find(d.version())).isPresent();
                if (d.version().equals(main.version())) {
                  assertThat(d).isInstanceOf(Decision.Allow.class);
                  seen[0]++;
                } else {
                  assertThat(d.version()).isEqualTo(release.version());
                  assertThat(((Decision.Deny) d).message())
                      .isEqualTo(
                          "rule \"r\": claim ref \"refs/heads/main\" does not match \"refs/heads/release\"");
                  seen[1]++;
                }
              }
              return seen;
            }));
      }
      start.countDown();
      int[] total = new int[2];
      for (Future<int[]> f : deciders) {
        int[] s = f.get();
        total[0] += s[0];
        total[1] += s[1];
      }
      stop.set(true);
      assertThat(reloader.get()).isGreaterThan(10);
      assertThat(total[0] + total[1]).isEqualTo(80_000);
      assertThat(total[0]).as("decisions under each version").isPositive();
      assertThat(total[1]).isPositive();
    } finally {
      pool.shutdownNow();
    }
    assertThat(history.recent(10)).hasSize(2);
  }
}
