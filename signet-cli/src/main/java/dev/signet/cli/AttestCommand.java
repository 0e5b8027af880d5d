package dev.signet.cli;

import dev.signet.attest.AttestationException;
import dev.signet.attest.Attestations;
import dev.signet.attest.Dsse;
import dev.signet.attest.DsseBundle;
import dev.signet.attest.DsseEnvelope;
import dev.signet.attest.PredicateTypes;
import dev.signet.attest.SlsaProvenance;
import dev.signet.attest.Statement;
import dev.signet.client.ServiceClient;
import dev.signet.input.InputException;
import dev.signet.input.InputFiles;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonReader;
import dev.signet.json.JsonString;
import dev.signet.keys.KeyException;
import dev.signet.keys.KeyRef;
import dev.signet.keys.SigningKey;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
          "Signing key (required): a private JWKS (file:keys.json#kid), a PEM key, a cosign.key,"
              + " any key reference, or signet://HOST/PROJECT/KEY (the Signet service signs)")
  String key;

  @Mixin ServiceOptions service = new ServiceOptions();

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
    if (KeyRefs.parse(key, "--key") instanceof KeyRef.Service ref) {
      return attestViaService(ref, type);
    }
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
    Statement statement = statement(type);
    DsseEnvelope env = Attestations.sign(signingKey, statement);
    write(env, signingKey.publicKey());
    done(statement, type, signingKey.algorithm().toString(), signingKey.reference());
    return ExitCode.OK;
  }

  /**
   * The service signs the statement ({@code sign/attestation}); the envelope is checked against the
   * service key before it is written, with its receipt beside it.
   */
  private Integer attestViaService(KeyRef.Service ref, String type) throws Exception {
    Statement statement = statement(type);
    PrintWriter err = spec.commandLine().getErr();
    byte[] payload = statement.toJson();
    try (ServiceClient client = ServiceClient.connect(ref, service.settings(KeyRefs.env(), err))) {
      ServiceClient.SignedText signed = client.signAttestation(Dsse.IN_TOTO_PAYLOAD_TYPE, payload);
      ServiceClient.KeyInfo info = client.key(signed.key());
      DsseEnvelope env = DsseEnvelope.parse(signed.json(), ref.display());
      byte[] got = Dsse.verify(env, info.publicKey(), ref.display());
      if (!java.security.MessageDigest.isEqual(got, payload)
          || !env.payloadType().equals(Dsse.IN_TOTO_PAYLOAD_TYPE)) {
        throw new KeyException(
            KeyException.Reason.SIGNING_FAILED,
            ref.display() + ": the service signed another statement than the one sent");
      }
      write(env, info.publicKey().publicKey());
      done(statement, type, info.algorithm().toString(), ref.display() + " (" + info.kid() + ")");
      service.write(signed.receipt(), output != null ? output : bundle, err);
      return ExitCode.OK;
    }
  }

  private void write(DsseEnvelope env, java.security.PublicKey publicKey) throws Exception {
    if (output != null) {
      AtomicFiles.replace(output, env.toJson() + "\n");
    }
    if (bundle != null) {
      AtomicFiles.replace(bundle, DsseBundle.toJson(env, publicKey) + "\n");
    }
    if (output == null && bundle == null) {
      CommandOutput.write(spec, null, env.toJson() + "\n");
    }
  }

  private void done(Statement statement, String type, String algorithm, String reference) {
    PrintWriter err = spec.commandLine().getErr();
    int n = statement.subjects().size();
    err.println(
        "signet: attested "
            + n
            + (n == 1 ? " subject" : " subjects")
            + " ("
            + type
            + ") with "
            + algorithm
            + " key "
            + reference);
    err.flush();
  }

  private Statement statement(String type) throws Exception {
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
    return new Statement(subs, type, body);
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
