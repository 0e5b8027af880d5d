package dev.signet.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.json.Jcs;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonBool;
import dev.signet.json.JsonNull;
import dev.signet.json.JsonNumber;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonString;
import dev.signet.json.JsonValue;
import dev.signet.json.JsonWriter;
import dev.signet.keys.Signer;
import dev.signet.pipeline.CommandStep;
import dev.signet.pipeline.GroupStep;
import dev.signet.pipeline.Pipeline;
import dev.signet.pipeline.PipelineParser;
import dev.signet.pipeline.Step;
import dev.signet.signing.CanonicalPayload;
import dev.signet.signing.PipelineSigner;
import dev.signet.signing.PipelineSigningException;
import dev.signet.signing.SignedFields;
import dev.signet.testing.FuzzChecks;
import dev.signet.testing.TestKeys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The agent's side of a compromised control plane: {@link JobVerifier} against jobs it did not get
 * from an honest {@link JobExpander}.
 *
 * <p>{@link #mutatedJob} starts from a job of a signed pipeline and lets the fuzzer change its JSON
 * (any member, at any depth, including the signature): whenever the verifier accepts the result,
 * the job must run exactly what an honest job of the signed pipeline runs (signed step values,
 * matrix permutation, {@code BUILDKITE_COMMAND}, step env, {@code BUILDKITE_PLUGINS}, repository
 * and signed pipeline env). {@link #signExpandVerify} takes fuzzed pipeline text, signs it, expands
 * it as a control plane would, and requires every job to verify, also after its JSON round trip.
 */
class JobVerifierFuzzTest {
  private static final String REPO = "git@github.com:acme/fuzz.git";
  private static final Set<String> BACKEND_VARIABLES =
      Set.of(JobVerifier.COMMAND, JobVerifier.PLUGINS, JobVerifier.REPO);
  private static final int MAX_JOBS_CHECKED = 64;

  private static final Signer SIGNER;
  private static final JobVerifier VERIFIER;

  /** Every job an honest control plane makes of the seed pipelines. */
  private static final List<Job> HONEST = new ArrayList<>();

  static {
    try {
      SIGNER = TestKeys.signer("EdDSA/TEST_DO_NOT_USE");
      VERIFIER =
          new JobVerifier(
              TestKeys.verificationKeys("EdDSA/TEST_DO_NOT_USE"),
              JobVerifier.FailureBehavior.BLOCK);
      for (String seed : List.of("rich.yml", "simple.json")) {
        Pipeline p = PipelineParser.parse(seedText(seed), seed, InputLimits.DEFAULT);
        Pipeline signed =
            PipelineSigner.sign(p, SIGNER, PipelineSigner.Options.forRepository(REPO));
        HONEST.addAll(JobExpander.expand(signed, REPO, Map.of()));
      }
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static String seedText(String name) throws IOException {
    try (InputStream in =
        JobVerifierFuzzTest.class.getResourceAsStream(
            "JobVerifierFuzzTestInputs/signExpandVerify/" + name)) {
      return new String(Objects.requireNonNull(in, name).readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void honestJobsVerify() {
    assertThat(HONEST).hasSizeGreaterThan(5);
    for (Job job : HONEST) {
      assertThat(VERIFIER.verify(job)).as("%s", job).isInstanceOf(JobVerdict.Verified.class);
    }
  }

  @FuzzTest
  void mutatedJob(FuzzedDataProvider data) {
    Job honest = HONEST.get(data.consumeInt(0, HONEST.size() - 1));
    JsonValue tree = JobJson.toJson(honest);
    for (int edits = data.consumeInt(1, 3); edits > 0; edits--) {
      tree = mutate(tree, data, 0);
    }
    Job job;
    try {
      job = JobJson.parse(JsonWriter.compact(tree), "job.json", InputLimits.DEFAULT);
    } catch (InputException e) {
      FuzzChecks.typed(e);
      return;
    }
    JobVerdict verdict = VERIFIER.verify(job);
    if (verdict instanceof JobVerdict.Verified) {
      assertThat(HONEST.stream().anyMatch(h -> runsTheSame(job, h)))
          .as("the verifier accepted a job that runs something nobody signed: %s", tree)
          .isTrue();
    } else {
      assertThat(verdict.mayRun()).isFalse();
      JobVerdict.Failed f = (JobVerdict.Failed) verdict;
      FuzzChecks.oneLine(f.detail(), new AssertionError(f.check()));
    }
  }

  @FuzzTest
  void signExpandVerify(@NotNull String text) throws InputException {
    Pipeline pipeline;
    List<Job> jobs;
    try {
      pipeline = PipelineParser.parse(text, "fuzz.yml", InputLimits.DEFAULT);
      if (usesBackendVariables(pipeline)) {
        return; // the backend overwrites them, so such a step can never verify
      }
      Pipeline signed =
          PipelineSigner.sign(pipeline, SIGNER, PipelineSigner.Options.forRepository(REPO));
      jobs = JobExpander.expand(signed, REPO, Map.of());
    } catch (InputException | PipelineSigningException | JobExpansionException e) {
      FuzzChecks.typed(e);
      return;
    }
    for (int i = 0; i < jobs.size() && i < MAX_JOBS_CHECKED; i++) {
      Job job = jobs.get(i);
      assertVerified(job);
      if (i < 8) {
        // What the agent gets is the job's JSON, not the record.
        assertVerified(
            JobJson.parse(
                JsonWriter.compact(JobJson.toJson(job)), "job.json", InputLimits.DEFAULT));
      }
    }
    if (!jobs.isEmpty()) {
      Job first = jobs.getFirst();
      LinkedHashMap<String, String> env = new LinkedHashMap<>(first.env());
      env.put(JobVerifier.COMMAND, env.getOrDefault(JobVerifier.COMMAND, "") + " ");
      Job forged = new Job(first.id(), env, first.step(), first.matrixPermutation());
      assertThat(VERIFIER.verify(forged)).isInstanceOf(JobVerdict.Failed.class);
    }
  }

  private static void assertVerified(Job job) {
    JobVerdict verdict = VERIFIER.verify(job);
    if (!(verdict instanceof JobVerdict.Verified)) {
      JobVerdict.Failed f = (JobVerdict.Failed) verdict;
      throw new AssertionError(
          "an honestly expanded job of a signed pipeline is refused: "
              + f.check()
              + " "
              + f.field()
              + ": "
              + f.detail()
              + "\n"
              + JsonWriter.pretty(JobJson.toJson(job)));
    }
  }

  private static boolean usesBackendVariables(Pipeline p) {
    if (p.env().keySet().stream().anyMatch(BACKEND_VARIABLES::contains)) {
      return true;
    }
    return commandSteps(p.steps()).stream()
        .anyMatch(c -> c.env().keySet().stream().anyMatch(BACKEND_VARIABLES::contains));
  }

  private static List<CommandStep> commandSteps(List<Step> steps) {
    List<CommandStep> out = new ArrayList<>();
    for (Step s : steps) {
      switch (s) {
        case CommandStep c -> out.add(c);
        case GroupStep g -> out.addAll(commandSteps(g.steps()));
        default -> {}
      }
    }
    return out;
  }

  // ---- the oracle -------------------------------------------------------------------------------

  /**
   * Whether {@code job} runs what the honest job {@code h} runs: the same signed step values and
   * permutation, and the same values for every variable the agent takes from the job env and the
   * signature covers.
   */
  private static boolean runsTheSame(Job job, Job h) {
    if (!Arrays.equals(stepPayload(job.step()), stepPayload(h.step()))
        || !job.matrixPermutation().equals(h.matrixPermutation())) {
      return false;
    }
    for (String name : List.of(JobVerifier.COMMAND, JobVerifier.REPO)) {
      if (!Objects.equals(job.env().get(name), h.env().get(name))) {
        return false;
      }
    }
    if (!samePlugins(job.env().get(JobVerifier.PLUGINS), h.env().get(JobVerifier.PLUGINS))) {
      return false;
    }
    CommandStep post;
    try {
      post = MatrixInterpolation.apply(h.step(), h.matrixPermutation());
    } catch (MatrixException e) {
      throw new AssertionError("an honest job cannot be interpolated", e);
    }
    for (String name : post.env().keySet()) {
      if (!Objects.equals(job.env().get(name), h.env().get(name))) {
        return false;
      }
    }
    for (String field : Objects.requireNonNull(h.step().signature()).signedFields()) {
      if (field.startsWith("env::")) {
        String name = field.substring("env::".length());
        if (!Objects.equals(job.env().get(name), h.env().get(name))) {
          return false;
        }
      }
    }
    return true;
  }

  /** The step's own signed values: command, env, plugins, matrix, secrets, checkout. */
  private static byte[] stepPayload(CommandStep step) {
    return CanonicalPayload.of(
        "", SignedFields.forSigning(step, new LinkedHashMap<>(), "").values());
  }

  private static boolean samePlugins(String a, String b) {
    boolean aEmpty = a == null || a.isEmpty() || a.equals("null") || a.equals("[]");
    boolean bEmpty = b == null || b.isEmpty() || b.equals("null") || b.equals("[]");
    if (aEmpty || bEmpty) {
      return aEmpty == bEmpty;
    }
    try {
      JsonReader reader = JsonReader.withDefaultLimits();
      return Arrays.equals(
          Jcs.canonicalize(reader.parse(a, "a")), Jcs.canonicalize(reader.parse(b, "b")));
    } catch (InputException e) {
      return false;
    }
  }

  // ---- JSON mutations ---------------------------------------------------------------------------

  /** Values a control plane might swap in: tokens, other permutations' values, variable names. */
  private static final List<String> POOL =
      List.of(
          "",
          "{{matrix}}",
          "{{matrix.os}}",
          "{{ matrix.go }}",
          "linux",
          "darwin",
          "windows",
          "staging",
          "production",
          "1.22",
          "1.23",
          "null",
          "[]",
          "DEPLOY",
          "REGION",
          "CI",
          JobVerifier.COMMAND,
          JobVerifier.PLUGINS,
          JobVerifier.REPO,
          "env::REGION",
          "skip",
          "with",
          "setup",
          "adjustments",
          REPO);

  /** One change somewhere in {@code v}: the fuzzer picks the path and the change. */
  static JsonValue mutate(JsonValue v, FuzzedDataProvider d, int depth) {
    int op = d.consumeInt(0, 9);
    switch (v) {
      case JsonObject o when !o.isEmpty() && op < 6 && depth < 16 -> {
        List<String> names = new ArrayList<>(o.members().keySet());
        String name = names.get(d.consumeInt(0, names.size() - 1));
        LinkedHashMap<String, JsonValue> m = new LinkedHashMap<>(o.members());
        m.put(name, mutate(o.get(name), d, depth + 1));
        return new JsonObject(m);
      }
      case JsonArray a when !a.isEmpty() && op < 6 && depth < 16 -> {
        List<JsonValue> items = new ArrayList<>(a.items());
        int i = d.consumeInt(0, items.size() - 1);
        items.set(i, mutate(items.get(i), d, depth + 1));
        return new JsonArray(items);
      }
      case JsonObject o when op < 8 -> {
        LinkedHashMap<String, JsonValue> m = new LinkedHashMap<>(o.members());
        List<String> names = new ArrayList<>(m.keySet());
        if (op == 6 || names.isEmpty()) {
          m.put(string(d), leaf(d));
        } else {
          String name = names.get(d.consumeInt(0, names.size() - 1));
          JsonValue removed = m.remove(name);
          if (d.consumeBoolean()) {
            m.put(edit(name, d), removed); // renamed
          }
        }
        return new JsonObject(m);
      }
      case JsonArray a when op < 8 -> {
        List<JsonValue> items = new ArrayList<>(a.items());
        if (op == 6 || items.isEmpty()) {
          items.add(d.consumeInt(0, items.size()), leaf(d));
        } else {
          items.remove(d.consumeInt(0, items.size() - 1));
        }
        return new JsonArray(items);
      }
      case JsonString s when op < 8 -> {
        return new JsonString(edit(s.value(), d));
      }
      default -> {
        return leaf(d);
      }
    }
  }

  private static JsonValue leaf(FuzzedDataProvider d) {
    return switch (d.consumeInt(0, 6)) {
      case 0 -> JsonNull.NULL;
      case 1 -> JsonBool.of(d.consumeBoolean());
      case 2 -> JsonNumber.of(d.consumeLong());
      case 3 -> JsonObject.EMPTY;
      case 4 -> JsonArray.EMPTY;
      default -> new JsonString(string(d));
    };
  }

  private static String string(FuzzedDataProvider d) {
    return d.consumeBoolean() ? POOL.get(d.consumeInt(0, POOL.size() - 1)) : d.consumeString(24);
  }

  /** A small edit: replace, insert or delete some characters, or swap in another string. */
  private static String edit(String s, FuzzedDataProvider d) {
    int at = d.consumeInt(0, s.length());
    return switch (d.consumeInt(0, 3)) {
      case 0 -> s.substring(0, at) + string(d) + s.substring(at);
      case 1 -> at < s.length() ? s.substring(0, at) + s.substring(at + 1) : s + d.consumeChar();
      case 2 ->
          at < s.length() ? s.substring(0, at) + d.consumeChar() + s.substring(at + 1) : string(d);
      default -> string(d);
    };
  }
}
