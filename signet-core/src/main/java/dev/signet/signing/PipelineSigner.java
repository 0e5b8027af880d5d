package dev.signet.signing;

import dev.signet.jws.DetachedJws;
import dev.signet.keys.KeyException;
import dev.signet.keys.Signer;
import dev.signet.pipeline.CommandStep;
import dev.signet.pipeline.GroupStep;
import dev.signet.pipeline.InputStep;
import dev.signet.pipeline.Pipeline;
import dev.signet.pipeline.Secret;
import dev.signet.pipeline.Step;
import dev.signet.pipeline.StepSignature;
import dev.signet.pipeline.TriggerStep;
import dev.signet.pipeline.UnknownStep;
import dev.signet.pipeline.WaitStep;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.SequencedMap;
import java.util.Set;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Signs every command step of a pipeline, including those nested in groups (Buildkite's {@code
 * SignSteps}, spec §1, §2.10). Wait, input and trigger steps pass through unchanged.
 *
 * <p>Unlike Buildkite, which signs the steps before an unknown one and then fails, Signet looks for
 * unknown steps first, so a refused pipeline never costs a (possibly remote) signing call.
 */
public final class PipelineSigner {
  static final String UNKNOWN_STEP_MESSAGE =
      "refusing to sign pipeline containing a step of unknown type";

  private PipelineSigner() {}

  /**
   * How to sign.
   *
   * @param pipelineEnv the outer env for {@code env::NAME} fields; null means the pipeline's own
   *     {@code env} (what {@code tool sign} uses; {@code pipeline upload} passes the env after
   *     interpolation)
   * @param repositoryUrl the repository URL signed as {@code repository_url} (required; may be
   *     {@code ""}, which Buildkite allows)
   * @param mergePipelineSecrets merge pipeline-level secrets into top-level command steps before
   *     signing, as {@code tool sign} does offline (spec §2.8, {@code MergeSecretsFromPipeline})
   * @param debug receives each step path and its canonical payload ({@code --debug-signing}); the
   *     payload can contain secrets from env values, so the caller must treat it as such
   */
  public record Options(
      @Nullable SequencedMap<String, String> pipelineEnv,
      String repositoryUrl,
      boolean mergePipelineSecrets,
      @Nullable BiConsumer<String, byte[]> debug) {
    public Options {
      Objects.requireNonNull(repositoryUrl, "repositoryUrl");
    }

    /** The pipeline's own env, the given repository, no secrets merge, no debug output. */
    public static Options forRepository(String repositoryUrl) {
      return new Options(null, repositoryUrl, false, null);
    }
  }

  /** Returns {@code pipeline} with every command step signed by {@code signer}. */
  public static Pipeline sign(Pipeline pipeline, Signer signer, Options options)
      throws PipelineSigningException {
    List<Step> steps = pipeline.steps();
    refuseUnknownSteps(steps, "steps");
    if (options.mergePipelineSecrets() && !pipeline.secrets().isEmpty()) {
      List<Step> merged = new ArrayList<>(steps.size());
      for (Step s : steps) {
        merged.add(
            s instanceof CommandStep c
                ? c.withSecrets(mergeSecrets(pipeline.secrets(), c.secrets()))
                : s);
      }
      steps = merged;
    }
    SequencedMap<String, String> env =
        options.pipelineEnv() != null ? options.pipelineEnv() : pipeline.env();
    Context ctx = new Context(signer, env, options.repositoryUrl(), options.debug());
    return pipeline.withSteps(signAll(steps, "steps", ctx));
  }

  /** Signs one command step with {@code pipelineEnv} as the outer env. */
  public static CommandStep signStep(
      CommandStep step,
      Signer signer,
      SequencedMap<String, String> pipelineEnv,
      String repositoryUrl)
      throws KeyException {
    SignedFields fields = SignedFields.forSigning(step, pipelineEnv, repositoryUrl);
    String alg = signer.algorithm().jwa();
    byte[] payload = CanonicalPayload.of(alg, fields);
    return step.withSignature(
        new StepSignature(alg, fields.names(), DetachedJws.sign(signer, payload)));
  }

  private record Context(
      Signer signer,
      SequencedMap<String, String> env,
      String repositoryUrl,
      @Nullable BiConsumer<String, byte[]> debug) {}

  private static List<Step> signAll(List<Step> steps, String prefix, Context ctx)
      throws PipelineSigningException {
    List<Step> out = new ArrayList<>(steps.size());
    for (int i = 0; i < steps.size(); i++) {
      String path = prefix + "[" + i + "]";
      out.add(
          switch (steps.get(i)) {
            case CommandStep c -> signOne(c, path, ctx);
            case GroupStep g -> g.withSteps(signAll(g.steps(), path + ".steps", ctx));
            case WaitStep w -> w;
            case InputStep in -> in;
            case TriggerStep t -> t;
            case UnknownStep u -> throw unknown(u, path); // unreachable after the pre-check
          });
    }
    return out;
  }

  private static CommandStep signOne(CommandStep step, String path, Context ctx)
      throws PipelineSigningException {
    SignedFields fields = SignedFields.forSigning(step, ctx.env(), ctx.repositoryUrl());
    String alg = ctx.signer().algorithm().jwa();
    byte[] payload = CanonicalPayload.of(alg, fields);
    if (ctx.debug() != null) {
      ctx.debug().accept(path, payload.clone());
    }
    String value;
    try {
      value = DetachedJws.sign(ctx.signer(), payload);
    } catch (KeyException e) {
      throw new PipelineSigningException(
          PipelineSigningException.Reason.SIGNING_FAILED,
          path,
          path + ": signing failed: " + e.getMessage(),
          e);
    }
    return step.withSignature(new StepSignature(alg, fields.names(), value));
  }

