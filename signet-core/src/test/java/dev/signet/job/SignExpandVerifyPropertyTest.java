package dev.signet.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.json.JsonArray;
import dev.signet.json.JsonBool;
import dev.signet.json.JsonFloat;
import dev.signet.json.JsonNull;
import dev.signet.json.JsonNumber;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.keys.Algorithm;
import dev.signet.keys.KeyGenerator;
import dev.signet.keys.KeySet;
import dev.signet.keys.Signer;
import dev.signet.keys.VerificationKeys;
import dev.signet.pipeline.Checkout;
import dev.signet.pipeline.CommandStep;
import dev.signet.pipeline.GroupStep;
import dev.signet.pipeline.Matrix;
import dev.signet.pipeline.Pipeline;
import dev.signet.pipeline.Plugin;
import dev.signet.pipeline.Secret;
import dev.signet.pipeline.Step;
import dev.signet.pipeline.StepSignature;
import dev.signet.pipeline.WaitStep;
import dev.signet.signing.PipelineSigner;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Property: random pipelines, signed and expanded as a control plane would, give jobs that all
 * verify; and changing any signed thing — in the step, the job env, the permutation or the
 * signature — is refused at the check that guards it.
 */
class SignExpandVerifyPropertyTest {
  static final int PIPELINES = 250;
  static Signer signer;
  static VerificationKeys keys;

  @BeforeAll
  static void key() throws Exception {
    KeyGenerator.GeneratedKey k =
        KeyGenerator.generate(Algorithm.EdDSA, "prop", new SecureRandom());
    signer = KeySet.parse(k.privateJwks(), "prop").signer(null);
    keys = KeySet.parse(k.publicJwks(), "prop").verificationKeys();
  }

  @Test
  void signedPipelinesVerifyAndEveryMutationIsRefused() throws Exception {
    RandomGenerator rnd = RandomGeneratorFactory.of("L64X128MixRandom").create(20260822L);
    JobVerifier verifier = new JobVerifier(keys, JobVerifier.FailureBehavior.BLOCK);
    int jobsChecked = 0;
    int mutationsChecked = 0;
    for (int i = 0; i < PIPELINES; i++) {
      Gen gen = new Gen(rnd);
      Pipeline pipeline = gen.pipeline();
      String repo = rnd.nextBoolean() ? "git@github.com:acme/" + gen.text(6) + ".git" : "";
      Pipeline signed =
          PipelineSigner.sign(pipeline, signer, PipelineSigner.Options.forRepository(repo));
      List<Job> jobs = JobExpander.expand(signed, repo, Map.of());
      for (Job job : jobs) {
        JobVerdict verdict = verifier.verify(job);
        assertThat(verdict)
            .as("pipeline %d job %s", i, job)
            .isInstanceOf(JobVerdict.Verified.class);
        assertThat(verdict.step().command()).isEqualTo(job.env().get("BUILDKITE_COMMAND"));
        jobsChecked++;
        for (Mutation m : mutations(job, jobs, rnd)) {
          JobVerdict refused = verifier.verify(m.job());
          assertThat(refused)
              .as("pipeline %d: %s on %s", i, m.name(), job)
              .isInstanceOfSatisfying(
                  JobVerdict.Failed.class,
                  f -> assertThat(f.check()).as(m.name()).isEqualTo(m.expected()));
          mutationsChecked++;
        }
      }
    }
    assertThat(jobsChecked).isGreaterThan(PIPELINES);
    assertThat(mutationsChecked).isGreaterThan(jobsChecked * 8);
  }

  record Mutation(String name, Job job, JobVerdict.Check expected) {}

