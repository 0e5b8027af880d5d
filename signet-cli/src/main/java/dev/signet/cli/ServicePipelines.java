package dev.signet.cli;

import dev.signet.client.ServiceClient;
import dev.signet.input.InputException;
import dev.signet.input.InputLimits;
import dev.signet.json.JsonArray;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonValue;
import dev.signet.json.JsonWriter;
import dev.signet.keys.KeyException;
import dev.signet.keys.KeyRef;
import dev.signet.keys.VerificationKeys;
import dev.signet.pipeline.CommandStep;
import dev.signet.pipeline.GroupStep;
import dev.signet.pipeline.Pipeline;
import dev.signet.pipeline.PipelineParser;
import dev.signet.pipeline.PipelineWriter;
import dev.signet.pipeline.Step;
import dev.signet.signing.PipelineSigner;
import dev.signet.signing.StepVerificationException;
import dev.signet.signing.StepVerifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code pipeline sign --signing-key signet://…}: the service signs the pipeline server-side
 * ({@code sign/pipeline}); the client checks every step against the service key before it writes
 * the result the way a local {@code pipeline sign} does.
 */
final class ServicePipelines {
  private ServicePipelines() {}

  static int sign(
      KeyRef.Service ref,
      ServiceOptions options,
      Map<String, String> env,
      @Nullable String file,
      String repo,
      String format,
      @Nullable Path output,
      CommandSpec spec,
      PrintWriter err)
      throws Exception {
    PipelineInput input = PipelineInput.read(file);
    // The same refusals as a local signing, before anything leaves the machine.
    PipelineSigner.refuseInterpolation(input.text(), input.source());
    input.parseAll();
    try (ServiceClient client = ServiceClient.connect(ref, options.settings(env, err))) {
      ServiceClient.SignedText signed = client.signPipeline(input.text(), repo);
      VerificationKeys keys = client.key(signed.key()).publicKey().asVerificationKeys();
      List<Pipeline> docs = parse(signed.json(), ref.display());
      int steps = 0;
      for (Pipeline p : docs) {
        steps += check(p.steps(), p, repo, keys, ref.display());
      }
      String text;
      if (format.equals("json")) {
        text = signed.json().endsWith("\n") ? signed.json() : signed.json() + "\n";
      } else {
        List<String> rendered = new ArrayList<>();
        for (Pipeline p : docs) {
          rendered.add(PipelineWriter.toYaml(p));
        }
        text = String.join("---\n", rendered);
      }
      CommandOutput.write(spec, output, text);
      err.println(
          "signet: "
              + ref.display()
              + " signed "
              + steps
              + (steps == 1 ? " step" : " steps")
              + " with key "
              + signed.key());
      options.write(signed.receipt(), output, err);
      return ExitCode.OK;
    }
  }

  /** The service's answer: one pipeline's JSON, or an array of them (several YAML documents). */
  private static List<Pipeline> parse(String json, String source) throws InputException {
    JsonValue v = JsonReader.withDefaultLimits().parse(json, source);
    List<Pipeline> out = new ArrayList<>();
    if (v instanceof JsonArray a) {
      for (JsonValue doc : a.items()) {
        out.add(PipelineParser.parse(JsonWriter.compact(doc), source, InputLimits.DEFAULT));
      }
    } else {
      out.add(PipelineParser.parse(json, source, InputLimits.DEFAULT));
    }
    return out;
  }

  /** Every command step must carry a signature by the service key over this repository. */
  private static int check(
      List<Step> steps, Pipeline p, String repo, VerificationKeys keys, String source)
      throws KeyException {
    int n = 0;
    for (Step s : steps) {
      switch (s) {
        case GroupStep g -> n += check(g.steps(), p, repo, keys, source);
        case CommandStep c -> {
          if (c.signature() == null) {
            throw new KeyException(
                KeyException.Reason.SIGNING_FAILED,
                source + ": the service returned an unsigned step");
          }
          try {
            StepVerifier.verify(c, p.env(), repo, keys);
          } catch (StepVerificationException e) {
            throw new KeyException(
                KeyException.Reason.SIGNING_FAILED,
                source + ": a step the service signed does not verify: " + e.detail());
          }
          n++;
        }
        default -> {}
      }
    }
    return n;
  }
}