  private static void refuseUnknownSteps(List<Step> steps, String prefix)
      throws PipelineSigningException {
    for (int i = 0; i < steps.size(); i++) {
      String path = prefix + "[" + i + "]";
      switch (steps.get(i)) {
        case UnknownStep u -> throw unknown(u, path);
        case GroupStep g -> refuseUnknownSteps(g.steps(), path + ".steps");
        default -> {}
      }
    }
  }

  private static PipelineSigningException unknown(UnknownStep u, String path) {
    String where = u.where().isEmpty() ? path : path + " (" + u.where() + ")";
    return new PipelineSigningException(
        PipelineSigningException.Reason.UNKNOWN_STEP,
        path,
        UNKNOWN_STEP_MESSAGE
            + ", because the pipeline could be incorrectly parsed: "
            + where
            + ": "
            + u.reason());
  }

  /**
   * Buildkite's {@code MergeSecretsFromPipeline} (spec §2.8): if either list is empty the other is
   * returned unchanged; otherwise the step's secrets then the pipeline's, keeping the first entry
   * for each env var and dropping entries without one.
   */
  static List<Secret> mergeSecrets(List<Secret> pipeline, List<Secret> step) {
    if (pipeline.isEmpty()) {
      return step;
    }
    if (step.isEmpty()) {
      return pipeline;
    }
    List<Secret> out = new ArrayList<>(step.size() + pipeline.size());
    Set<String> seen = new HashSet<>();
    for (List<Secret> list : List.of(step, pipeline)) {
      for (Secret s : list) {
        if (!s.environmentVariable().isEmpty() && seen.add(s.environmentVariable())) {
          out.add(s);
        }
      }
    }
    return out;
  }

  /**
   * Refuses raw pipeline text that Buildkite's interpolation would rewrite after signing, which
   * would break the signatures (spec §8.1 step 3, §10.10). Only {@code pipeline upload} may
   * interpolate, because it signs the result.
   *
   * <p>The forms follow {@code buildkite/interpolate}'s grammar:
   *
   * <ul>
   *   <li>{@code $NAME} where NAME starts with a letter or {@code _}, and {@code ${...}} in every
   *       form ({@code ${VAR}}, {@code ${VAR:-default}}, ...): substituted;
   *   <li>{@code $$} and {@code \$}: escapes the backend turns into {@code $}, so the text still
   *       changes (Buildkite refuses them too);
   *   <li>{@code $} followed by any other character, including whitespace, a digit or a newline
   *       ({@code $1}, {@code $@}, {@code $ 5}, {@code 5$} at the end of a line): the parser reads
   *       every {@code $} that is not the last character as an expansion and fails when no letter
   *       follows, and {@code tool sign} refuses a pipeline it cannot parse, so Signet does too.
   * </ul>
   *
   * <p>Left alone, as by the parser: a {@code $} that is the very last character of the text,
   * {@code $(} (shell command substitution), and {@code \\} (an escaped backslash, consumed as a
   * pair so that {@code \\$} is judged by what follows the {@code $}). YAML comments are not
   * exempt: Buildkite scans the raw text, and so does Signet.
   *
   * @param source the file name, for the message
   * @throws PipelineSigningException naming the first offending line and the directive found
   */
  public static void refuseInterpolation(String rawText, String source)
      throws PipelineSigningException {
    int line = 1;
    int n = rawText.length();
    for (int i = 0; i < n; i++) {
      char c = rawText.charAt(i);
      if (c == '\n') {
        line++;
        continue;
      }
      char next = i + 1 < n ? rawText.charAt(i + 1) : '\0';
      if (c == '\\') {
        if (next == '\\') {
          i++; // an escaped backslash: left unchanged by interpolation
        } else if (next == '$') {
          throw interpolation(source, line, "\\$");
        }
        continue;
      }
      if (c != '$' || i + 1 >= n) {
        continue;
      }
      if (next == '(') {
        continue;
      }
      throw interpolation(source, line, directive(rawText, i));
    }
  }

  /** The directive starting at {@code start} (a {@code $}), cut short for the message. */
  private static String directive(String text, int start) {
    int end = start + 1;
    char next = text.charAt(end);
    if (next == '{') {
      int close = text.indexOf('}', end);
      int nl = text.indexOf('\n', end);
      end = close >= 0 && (nl < 0 || close < nl) ? close + 1 : Math.min(text.length(), end + 1);
    } else {
      end += 1;
      while (end < text.length() && isIdentifierChar(text.charAt(end))) {
        end++;
      }
    }
    String d = text.substring(start, Math.min(end, start + 64));
    return d.replaceAll("\\p{Cntrl}", "?");
  }

  private static boolean isIdentifierChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  private static PipelineSigningException interpolation(String source, int line, String found) {
    String where = "line " + line;
    return new PipelineSigningException(
        PipelineSigningException.Reason.INTERPOLATION,
        where,
        source
            + ": "
            + where
            + ": pipeline contains environment interpolation "
            + found
            + ", which is only supported when dynamically uploading a pipeline;"
            + " Buildkite would rewrite it after signing and break the signature");
  }
}