  static List<Mutation> mutations(Job job, List<Job> all, RandomGenerator rnd) throws Exception {
    List<Mutation> out = new ArrayList<>();
    CommandStep step = job.step();
    StepSignature sig = step.signature();
    JobVerdict.Check invalid = JobVerdict.Check.INVALID_SIGNATURE;
    JobVerdict.Check mismatch = JobVerdict.Check.JOB_MISMATCH;

    out.add(
        new Mutation(
            "step command",
            withStep(job, step.withCommand(step.command() + ";rm -rf /")),
            invalid));
    out.add(
        new Mutation(
            "BUILDKITE_COMMAND",
            withEnv(
                job,
                e -> put(e, "BUILDKITE_COMMAND", e.get("BUILDKITE_COMMAND") + " && curl evil")),
            mismatch));
    out.add(
        new Mutation(
            "repository",
            withEnv(job, e -> put(e, "BUILDKITE_REPO", "https://evil.example/x.git")),
            invalid));
    out.add(
        new Mutation(
            "algorithm",
            withStep(
                job,
                step.withSignature(new StepSignature("ES512", sig.signedFields(), sig.value()))),
            invalid));
    List<String> fewer = new ArrayList<>(sig.signedFields());
    fewer.remove(rnd.nextInt(fewer.size()));
    out.add(
        new Mutation(
            "drop signed field",
            withStep(
                job, step.withSignature(new StepSignature(sig.algorithm(), fewer, sig.value()))),
            invalid));
    for (Job other : all) {
      if (!other.step().signature().value().equals(sig.value())) {
        out.add(
            new Mutation(
                "other step's signature",
                withStep(job, step.withSignature(other.step().signature())),
                invalid));
        break;
      }
    }
    if (!step.env().isEmpty()) {
      String name = step.env().firstEntry().getKey();
      SequencedMap<String, String> env = new LinkedHashMap<>(step.env());
      env.put(name, env.get(name) + "x");
      out.add(new Mutation("step env value", withStep(job, step.withEnv(env)), invalid));
      out.add(
          new Mutation(
              "job env of a step var",
              withEnv(job, e -> put(e, name, e.get(name) + "x")),
              mismatch));
    }
    for (String field : sig.signedFields()) {
      if (field.startsWith("env::")) {
        String name = field.substring(5);
        out.add(
            new Mutation(
                "pipeline env value", withEnv(job, e -> put(e, name, e.get(name) + "!")), invalid));
        out.add(
            new Mutation(
                "pipeline env removed",
                withEnv(
                    job,
                    e -> {
                      e.remove(name);
                      return e;
                    }),
                invalid));
        break;
      }
    }
    if (!step.plugins().isEmpty()) {
      Plugin p = step.plugins().getFirst();
      List<Plugin> source = new ArrayList<>(step.plugins());
      source.set(0, new Plugin(p.source() + "-evil", p.config()));
      out.add(new Mutation("plugin source", withStep(job, step.withPlugins(source)), invalid));
      List<Plugin> config = new ArrayList<>(step.plugins());
      config.set(0, new Plugin(p.source(), JsonObject.builder().put("injected", "yes").build()));
      out.add(new Mutation("plugin config", withStep(job, step.withPlugins(config)), invalid));
      out.add(
          new Mutation(
              "BUILDKITE_PLUGINS",
              withEnv(
                  job,
                  e ->
                      put(
                          e,
                          "BUILDKITE_PLUGINS",
                          "[{\"github.com/evil/x-buildkite-plugin\":null}]")),
              mismatch));
    }
    if (!step.secrets().isEmpty()) {
      out.add(
          new Mutation(
              "secrets",
              withStep(job, step.withSecrets(List.of(new Secret("other", "OTHER")))),
              invalid));
    }
    if (step.checkout() != null && !step.checkout().isEmpty()) {
      Checkout c = step.checkout();
      Checkout changed =
          new Checkout(
              c.skip() == null ? Boolean.TRUE : !c.skip(),
              c.submodules(),
              c.sshSecret(),
              c.depth(),
              c.remaining());
      out.add(new Mutation("checkout", withStep(job, step.withCheckout(changed)), invalid));
    }
    Matrix m = step.matrix();
    if (m == null || m.setup() == null || m.setup().isEmpty()) {
      SequencedMap<String, String> forged = new LinkedHashMap<>(Map.of("", "forged"));
      out.add(
          new Mutation(
              "permutation on a step without matrix",
              new Job(job.id(), job.env(), step, forged),
              mismatch));
    } else {
      SequencedMap<String, String> forged = new LinkedHashMap<>(job.matrixPermutation());
      forged.put(forged.firstEntry().getKey(), "forged$(id)");
      out.add(new Mutation("forged permutation", forgedJob(job, forged), mismatch));
      for (Matrix.Adjustment a : m.adjustments()) {
        if (MatrixPermutations.skips(a.skip())) {
          SequencedMap<String, String> skipped = new LinkedHashMap<>();
          m.setup().keySet().forEach(d -> skipped.put(d, a.with().get(d)));
          out.add(new Mutation("skipped combination", forgedJob(job, skipped), mismatch));
          break;
        }
      }
      LinkedHashMap<String, @Nullable List<String>> setup = new LinkedHashMap<>(m.setup());
      String dim = setup.firstEntry().getKey();
      List<String> values = new ArrayList<>(setup.get(dim));
      values.add("extra");
      setup.put(dim, values);
      out.add(
          new Mutation(
              "matrix setup",
              withStep(job, step.withMatrix(new Matrix(setup, m.adjustments(), m.remaining()))),
              invalid));
    }
    return out;
  }

