package dev.signet.cli;

import dev.signet.attest.AttestationException;
import dev.signet.attest.Attestations;
import dev.signet.attest.DsseBundle;
import dev.signet.attest.DsseEnvelope;
import dev.signet.attest.PredicateTypes;
import dev.signet.attest.SlsaProvenance;
import dev.signet.attest.Statement;
import dev.signet.input.InputException;
import dev.signet.input.InputFiles;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonString;
import dev.signet.keys.SigningKey;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "attest",
    mixinStandardHelpOptions = true,
    description = {
      "Sign an in-toto Statement v1 about files as a DSSE envelope (payloadType application/vnd.in-toto+json), and optionally as a Sigstore bundle v0.3 with a dsseEnvelope, which `cosign verify-blob-attestation` and @sigstore/verify read.",
      "With the default predicate type, slsa-provenance/v1, the SLSA Provenance v1 predicate is filled from the CI environment that is present (Buildkite, GitHub Actions, GitLab CI; otherwise a local builder). --predicate supplies the predicate instead; for any other type it is the predicate.",
      "The envelope goes to --output, or to stdout when neither --output nor --bundle is given."
    },
    subcommands = AttestVerifyCommand.class)
final class AttestCommand implements Callable<Integer> {
  /** The CI environment provenance is made from; tests replace it. */
  static volatile Supplier<Map<String, String>> environment = System::getenv;

  @Spec CommandSpec spec;

  // Not `required`: picocli would then demand them of `attest verify` too.
  @Option(names = "--subject", arity = "1..*", description = "Files to attest (required)")
  List<Path> subjects;

  @Option(
      names = "--key",
      description =
          "Signing key (required): a private JWKS (file:keys.json#kid), a PEM key or a cosign.key")
  String key;

  @Option(
      names = "--predicate-type",
      defaultValue = "slsa-provenance/v1",
      description = "slsa-provenance/v1 (default) or a predicate type URI")
  String predicateType;

  @Option(names = "--predicate", description = "The predicate, a JSON object")
  Path predicate;

  @Option(names = "--output", description = "Write the DSSE envelope here (atomically)")
  Path output;

  @Option(names = "--bundle", description = "Write a Sigstore bundle v0.3 here (atomically)")
  Path bundle;

  @Option(names = "--rsa-alg", description = "PS256 (default) or PS512, for RSA PEM keys")
  String rsaAlg;

  @Override
  public Integer call() throws Exception {
    if (subjects == null || subjects.isEmpty() || key == null) {
      throw new UsageException("attest needs --subject FILE… and --key KEYREF (see --help)");
    }
    String type = PredicateTypes.resolve(predicateType);
    SigningKey signingKey =
        KeyRefs.signingKey(
            KeyRefs.parse(key, "--key"),
            KeyRefs.env(),
            KeyImportCosignCommand.rsaAlgorithm(rsaAlg));
    try {
      return attest(signingKey, type);
    } finally {
      KeyRefs.release(signingKey);
    }
  }

  private Integer attest(SigningKey signingKey, String type) throws Exception {
    List<Statement.Subject> subs = SubjectFiles.digest(subjects);
    PrintWriter err = spec.commandLine().getErr();
    JsonObject body;
    if (predicate != null) {
      body = readPredicate(predicate);
    } else if (type.equals(PredicateTypes.SLSA_PROVENANCE_V1)) {
      Map<String, String> env = environment.get();
      body = SlsaProvenance.predicate(env, Instant.now());
      SlsaProvenance.Ci ci = SlsaProvenance.detect(env);
      err.println(
          "signet: provenance from "
              + (ci == SlsaProvenance.Ci.NONE
                  ? "no CI (none detected): the builder is this machine, "
                      + SlsaProvenance.LOCAL_BUILDER
                  : ci.display() + ", builder " + builderId(body)));
    } else {
      body = null; // in-toto: an unset predicate is an empty one
    }
    DsseEnvelope env = Attestations.sign(signingKey, new Statement(subs, type, body));
    if (output != null) {
      AtomicFiles.replace(output, env.toJson() + "\n");
    }
    if (bundle != null) {
      AtomicFiles.replace(bundle, DsseBundle.toJson(env, signingKey.publicKey()) + "\n");
    }
    if (output == null && bundle == null) {
      CommandOutput.write(spec, null, env.toJson() + "\n");
    }
    err.println(
        "signet: attested "
            + subs.size()
            + (subs.size() == 1 ? " subject" : " subjects")
            + " ("
            + type
            + ") with "
            + signingKey.algorithm()
            + " key "
            + signingKey.reference());
    err.flush();
    return ExitCode.OK;
  }

  private static String builderId(JsonObject predicate) {
    if (predicate.get("runDetails") instanceof JsonObject run
        && run.get("builder") instanceof JsonObject b
        && b.get("id") instanceof JsonString id) {
      return id.value();
    }
    return "?";
  }

  private static JsonObject readPredicate(Path file) throws InputException, AttestationException {
    String source = file.toString();
    String text = InputFiles.readText(source, DsseEnvelope.MAX_BYTES);
    if (!(JsonReader.withDefaultLimits().parse(text, source) instanceof JsonObject o)) {
      throw new InputException(source, null, "a predicate must be a JSON object");
    }
    return o;
  }
}
