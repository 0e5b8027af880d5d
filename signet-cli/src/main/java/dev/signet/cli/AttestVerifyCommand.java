package dev.signet.cli;

import dev.signet.attest.AttestationException;
import dev.signet.attest.Attestations;
import dev.signet.attest.DsseBundle;
import dev.signet.attest.DsseEnvelope;
import dev.signet.attest.PredicateTypes;
import dev.signet.attest.Statement;
import dev.signet.input.InputFiles;
import dev.signet.json.JsonObject;
import dev.signet.json.JsonString;
import dev.signet.keys.KeyException;
import dev.signet.keys.VerifyingKey;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Verify an attestation: a DSSE envelope (ENVELOPE) or a Sigstore bundle (--bundle). Checks, in order: the envelope's structure, a signature over PAE with --key, payloadType application/vnd.in-toto+json, an in-toto Statement v1, the predicate type, and that every --subject file's SHA-256 is a subject.",
      "Without --predicate-type only SLSA Provenance v1 is accepted; name any other type to accept it.",
      "Exit 0 when verified, 1 when refused, 2 for unreadable or malformed input, 3 for key problems."
    })
final class AttestVerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "ENVELOPE",
      description = "DSSE envelope JSON")
  Path envelope;

  @Option(names = "--bundle", description = "A Sigstore bundle with a dsseEnvelope")
  Path bundle;

  @Option(
      names = "--key",
      required = true,
      description = "Verification key: cosign.pub (PEM PUBLIC KEY) or a JWKS (file:keys.json#kid)")
  String key;

  @Option(
      names = "--subject",
      required = true,
      arity = "1..*",
      description = "Files that must be subjects")
  List<Path> subjects;

  @Option(names = "--predicate-type", description = "Expected predicate type (alias or URI)")
  String predicateType;

  @Option(names = "--rsa-alg", description = "PS256 (default) or PS512, for RSA PEM keys")
  String rsaAlg;

  @Override
  public Integer call() throws Exception {
    if ((envelope == null) == (bundle == null)) {
      throw new UsageException("give either an ENVELOPE file or --bundle, not both or neither");
    }
    String expected = predicateType == null ? null : PredicateTypes.resolve(predicateType);
    VerifyingKey verifier = verifier();
    Path file = envelope != null ? envelope : bundle;
    String source = file.toString();
    String text = InputFiles.readText(source, DsseEnvelope.MAX_BYTES);
    var expectations = new Attestations.Expectations(SubjectFiles.digest(subjects), expected);
    Attestations.Verified v;
    try {
      v =
          envelope != null
              ? Attestations.verify(
                  DsseEnvelope.parse(text, source), verifier, expectations, source)
              : Attestations.verifyBundle(
                  DsseBundle.parse(text, source), verifier, expectations, source);
    } catch (AttestationException e) {
      if (e.isRefusal()) {
        throw new RefusedException("refused: " + e.getMessage());
      }
      throw e;
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("Verified " + source + " with " + verifier.algorithm() + " key " + key);
    out.println("  predicate: " + v.statement().predicateType());
    String builder = builder(v.statement());
    if (builder != null) {
      out.println("  builder:   " + builder);
    }
    for (int i = 0; i < subjects.size(); i++) {
      Statement.Subject s = v.matched().get(i);
      out.println("  subject:   " + subjects.get(i) + " = " + s.name() + " sha256:" + s.sha256());
    }
    out.flush();
    return ExitCode.OK;
  }

  /** The one public key {@code --key} names (a JWKS of several needs {@code #kid}). */
  private VerifyingKey verifier() throws KeyException {
    List<VerifyingKey> keys =
        KeyRefs.publicKeys(
            KeyRefs.parse(key, "--key"),
            KeyRefs.env(),
            spec.commandLine().getErr(),
            KeyImportCosignCommand.rsaAlgorithm(rsaAlg));
    if (keys.size() != 1) {
      throw new KeyException(
          KeyException.Reason.AMBIGUOUS,
          "--key " + key + " holds " + keys.size() + " keys; name one with #kid");
    }
    return keys.getFirst();
  }

  private static @Nullable String builder(Statement st) {
    JsonObject p = st.predicate();
    if (p != null
        && p.get("runDetails") instanceof JsonObject run
        && run.get("builder") instanceof JsonObject b
        && b.get("id") instanceof JsonString id) {
      return id.value();
    }
    return null;
  }
}