  /** A job with a forged permutation whose env is made consistent with it, as an attacker would. */
  static Job forgedJob(Job job, SequencedMap<String, String> permutation) throws MatrixException {
    CommandStep post = MatrixInterpolation.apply(job.step(), permutation);
    LinkedHashMap<String, String> env = new LinkedHashMap<>(job.env());
    env.putAll(post.env());
    env.put("BUILDKITE_COMMAND", post.command());
    return new Job(job.id(), env, job.step(), permutation);
  }

  static Job withStep(Job job, CommandStep step) {
    return new Job(job.id(), job.env(), step, job.matrixPermutation());
  }

  static Job withEnv(Job job, UnaryOperator<LinkedHashMap<String, String>> change) {
    return new Job(
        job.id(),
        change.apply(new LinkedHashMap<>(job.env())),
        job.step(),
        job.matrixPermutation());
  }

  static LinkedHashMap<String, String> put(LinkedHashMap<String, String> env, String k, String v) {
    env.put(k, v);
    return env;
  }

  /**
   * Random pipelines with every signed feature. No '{' in random text, so tokens are deliberate.
   */
  static final class Gen {
    static final String ALPHABET = "abcxyz019 _-./:'\"\\\t\n<>&é今😀\u2028\u0001";
    final RandomGenerator rnd;

    Gen(RandomGenerator rnd) {
      this.rnd = rnd;
    }

    String text(int max) {
      StringBuilder sb = new StringBuilder();
      int n = rnd.nextInt(max + 1);
      int[] cps = ALPHABET.codePoints().toArray();
      for (int i = 0; i < n; i++) {
        sb.appendCodePoint(cps[rnd.nextInt(cps.length)]);
      }
      return sb.toString();
    }

    Pipeline pipeline() {
      SequencedMap<String, String> env = new LinkedHashMap<>();
      for (int i = rnd.nextInt(4); i > 0; i--) {
        env.put("P" + rnd.nextInt(4), text(8));
      }
      List<Step> steps = new ArrayList<>();
      for (int i = 1 + rnd.nextInt(3); i > 0; i--) {
        switch (rnd.nextInt(6)) {
          case 0 -> steps.add(new WaitStep(new JsonString("wait")));
          case 1 -> steps.add(new GroupStep("g", null, List.of(step(), step()), JsonObject.EMPTY));
          default -> steps.add(step());
        }
      }
      return new Pipeline(steps, env, List.of(), null, JsonObject.EMPTY, false);
    }

