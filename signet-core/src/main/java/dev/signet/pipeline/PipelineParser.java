package dev.signet.pipeline;

import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Parses Buildkite pipelines the way go-pipeline does (spec §2), from YAML (or JSON, which is YAML)
 * text, and single steps from already decoded JSON (the {@code job.step} an agent gets).
 *
 * <p>All input is untrusted: size, depth, aliases, documents and steps are bounded by {@link
 * InputLimits}; every problem is an {@link InputException} naming a line and column or a path. A
 * step that cannot be mapped onto its type is not an error but an {@link UnknownStep}, which
 * signing refuses.
 */
public final class PipelineParser {
  private PipelineParser() {}

  /** Every YAML document of {@code text}, each as a pipeline ({@code pipeline upload}). */
  public static List<Pipeline> parseAll(String text, String source, InputLimits limits)
      throws InputException {
    try {
      List<Pipeline> pipelines = new ArrayList<>();
      for (YamlTree doc : YamlDocuments.read(text, source, limits, false)) {
        pipelines.add(new StepMapper(source, limits).pipeline(doc));
      }
      return pipelines;
    } catch (RuntimeException e) {
      throw unexpected(source, null, e);
    }
  }

  /** The first YAML document only, as Go's {@code Parse}; later documents are not read. */
  public static Pipeline parse(String text, String source, InputLimits limits)
      throws InputException {
    try {
      YamlTree doc = YamlDocuments.read(text, source, limits, true).getFirst();
      return new StepMapper(source, limits).pipeline(doc);
    } catch (RuntimeException e) {
      throw unexpected(source, null, e);
    }
  }

  /**
   * One step from decoded JSON. Never fails: a value that is no valid step becomes an {@link
   * UnknownStep} whose {@code where} is a path under {@code path}.
   */
  public static Step parseStep(JsonValue step, String source, String path) {
    YamlTree tree = YamlTree.fromJson(step, path);
    try {
      return new StepMapper(source, InputLimits.DEFAULT).step(tree);
    } catch (InputException e) {
      return new UnknownStep(YamlTree.toJsonLenient(tree), e.problem(), path);
    } catch (RuntimeException e) {
      return new UnknownStep(
          YamlTree.toJsonLenient(tree), unexpected(source, path, e).problem(), path);
    }
  }

  /** One command step from decoded JSON; anything else is an {@link InputException}. */
  public static CommandStep parseCommandStep(JsonValue step, String source, String path)
      throws InputException {
    YamlTree tree = YamlTree.fromJson(step, path);
    Step parsed;
    try {
      parsed = new StepMapper(source, InputLimits.DEFAULT).step(tree);
    } catch (RuntimeException e) {
      // Not through parseStep: an UnknownStep would drop the cause of a mapping bug.
      throw unexpected(source, path, e);
    }
    return switch (parsed) {
      case CommandStep c -> c;
      case UnknownStep u -> throw new InputException(source, u.where(), u.reason());
      default -> throw new InputException(source, path, "not a command step");
    };
  }

  /**
   * A bug in the mapping must not reach the user as a stack trace, nor let a half-understood
   * pipeline through: it fails closed as unreadable input.
   */
  private static InputException unexpected(
      String source, @Nullable String where, RuntimeException e) {
    return new InputException(
        source, where, "cannot parse the pipeline (" + e.getClass().getSimpleName() + ")", e);
  }
}