    CommandStep step() {
      Matrix matrix = matrix();
      List<String> tokens = new ArrayList<>();
      if (matrix != null && matrix.setup() != null) {
        for (String dim : matrix.setup().keySet()) {
          tokens.add(dim.isEmpty() ? "{{matrix}}" : "{{ matrix." + dim + " }}");
        }
      }
      SequencedMap<String, String> env = new LinkedHashMap<>();
      for (int i = rnd.nextInt(4); i > 0; i--) {
        env.put((rnd.nextBoolean() ? "P" : "S") + rnd.nextInt(4), text(5) + token(tokens));
      }
      List<Plugin> plugins = new ArrayList<>();
      for (int i = rnd.nextInt(3); i > 0; i--) {
        String source =
            List.of(
                    "docker#v1." + i + token(tokens),
                    "my-org/cache#v2",
                    "./local",
                    "https://x.example/p.git")
                .get(rnd.nextInt(4));
        plugins.add(new Plugin(source, rnd.nextInt(4) == 0 ? null : config(tokens, 0)));
      }
      List<Secret> secrets = new ArrayList<>();
      for (int i = rnd.nextInt(3); i > 0; i--) {
        secrets.add(new Secret("key" + i, rnd.nextBoolean() ? "ENV" + i : ""));
      }
      Checkout checkout =
          switch (rnd.nextInt(3)) {
            case 0 -> null;
            case 1 -> new Checkout(null, null, null, null, JsonObject.EMPTY);
            default ->
                new Checkout(
                    rnd.nextBoolean() ? rnd.nextBoolean() : null,
                    rnd.nextBoolean() ? Boolean.TRUE : null,
                    rnd.nextBoolean() ? text(4) : null,
                    rnd.nextBoolean() ? (long) rnd.nextInt(50) : null,
                    rnd.nextBoolean()
                        ? JsonObject.builder()
                            .put("ref" + token(tokens), text(4) + token(tokens))
                            .build()
                        : JsonObject.EMPTY);
          };
      return CommandStep.of("echo " + text(10) + token(tokens) + text(3))
          .withLabel(rnd.nextBoolean() ? "label " + token(tokens) : null)
          .withEnv(env)
          .withPlugins(plugins)
          .withSecrets(secrets)
          .withCheckout(checkout)
          .withMatrix(matrix);
    }

    String token(List<String> tokens) {
      return tokens.isEmpty() || rnd.nextBoolean() ? "" : tokens.get(rnd.nextInt(tokens.size()));
    }

    JsonValue config(List<String> tokens, int depth) {
      JsonObject.Builder b = JsonObject.builder();
      for (int i = rnd.nextInt(4); i > 0; i--) {
        String key = "k_" + i + "_" + token(tokens);
        JsonValue v =
            switch (depth < 2 ? rnd.nextInt(7) : rnd.nextInt(5)) {
              case 0 -> new JsonString(text(6) + token(tokens));
              case 1 -> JsonNumber.of(rnd.nextLong(-1000, 1000));
              case 2 -> new JsonFloat(rnd.nextDouble() * 1e6);
              case 3 -> JsonBool.of(rnd.nextBoolean());
              case 4 -> JsonNull.NULL;
              case 5 ->
                  new JsonArray(List.of(new JsonString(token(tokens)), config(tokens, depth + 1)));
              default -> config(tokens, depth + 1);
            };
        b.put(key, v);
      }
      return b.build();
    }

    @Nullable Matrix matrix() {
      switch (rnd.nextInt(3)) {
        case 0:
          return null;
        case 1:
          {
            List<String> values = new ArrayList<>();
            for (int i = 1 + rnd.nextInt(3); i > 0; i--) {
              values.add("v" + i + text(3));
            }
            return Matrix.anonymous(values);
          }
        default:
          {
            LinkedHashMap<String, @Nullable List<String>> setup = new LinkedHashMap<>();
            for (int d = 1 + rnd.nextInt(2); d > 0; d--) {
              List<String> values = new ArrayList<>();
              for (int i = 1 + rnd.nextInt(3); i > 0; i--) {
                values.add("d" + d + "v" + i);
              }
              setup.put("dim" + d, values);
            }
            List<Matrix.Adjustment> adjustments = new ArrayList<>();
            for (int a = rnd.nextInt(3); a > 0; a--) {
              SequencedMap<String, String> with = new LinkedHashMap<>();
              boolean skip = rnd.nextBoolean();
              setup.forEach((dim, values) ->
                  with.put(
                      dim, skip ? values.get(rnd.nextInt(values.size())) : "new" + rnd.nextInt(3)));
              JsonValue skipValue =
                  skip ? (rnd.nextBoolean() ? JsonBool.TRUE : new JsonString("")) : null;
              adjustments.add(
                  new Matrix.Adjustment(
                      with,
                      skipValue,
                      rnd.nextBoolean()
                          ? JsonObject.builder().put("soft_fail", JsonBool.TRUE).build()
                          : JsonObject.EMPTY));
            }
            return new Matrix(
                setup,
                adjustments,
                rnd.nextInt(4) == 0
                    ? JsonObject.builder().put("future", JsonNumber.of(1)).build()
                    : JsonObject.EMPTY);
          }
      }
    }
  }
}
